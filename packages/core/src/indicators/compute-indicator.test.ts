import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import {
  loadTalibFixture,
  maxRelDiff,
  TALIB_FIXTURES,
  type TalibFixture,
} from '../../test/fixtures/indicators/load-talib-fixture.js'
import { computeIndicator } from './compute-indicator.js'
import type { IndicatorName, IndicatorOptions } from './types.js'

type AnyOptions = IndicatorOptions[IndicatorName]

interface Agreement {
  readonly name: IndicatorName
  readonly options: AnyOptions
  /** technicalindicators field ('' for single-output) → [TA-Lib function, output, TA-Lib options]. */
  readonly outputs: Record<string, [string, string, Record<string, number>?]>
}

// Indicators where technicalindicators equals TA-Lib (≤ 1e-6 relative) from TA-Lib's begIndex.
const EXACT: Agreement[] = [
  { name: 'sma', options: { period: 20 }, outputs: { '': ['SMA', 'outReal', { optInTimePeriod: 20 }] } },
  { name: 'sma', options: { period: 30 }, outputs: { '': ['SMA', 'outReal', { optInTimePeriod: 30 }] } },
  { name: 'ema', options: { period: 12 }, outputs: { '': ['EMA', 'outReal', { optInTimePeriod: 12 }] } },
  { name: 'ema', options: { period: 26 }, outputs: { '': ['EMA', 'outReal', { optInTimePeriod: 26 }] } },
  { name: 'ema', options: { period: 50 }, outputs: { '': ['EMA', 'outReal', { optInTimePeriod: 50 }] } },
  { name: 'wma', options: { period: 10 }, outputs: { '': ['WMA', 'outReal'] } },
  { name: 'atr', options: { period: 14 }, outputs: { '': ['ATR', 'outReal'] } },
  { name: 'trueRange', options: {}, outputs: { '': ['TRANGE', 'outReal'] } },
  { name: 'cci', options: { period: 20 }, outputs: { '': ['CCI', 'outReal'] } },
  { name: 'willr', options: { period: 14 }, outputs: { '': ['WILLR', 'outReal'] } },
  {
    name: 'bbands',
    options: { period: 20, stdDev: 2 },
    outputs: {
      upper: ['BBANDS', 'outRealUpperBand'],
      middle: ['BBANDS', 'outRealMiddleBand'],
      lower: ['BBANDS', 'outRealLowerBand'],
    },
  },
  {
    name: 'stoch',
    options: { period: 14, signalPeriod: 3 },
    outputs: { k: ['STOCHF', 'outFastK'], d: ['STOCHF', 'outFastD'] },
  },
  {
    name: 'stoch',
    options: { period: 14, signalPeriod: 3, smoothK: 3 },
    outputs: { k: ['STOCH', 'outSlowK'], d: ['STOCH', 'outSlowD'] },
  },
]

function column(fx: TalibFixture, a: Agreement, field: string): Float64Array {
  const out: unknown = computeIndicator(a.name, a.options, fx)
  if (out instanceof Float64Array) return out
  const col = (out as Record<string, Float64Array>)[field]
  if (col === undefined) throw new Error(`no field ${field}`)
  return col
}

describe('computeIndicator', () => {
  for (const file of TALIB_FIXTURES) {
    const fx = loadTalibFixture(file)
    for (const a of EXACT) {
      for (const [field, [fn, output, talibOptions]] of Object.entries(a.outputs)) {
        it(`should equal TA-Lib ${fn}.${output} with ${a.name}${field ? '.' + field : ''} on ${file} from begIndex`, () => {
          const ref = fx.case(fn, output, talibOptions)
          expect(maxRelDiff(column(fx, a, field), ref.values, ref.begIndex)).toBeLessThan(1e-6)
        })
      }
    }

    it(`should document where macd departs from TA-Lib on ${file} (seeding; agrees from bar 125)`, () => {
      const { macd, signal, histogram } = computeIndicator('macd', {}, fx)
      expect(maxRelDiff(macd, fx.case('MACD', 'outMACD').values, 33)).toBeGreaterThan(1e-3)
      expect(maxRelDiff(macd, fx.case('MACD', 'outMACD').values, 125)).toBeLessThan(1e-6)
      expect(maxRelDiff(signal, fx.case('MACD', 'outMACDSignal').values, 125)).toBeLessThan(1e-6)
      expect(maxRelDiff(histogram, fx.case('MACD', 'outMACDHist').values, 125)).toBeLessThan(1e-6)
    })

    it(`should document where adx/plusDi/minusDi depart from TA-Lib on ${file} (seeding; agree from bar 200)`, () => {
      for (const [name, fn] of [
        ['adx', 'ADX'],
        ['plusDi', 'PLUS_DI'],
        ['minusDi', 'MINUS_DI'],
      ] as const) {
        const out = computeIndicator(name, { period: 14 }, fx)
        const ref = fx.case(fn)
        expect(Number.isNaN(out[ref.begIndex - 1] as number)).toBe(true)
        expect(maxRelDiff(out, ref.values, ref.begIndex)).toBeGreaterThan(1e-3)
        expect(maxRelDiff(out, ref.values, 200)).toBeLessThan(1e-6)
      }
    })

    it(`should document that rsi is TA-Lib rounded to 2 decimals on ${file}`, () => {
      const out = computeIndicator('rsi', { period: 14 }, fx)
      const ref = fx.case('RSI').values
      for (let i = 14; i < ref.length; i++)
        expect(Math.abs((out[i] as number) - (ref[i] as number))).toBeLessThanOrEqual(0.005 + 1e-9)
    })

    it(`should document that obv is TA-Lib minus volume[0] on ${file}`, () => {
      const out = computeIndicator('obv', {}, fx)
      const ref = fx.case('OBV').values
      expect(out[0]).toBeNaN()
      for (let i = 1; i < ref.length; i++) expect(out[i]).toBeCloseTo((ref[i] as number) - (fx.volume[0] as number), 6)
    })

    it(`should document that mfi starts a bar late, is rounded and counts ties as negative flow on ${file}`, () => {
      const out = computeIndicator('mfi', { period: 14 }, fx)
      const ref = fx.case('MFI').values
      expect(out[14]).toBeNaN()
      for (let i = 15; i < ref.length; i++) expect(Math.abs((out[i] as number) - (ref[i] as number))).toBeLessThan(2)
    })
  }

  it('should reject missing or unequal columns with a ConfigError', () => {
    expect(() => computeIndicator('atr', {}, { close: [1, 2, 3] })).toThrow(ConfigError)
    expect(() => computeIndicator('atr', {}, { close: [1, 2], high: [1, 2], low: [1] })).toThrow(/input\.low/)
    expect(() => computeIndicator('obv', {}, { close: [1, 2] })).toThrow(/input\.volume/)
  })

  it('should reject bad options and unknown names with a ConfigError', () => {
    expect(() => computeIndicator('sma', { period: 0 }, { close: [1] })).toThrow(ConfigError)
    expect(() => computeIndicator('nope' as IndicatorName, {}, { close: [1] })).toThrow(/Unknown indicator/)
  })
})
