/**
 * The `technicalindicators` (v3.1.0) wrappers behind {@link createIndicator} and
 * {@link computeIndicator}: one zod options schema and one stepper factory per indicator.
 * The library's typings are loose, so every output is read as `unknown` and narrowed here.
 * @internal
 * @packageDocumentation
 */
import {
  ADX,
  ATR,
  BollingerBands,
  CCI,
  EMA,
  MACD,
  MFI,
  OBV,
  RSI,
  SMA,
  Stochastic,
  TrueRange,
  WilliamsR,
  WMA,
} from 'technicalindicators'
import { z } from 'zod'
import type {
  BbandsOptions,
  IndicatorBar,
  IndicatorName,
  IndicatorOptions,
  MacdOptions,
  NoOptions,
  PeriodOptions,
  StochOptions,
} from './types.js'

/** Writes the outputs for one bar into `out` (`NaN` where the library has no value yet). */
export type Step = (bar: IndicatorBar, out: Float64Array) => void

/** A bar column an indicator reads. */
export type SeriesField = 'high' | 'low' | 'close' | 'volume'

/** One supported indicator: options schema, output field names (empty = one number), inputs, factory. */
export interface IndicatorDefinition<I = unknown, O = unknown> {
  readonly schema: z.ZodType<O, I>
  readonly fields: readonly string[]
  readonly needs: readonly SeriesField[]
  create(options: O): Step
}

/** The part of a technicalindicators instance we call: its inputs and outputs are loosely typed. */
interface TiIndicator {
  nextValue(input: unknown): unknown
}

// Formats every output with the identity so that a global `setConfig('precision', …)` elsewhere
// in the process cannot change our numbers.
const format = (v: number): number => v

const num = (v: unknown): number => (typeof v === 'number' ? v : NaN)
const prop = (v: unknown, key: string): number =>
  typeof v === 'object' && v !== null ? num((v as Record<string, unknown>)[key]) : NaN

// Fresh objects on purpose: technicalindicators keeps references to the candles it is given
// (PlusDM/MinusDM compare against `last`), which would break with a reused flyweight bar.
const hlc = (b: IndicatorBar): { high: number; low: number; close: number } => ({
  high: b.high,
  low: b.low,
  close: b.close,
})
const hlcv = (b: IndicatorBar): { high: number; low: number; close: number; volume: number } => ({
  high: b.high,
  low: b.low,
  close: b.close,
  volume: b.volume ?? NaN,
})

type Resolved<T> = { -readonly [K in keyof T]-?: Exclude<T[K], undefined> }
type PeriodDefinition = IndicatorDefinition<PeriodOptions, Resolved<PeriodOptions>>

const HLC: readonly SeriesField[] = ['high', 'low', 'close']
const HLCV: readonly SeriesField[] = ['high', 'low', 'close', 'volume']

const period = (value: number) => z.number().int().min(1).max(1_000_000).default(value)
const periodOnly = (value: number): z.ZodType<Resolved<PeriodOptions>, PeriodOptions> =>
  z.strictObject({ period: period(value) })
const noOptions: z.ZodType<NoOptions, NoOptions> = z.strictObject({})

function define<I, O>(definition: IndicatorDefinition<I, O>): IndicatorDefinition<I, O> {
  return definition
}

function closeBased<I, O>(schema: z.ZodType<O, I>, make: (o: O) => TiIndicator): IndicatorDefinition<I, O> {
  return define({
    schema,
    fields: [],
    needs: ['close'],
    create: (o) => {
      const ind = make(o)
      return (bar, out) => {
        out[0] = num(ind.nextValue(bar.close))
      }
    },
  })
}

function candleBased<I, O>(
  schema: z.ZodType<O, I>,
  make: (o: O) => TiIndicator,
  needs: readonly SeriesField[] = HLC,
): IndicatorDefinition<I, O> {
  const withVolume = needs.includes('volume')
  return define({
    schema,
    fields: [],
    needs,
    create: (o) => {
      const ind = make(o)
      return (bar, out) => {
        out[0] = num(ind.nextValue(withVolume ? hlcv(bar) : hlc(bar)))
      }
    },
  })
}

const macdSchema: z.ZodType<Resolved<MacdOptions>, MacdOptions> = z
  .strictObject({
    fastPeriod: period(12),
    slowPeriod: period(26),
    signalPeriod: period(9),
    simpleMaOscillator: z.boolean().default(false),
    simpleMaSignal: z.boolean().default(false),
  })
  .refine((o) => o.fastPeriod < o.slowPeriod, { message: 'fastPeriod must be < slowPeriod', path: ['fastPeriod'] })

const bbandsSchema: z.ZodType<Resolved<BbandsOptions>, BbandsOptions> = z.strictObject({
  period: period(20),
  stdDev: z.number().positive().finite().default(2),
})

