import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import { loadTalibFixture } from '../../test/fixtures/indicators/load-talib-fixture.js'
import { computeIndicator } from './compute-indicator.js'
import { createIndicator } from './create-indicator.js'
import type { IndicatorBar, IndicatorName } from './types.js'

const fx = loadTalibFixture('talib_btcusdt_1h_500.json')
const bars: IndicatorBar[] = fx.close.map((close, i) => ({
  high: fx.high[i] as number,
  low: fx.low[i] as number,
  close,
  volume: fx.volume[i] as number,
}))

describe('createIndicator', () => {
  const names: IndicatorName[] = [
    'sma',
    'ema',
    'wma',
    'rsi',
    'atr',
    'trueRange',
    'adx',
    'plusDi',
    'minusDi',
    'cci',
    'willr',
    'obv',
    'mfi',
  ]
  for (const name of names) {
    it(`should stream the same values as computeIndicator for ${name}`, () => {
      const stream = createIndicator(name, {})
      const batch = computeIndicator(name, {}, fx) as Float64Array
      bars.forEach((bar, i) => {
        const v = stream.update(bar)
        if (Number.isNaN(batch[i])) expect(v).toBeUndefined()
        else expect(v).toBe(batch[i])
      })
    })
  }

  it('should return macd records once the MACD line exists, with NaN signal while it warms up', () => {
    const macd = createIndicator('macd', { fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 })
    const out = bars.map((b) => macd.update(b))
    expect(out[24]).toBeUndefined()
    expect(out[25]?.macd).toBeTypeOf('number')
    expect(out[25]?.signal).toBeNaN()
    const last = out[out.length - 1]
    expect(last?.histogram).toBeCloseTo((last?.macd ?? NaN) - (last?.signal ?? NaN), 9)
  })

  it('should return bbands and stoch records', () => {
    const bb = createIndicator('bbands', { period: 20, stdDev: 2 })
    const st = createIndicator('stoch', { period: 14, signalPeriod: 3 })
    let b, s
    for (const bar of bars) {
      b = bb.update(bar)
      s = st.update(bar)
    }
    expect(b !== undefined && b.upper > b.middle && b.middle > b.lower).toBe(true)
    expect(s !== undefined && s.k >= 0 && s.k <= 100 && s.d >= 0 && s.d <= 100).toBe(true)
  })

  it('should work with a reused (flyweight) bar object', () => {
    const adx = createIndicator('adx', { period: 14 })
    const bar = { high: 0, low: 0, close: 0, volume: 0 }
    let last: number | undefined
    for (const b of bars) {
      Object.assign(bar, b)
      last = adx.update(bar)
    }
    const batch = computeIndicator('adx', { period: 14 }, fx)
    expect(last).toBe(batch[batch.length - 1])
  })

  it('should start over after reset', () => {
    const sma = createIndicator('sma', { period: 2 })
    sma.update({ high: 1, low: 1, close: 10 })
    sma.reset()
    expect(sma.update({ high: 1, low: 1, close: 1 })).toBeUndefined()
    expect(sma.update({ high: 1, low: 1, close: 3 })).toBe(2)
  })

  it('should reject invalid options with a ConfigError naming the path', () => {
    expect(() => createIndicator('rsi', { period: -3 })).toThrow(ConfigError)
    expect(() => createIndicator('macd', { fastPeriod: 30, slowPeriod: 26 })).toThrow(/options\.fastPeriod/)
    expect(() => createIndicator('sma', { period: 5, perod: 3 } as { period: number })).toThrow(ConfigError)
    expect(() => createIndicator('bbands', { stdDev: 0 })).toThrow(/options\.stdDev/)
  })
})
