import { describe, expect, it } from 'vitest'
import { generateCandles } from './generate-candles.js'
import { parseCandlesCsv } from './read-candles-csv.js'

const COLUMNS = ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const
const bytes = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength)

describe('generateCandles', () => {
  const s = generateCandles({ bars: 100_000, seed: 42 })

  it('should be deterministic for a seed', () => {
    const again = generateCandles({ bars: 100_000, seed: 42 })
    for (const c of COLUMNS) expect(bytes(again[c]).equals(bytes(s[c]))).toBe(true)
    const other = generateCandles({ bars: 100, seed: 43 })
    expect(bytes(other.close).equals(bytes(s.close.subarray(0, 100)))).toBe(false)
  })

  it('should use the documented defaults', () => {
    expect([s.symbol, s.timeframe, s.openTime[0], s.open[0]]).toEqual(['SYNTHUSDT', '1m', Date.UTC(2020, 0, 1), 30000])
    expect(s.openTime[1]! - s.openTime[0]!).toBe(60_000)
  })

  it('should honour the options', () => {
    const t = generateCandles({
      bars: 3,
      seed: 1,
      startTime: 1000,
      startPrice: 12.345,
      timeframeMs: 3_600_000,
      symbol: 'AB',
    })
    expect([t.symbol, t.timeframe, [...t.openTime], t.open[0]]).toEqual([
      'AB',
      '1h',
      [1000, 3_601_000, 7_201_000],
      12.35,
    ])
  })

  it('should open each bar exactly at the previous close', () => {
    for (let i = 1; i < s.open.length; i++) if (s.open[i] !== s.close[i - 1]) expect.fail(`bar ${i}`)
  })

  it('should keep 0 < low <= min(open, close) <= max(open, close) <= high', () => {
    for (let i = 0; i < s.open.length; i++) {
      const [o, h, l, c] = [s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!]
      if (!(l > 0 && l <= Math.min(o, c) && Math.max(o, c) <= h)) expect.fail(`bar ${i}: ${o} ${h} ${l} ${c}`)
    }
  })

  it('should round prices to 0.01 and have positive volume', () => {
    for (const c of ['open', 'high', 'low', 'close'] as const) {
      for (const x of s[c]) if (Math.round(x * 100) / 100 !== x) expect.fail(`${c} ${x}`)
    }
    expect(s.volume.every((v) => v > 0)).toBe(true)
  })

  it('should have a per-bar log-return sd close to sigma', () => {
    let sum = 0
    let sq = 0
    for (let i = 0; i < s.close.length; i++) {
      const r = Math.log(s.close[i]! / s.open[i]!)
      sum += r
      sq += r * r
    }
    const n = s.close.length
    const sd = Math.sqrt(sq / n - (sum / n) ** 2)
    expect(sd).toBeGreaterThan(0.0008 * 0.97)
    expect(sd).toBeLessThan(0.0008 * 1.03)
  })

  it('should produce data the CSV reader accepts without gaps', () => {
    const head = generateCandles({ bars: 2000, seed: 9 })
    const lines = ['open_time,open,high,low,close,volume']
    for (let i = 0; i < 2000; i++) {
      lines.push([head.openTime[i], head.open[i], head.high[i], head.low[i], head.close[i], head.volume[i]].join(','))
    }
    const { report } = parseCandlesCsv(lines.join('\n'), 'SYNTHUSDT-1m.csv')
    expect([report.rows, report.stepMs, report.gaps]).toEqual([2000, 60_000, []])
  })
})