const stochSchema: z.ZodType<Resolved<StochOptions>, StochOptions> = z.strictObject({
  period: period(14),
  signalPeriod: period(3),
  smoothK: period(1),
})

/** ADX-family stepper: reads the generator directly so that ±DI are available before the ADX. */
function adxBased(key: 'adx' | 'pdi' | 'mdi'): PeriodDefinition {
  return define({
    schema: periodOnly(14),
    fields: [],
    needs: HLC,
    create: ({ period: p }) => {
      // `nextValue` drops bars without an ADX; the generator also yields ±DI from bar `period`.
      const generator: Iterator<unknown, unknown, unknown> = new ADX({
        high: [],
        low: [],
        close: [],
        period: p,
        format,
      }).generator
      return (bar, out) => {
        out[0] = prop(generator.next(hlc(bar)).value, key)
      }
    },
  })
}

function macdDefinition(): IndicatorDefinition<MacdOptions, Resolved<MacdOptions>> {
  return define({
    schema: macdSchema,
    fields: ['macd', 'signal', 'histogram'],
    needs: ['close'],
    create: (o) => {
      const ind: TiIndicator = new MACD({
        values: [],
        fastPeriod: o.fastPeriod,
        slowPeriod: o.slowPeriod,
        signalPeriod: o.signalPeriod,
        SimpleMAOscillator: o.simpleMaOscillator,
        SimpleMASignal: o.simpleMaSignal,
        format,
      })
      return (bar, out) => {
        const v = ind.nextValue(bar.close)
        out[0] = prop(v, 'MACD')
        out[1] = prop(v, 'signal')
        out[2] = prop(v, 'histogram')
      }
    },
  })
}

function bbandsDefinition(): IndicatorDefinition<BbandsOptions, Resolved<BbandsOptions>> {
  return define({
    schema: bbandsSchema,
    fields: ['upper', 'middle', 'lower', 'pb'],
    needs: ['close'],
    create: (o) => {
      const ind: TiIndicator = new BollingerBands({ values: [], period: o.period, stdDev: o.stdDev, format })
      return (bar, out) => {
        const v = ind.nextValue(bar.close)
        out[0] = prop(v, 'upper')
        out[1] = prop(v, 'middle')
        out[2] = prop(v, 'lower')
        out[3] = prop(v, 'pb')
      }
    },
  })
}

function stochDefinition(): IndicatorDefinition<StochOptions, Resolved<StochOptions>> {
  return define({
    schema: stochSchema,
    fields: ['k', 'd'],
    needs: HLC,
    create: (o) => {
      // technicalindicators' Stochastic is the fast one (%K, %D = SMA(%K)); its %D with
      // `signalPeriod = smoothK` is the slow %K, then one more SMA gives the slow %D.
      const k: TiIndicator = new Stochastic({
        high: [],
        low: [],
        close: [],
        period: o.period,
        signalPeriod: o.smoothK,
        format,
      })
      const d: TiIndicator = new SMA({ period: o.signalPeriod, values: [], format })
      return (bar, out) => {
        const slowK = prop(k.nextValue(hlc(bar)), 'd')
        out[0] = slowK
        out[1] = slowK === slowK ? num(d.nextValue(slowK)) : NaN
      }
    },
  })
}

/** Every indicator the adapter supports, by name. */
export const INDICATOR_DEFINITIONS: { readonly [N in IndicatorName]: IndicatorDefinition<IndicatorOptions[N]> } = {
  sma: closeBased(periodOnly(20), (o) => new SMA({ period: o.period, values: [], format })),
  ema: closeBased(periodOnly(20), (o) => new EMA({ period: o.period, values: [], format })),
  wma: closeBased(periodOnly(20), (o) => new WMA({ period: o.period, values: [], format })),
  rsi: closeBased(periodOnly(14), (o) => new RSI({ period: o.period, values: [], format })),
  macd: macdDefinition(),
  bbands: bbandsDefinition(),
  atr: candleBased(periodOnly(14), (o) => new ATR({ high: [], low: [], close: [], period: o.period, format })),
  trueRange: candleBased(noOptions, () => new TrueRange({ high: [], low: [], close: [], format })),
  adx: adxBased('adx'),
  plusDi: adxBased('pdi'),
  minusDi: adxBased('mdi'),
  stoch: stochDefinition(),
  cci: candleBased(periodOnly(20), (o) => new CCI({ high: [], low: [], close: [], period: o.period, format })),
  willr: candleBased(periodOnly(14), (o) => new WilliamsR({ high: [], low: [], close: [], period: o.period, format })),
  obv: candleBased(noOptions, () => new OBV({ close: [], volume: [], format }), ['close', 'volume']),
  mfi: candleBased(
    periodOnly(14),
    (o) => new MFI({ high: [], low: [], close: [], volume: [], period: o.period, format }),
    HLCV,
  ),
}
