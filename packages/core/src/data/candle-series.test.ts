import { describe, expect, it } from 'vitest'
import {
  candleAt,
  lowerBound,
  medianSpacing,
  seriesLength,
  sliceSeries,
  symbolFromPath,
  timeframeLabel,
  timeframeToMs,
  type CandleSeries,
} from './candle-series.js'

const H = 3_600_000

function series(times: number[]): CandleSeries {
  const col = (f: (i: number) => number): Float64Array => Float64Array.from(times, (_, i) => f(i))
  return {
    symbol: 'TEST',
    timeframe: '1h',
    openTime: Float64Array.from(times),
    open: col((i) => 100 + i),
    high: col((i) => 102 + i),
    low: col((i) => 99 + i),
    close: col((i) => 101 + i),
    volume: col((i) => 10 * i),
  }
}

describe('seriesLength', () => {
  it('should return the number of bars', () => {
    expect(seriesLength(series([0, H, 2 * H]))).toBe(3)
    expect(seriesLength(series([]))).toBe(0)
  })
})

describe('sliceSeries', () => {
  const s = series([0, H, 2 * H, 3 * H, 4 * H])

  it('should include from and exclude to', () => {
    const part = sliceSeries(s, H, 3 * H)
    expect([...part.openTime]).toEqual([H, 2 * H])
    expect([...part.close]).toEqual([102, 103])
    expect(part.symbol).toBe('TEST')
    expect(part.timeframe).toBe('1h')
  })

  it('should use times between bars as bounds', () => {
    expect([...sliceSeries(s, H + 1, 3 * H + 1).openTime]).toEqual([2 * H, 3 * H])
  })

  it('should default to the whole series', () => {
    expect(seriesLength(sliceSeries(s))).toBe(5)
    expect([...sliceSeries(s, 3 * H).openTime]).toEqual([3 * H, 4 * H])
    expect([...sliceSeries(s, undefined, H).openTime]).toEqual([0])
  })

  it('should return an empty series for empty or inverted ranges', () => {
    expect(seriesLength(sliceSeries(s, 10 * H))).toBe(0)
    expect(seriesLength(sliceSeries(s, 3 * H, H))).toBe(0)
  })

  it('should share memory with the source (zero copy)', () => {
    const part = sliceSeries(s, H, 2 * H)
    expect(part.open.buffer).toBe(s.open.buffer)
  })
})

describe('candleAt', () => {
  const s = series([0, H])

  it('should return bar i as a plain object', () => {
    expect(candleAt(s, 1)).toEqual({
      symbol: 'TEST',
      openTime: H,
      open: 101,
      high: 103,
      low: 100,
      close: 102,
      volume: 10,
    })
  })

  it('should return undefined outside [0, length)', () => {
    expect(candleAt(s, 2)).toBeUndefined()
    expect(candleAt(s, -1)).toBeUndefined()
    expect(candleAt(s, 0.5)).toBeUndefined()
  })
})

describe('lowerBound', () => {
  it('should find the first time >= the target', () => {
    const t = Float64Array.from([10, 20, 30])
    expect([5, 10, 11, 30, 31].map((x) => lowerBound(t, x))).toEqual([0, 0, 1, 2, 3])
  })
})

describe('timeframeLabel', () => {
  it('should name the usual bar lengths', () => {
    const ms = [60_000, 300_000, 900_000, H, 4 * H, 24 * H, 8 * H, 1000]
    expect(ms.map(timeframeLabel)).toEqual(['1m', '5m', '15m', '1h', '4h', '1d', '8h', '1s'])
  })

  it('should fall back to milliseconds', () => {
    expect(timeframeLabel(1500)).toBe('1500ms')
    expect(timeframeLabel(Number.NaN)).toBe('NaNms')
  })
})

describe('timeframeToMs', () => {
  it('should parse labels', () => {
    expect(['1m', '5m', '15m', '1h', '4h', '1d', '1w', '250ms', '1s'].map(timeframeToMs)).toEqual([
      60_000,
      300_000,
      900_000,
      H,
      4 * H,
      24 * H,
      7 * 24 * H,
      250,
      1000,
    ])
  })

  it('should reject unknown labels and months', () => {
    expect(timeframeToMs('1M')).toBeUndefined()
    expect(timeframeToMs('h')).toBeUndefined()
    expect(timeframeToMs('0m')).toBeUndefined()
  })
})

describe('medianSpacing', () => {
  it('should ignore a few gaps', () => {
    expect(medianSpacing(Float64Array.from([0, H, 2 * H, 10 * H, 11 * H, 30 * H]))).toBe(H)
  })

  it('should be NaN with fewer than two times', () => {
    expect(medianSpacing(Float64Array.from([5]))).toBeNaN()
  })

  it('should count spacings that come in runs and alone alike: the lower median of all of them', () => {
    // Runs of 1 h, 2 h and 5 min in alternation, and lone gaps: compared with sorting every spacing.
    const times = [0]
    let seed = 7
    for (let k = 0; k < 400; k++) {
      seed = (seed * 48271) % 2147483647
      const step = [H, 2 * H, H / 12, 7 * H][seed % 4]!
      const repeat = 1 + (seed % 9)
      for (let r = 0; r < repeat; r++) times.push(times[times.length - 1]! + step)
    }
    const spacings = times.slice(1).map((t, i) => t - times[i]!)
    const sorted = [...spacings].sort((a, b) => a - b)
    expect(medianSpacing(Float64Array.from(times))).toBe(sorted[Math.floor((sorted.length - 1) / 2)])
    expect(medianSpacing(Float64Array.from([0, H, 3 * H, 4 * H]))).toBe(H)
  })
})

describe('symbolFromPath', () => {
  it('should take the file name up to the first dash', () => {
    expect(symbolFromPath('/x/y/BTCUSDT-1h.csv')).toBe('BTCUSDT')
    expect(symbolFromPath('ETHUSDT-5m.csv.gz')).toBe('ETHUSDT')
    expect(symbolFromPath('C:\\data\\BNBUSDT-1h-mark.csv')).toBe('BNBUSDT')
    expect(symbolFromPath('SOLUSDT.csv')).toBe('SOLUSDT')
  })
})
