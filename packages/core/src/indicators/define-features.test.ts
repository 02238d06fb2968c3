import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import { loadTalibFixture, maxRelDiff } from '../../test/fixtures/indicators/load-talib-fixture.js'
import { defineFeatures } from './define-features.js'
import { adx, atr, crossOver, ema, macd, mfi, minusDi, obv, plusDi, rma, rsi, sma, trueRange } from './feature-specs.js'
import type { FeatureSpec } from './feature-specs.js'

const fx = loadTalibFixture('talib_reference_daily252.json')

function run<K extends string>(specs: Record<K, FeatureSpec>): Record<K, number[]> {
  const features = defineFeatures(specs)
  const out = {} as Record<K, number[]>
  for (const name of features.names) out[name] = []
  fx.close.forEach((c, i) => {
    features.update(fx.open[i] as number, fx.high[i] as number, fx.low[i] as number, c, fx.volume[i] as number)
    for (const name of features.names) out[name].push(features.values[name])
  })
  return out
}

describe('defineFeatures', () => {
  it('should update every kernel and expose TA-Lib values by name', () => {
    const out = run({
      emaFast: ema(12),
      emaSlow: ema(26),
      sma: sma(20),
      atr: atr(14),
      rsi: rsi(14),
      tr: trueRange(),
      adx: adx(14),
      pdi: plusDi(14),
      mdi: minusDi(14),
      macd: macd(),
      signal: macd({ output: 'signal' }),
      obv: obv(),
      mfi: mfi(14),
    })
    const cases: [number[], string, string?, Record<string, number>?][] = [
      [out.emaFast, 'EMA', 'outReal', { optInTimePeriod: 12 }],
      [out.emaSlow, 'EMA', 'outReal', { optInTimePeriod: 26 }],
      [out.sma, 'SMA', 'outReal', { optInTimePeriod: 20 }],
      [out.atr, 'ATR'],
      [out.rsi, 'RSI'],
      [out.tr, 'TRANGE'],
      [out.adx, 'ADX'],
      [out.pdi, 'PLUS_DI'],
      [out.mdi, 'MINUS_DI'],
      [out.macd, 'MACD', 'outMACD'],
      [out.signal, 'MACD', 'outMACDSignal'],
      [out.obv, 'OBV'],
      [out.mfi, 'MFI'],
    ]
    for (const [values, fn, output, options] of cases) {
      const ref = fx.case(fn, output, options)
      expect(maxRelDiff(values, ref.values, ref.begIndex), fn).toBeLessThan(1e-9)
    }
  })

  it('should read other price sources', () => {
    const out = run({
      high: sma(1, 'high'),
      hl2: ema(1, 'hl2'),
      vol: rma(1, 'volume'),
      hlc3: sma(1, 'hlc3'),
      ohlc4: sma(1, 'ohlc4'),
    })
    const i = 100
    const [o, h, l, c] = [fx.open[i], fx.high[i], fx.low[i], fx.close[i]] as number[]
    expect(out.high[i]).toBe(h)
    expect(out.hl2[i]).toBe(((h as number) + (l as number)) / 2)
    expect(out.vol[i]).toBe(fx.volume[i])
    expect(out.hlc3[i]).toBeCloseTo(((h as number) + (l as number) + (c as number)) / 3, 12)
    expect(out.ohlc4[i]).toBeCloseTo(((o as number) + (h as number) + (l as number) + (c as number)) / 4, 12)
  })

  it('should keep vector in names order, report ready and reset', () => {
    const features = defineFeatures({ a: ema(2), b: sma(3), cross: crossOver(ema(2), sma(3)) })
    expect(features.names).toEqual(['a', 'b', 'cross'])
    expect(features.values.a).toBeNaN()
    features.updateBar({ open: 1, high: 1, low: 1, close: 1, volume: 0 })
    features.updateBar({ open: 2, high: 2, low: 2, close: 2, volume: 0 })
    features.updateBar({ open: 3, high: 3, low: 3, close: 3, volume: 0 })
    expect(features.ready).toBe(false) // the crossover needs a second finite difference
    features.updateBar({ open: 1, high: 1, low: 1, close: 1, volume: 0 })
    expect(features.ready).toBe(true)
    expect(Array.from(features.vector)).toEqual([features.values.a, features.values.b, features.values.cross])
    features.reset()
    expect(features.ready).toBe(false)
    expect(Number.isNaN(features.vector[0] as number)).toBe(true)
    expect(features.values.b).toBeNaN()
  })

  it('should not share kernels between two sets from the same specs', () => {
    const specs = { e: ema(2) }
    const one = defineFeatures(specs)
    const two = defineFeatures(specs)
    one.update(1, 1, 1, 1, 0)
    one.update(1, 1, 1, 3, 0)
    expect(one.values.e).toBe(2)
    expect(two.values.e).toBeNaN()
  })

  it('should reject bad definitions with a ConfigError', () => {
    expect(() => ema(0)).toThrow(ConfigError)
    expect(() => ema(5, 'median' as 'close')).toThrow(ConfigError)
    expect(() => macd({ fast: 30, slow: 26 })).toThrow(ConfigError)
    expect(() => defineFeatures({})).toThrow(ConfigError)
    expect(() => defineFeatures({ x: 12 as unknown as FeatureSpec })).toThrow(/x: expected a feature/)
  })
})
