/**
 * Feature factories for {@link defineFeatures}: each returns a {@link FeatureSpec} that creates one
 * fast kernel per feature set.
 * @packageDocumentation
 */
import { z } from 'zod'
import { parseOrThrow } from '../validate.js'
import { Adx } from './adx.js'
import { Atr } from './atr.js'
import { CrossOver } from './cross-over.js'
import { Ema } from './ema.js'
import { Macd } from './macd.js'
import { Mfi } from './mfi.js'
import { Obv } from './obv.js'
import { Rma } from './rma.js'
import { Rsi } from './rsi.js'
import { Sma } from './sma.js'
import { TrueRange } from './true-range.js'
import type { PriceSource } from './types.js'

/** The bar fields a feature reads; `MarketBar` and `Candle` fit structurally. */
export interface FeatureBar {
  /** Open price. */
  readonly open: number
  /** High price. */
  readonly high: number
  /** Low price. */
  readonly low: number
  /** Close price. */
  readonly close: number
  /** Volume. */
  readonly volume: number
}

/** One feature's kernel as a feature set drives it: one bar in, one number out (`NaN` while warming up). */
export interface FeatureKernel {
  /**
   * Feeds one bar; returns the feature's value. A feature set passes the same (flyweight) object
   * on every bar: read it during the call, do not keep it.
   */
  update(bar: FeatureBar): number
  /** True once the value is defined. */
  readonly ready: boolean
  /** Forgets every input. */
  reset(): void
}

/** A feature definition: a label for messages and a factory of fresh kernels; implement it for custom features. */
export interface FeatureSpec {
  /** Human-readable description, e.g. `ema(12, close)`. */
  readonly label: string
  /** Creates a fresh kernel (called once per {@link defineFeatures} call). */
  create(): FeatureKernel
}

/** Price sources as small integers, `close` = 0 (the common, branch-free case). */
const SOURCE_CODES: Readonly<Record<PriceSource, number>> = {
  close: 0,
  open: 1,
  high: 2,
  low: 3,
  volume: 4,
  hl2: 5,
  hlc3: 6,
  ohlc4: 7,
}

/**
 * Reads price source `code` (see `SOURCE_CODES`) from one bar.
 * @internal
 */
export function readSource(code: number, bar: FeatureBar): number {
  switch (code) {
    case 1:
      return bar.open
    case 2:
      return bar.high
    case 3:
      return bar.low
    case 4:
      return bar.volume
    case 5:
      return (bar.high + bar.low) / 2
    case 6:
      return (bar.high + bar.low + bar.close) / 3
    case 7:
      return (bar.open + bar.high + bar.low + bar.close) / 4
    default:
      return bar.close
  }
}

/**
 * A built-in kernel with what a feature set needs to drive it without a megamorphic call.
 * @internal
 */
export type BuiltinState =
  | { readonly kind: 'ema'; readonly kernel: Ema; readonly source: number }
  | { readonly kind: 'sma'; readonly kernel: Sma; readonly source: number }
  | { readonly kind: 'rma'; readonly kernel: Rma; readonly source: number }
  | { readonly kind: 'rsi'; readonly kernel: Rsi; readonly source: number }
  | { readonly kind: 'atr'; readonly kernel: Atr }
  | { readonly kind: 'trueRange'; readonly kernel: TrueRange }
  | { readonly kind: 'adx'; readonly kernel: Adx; readonly field: 'value' | 'plusDi' | 'minusDi' }
  | { readonly kind: 'macd'; readonly kernel: Macd; readonly field: 'macd' | 'signal' | 'histogram' }
  | { readonly kind: 'obv'; readonly kernel: Obv }
  | { readonly kind: 'mfi'; readonly kernel: Mfi }

/**
 * Kernel of a built-in feature; feature sets group these by kind so every call site stays monomorphic.
 * @internal
 */
export class BuiltinFeature implements FeatureKernel {
  constructor(readonly state: BuiltinState) {}

  update(bar: FeatureBar): number {
    const s = this.state
    switch (s.kind) {
      case 'ema':
      case 'sma':
      case 'rma':
      case 'rsi':
        return s.kernel.update(s.source === 0 ? bar.close : readSource(s.source, bar))
      case 'atr':
      case 'trueRange':
        return s.kernel.update(bar.high, bar.low, bar.close)
      case 'adx':
        s.kernel.update(bar.high, bar.low, bar.close)
        return s.kernel[s.field]
      case 'macd':
        s.kernel.update(bar.close)
        return s.kernel[s.field]
      case 'obv':
        return s.kernel.update(bar.close, bar.volume)
      case 'mfi':
        return s.kernel.update(bar.high, bar.low, bar.close, bar.volume)
    }
  }

  get ready(): boolean {
    const s = this.state
    if (s.kind === 'adx' && s.field !== 'value') return s.kernel.plusDi === s.kernel.plusDi
    return s.kernel.ready
  }

  reset(): void {
    this.state.kernel.reset()
  }
}

const sourceSchema = z.enum(['open', 'high', 'low', 'close', 'volume', 'hl2', 'hlc3', 'ohlc4'])

function builtin(label: string, make: () => BuiltinState): FeatureSpec {
  make() // validates the parameters now rather than at defineFeatures time
  return { label, create: () => new BuiltinFeature(make()) }
}

function scalar(kind: 'ema' | 'sma' | 'rma' | 'rsi', period: number, source: PriceSource): FeatureSpec {
  const src = parseOrThrow(sourceSchema, source, { what: `source of ${kind}`, path: 'source' })
  const code = SOURCE_CODES[src]
  const label = `${kind}(${period}, ${src})`
  switch (kind) {
    case 'ema':
      return builtin(label, () => ({ kind, kernel: new Ema(period), source: code }))
    case 'sma':
      return builtin(label, () => ({ kind, kernel: new Sma(period), source: code }))
    case 'rma':
      return builtin(label, () => ({ kind, kernel: new Rma(period), source: code }))
    case 'rsi':
      return builtin(label, () => ({ kind, kernel: new Rsi(period), source: code }))
  }
}

/**
 * EMA feature (TA-Lib convention, see {@link Ema}).
 * @param source - bar field to smooth. @default 'close'
 * @example defineFeatures({ emaFast: ema(12), emaSlow: ema(26) })
 */
export function ema(period: number, source: PriceSource = 'close'): FeatureSpec {
  return scalar('ema', period, source)
}

/**
 * SMA feature (see {@link Sma}).
 * @param source - bar field to average. @default 'close'
 * @example defineFeatures({ sma20: sma(20) })
 */
export function sma(period: number, source: PriceSource = 'close'): FeatureSpec {
  return scalar('sma', period, source)
}

/**
 * Wilder moving-average feature (see {@link Rma}).
 * @param source - bar field to smooth. @default 'close'
 * @example defineFeatures({ volRma: rma(14, 'volume') })
 */
export function rma(period: number, source: PriceSource = 'close'): FeatureSpec {
  return scalar('rma', period, source)
}

/**
 * RSI feature, TA-Lib-exact (see {@link Rsi}).
 * @param period - smoothing length. @default 14
 * @param source - bar field. @default 'close'
 * @example defineFeatures({ rsi: rsi(14) })
 */
export function rsi(period = 14, source: PriceSource = 'close'): FeatureSpec {
  return scalar('rsi', period, source)
}

/**
 * ATR feature, Wilder smoothing (see {@link Atr}).
 * @param period - smoothing length. @default 14
 * @example defineFeatures({ atr: atr(14) })
 */
export function atr(period = 14): FeatureSpec {
  return builtin(`atr(${period})`, () => ({ kind: 'atr', kernel: new Atr(period) }))
}

/**
 * True-range feature (see {@link TrueRange}).
 * @example defineFeatures({ tr: trueRange() })
 */
export function trueRange(): FeatureSpec {
  return builtin('trueRange()', () => ({ kind: 'trueRange', kernel: new TrueRange() }))
}

/**
 * ADX feature, TA-Lib-exact (see {@link Adx}); defined from bar `2·period−1`.
 * @param period - smoothing length. @default 14
 * @example defineFeatures({ adx: adx(14) })
 */
export function adx(period = 14): FeatureSpec {
  return builtin(`adx(${period})`, () => ({ kind: 'adx', kernel: new Adx(period), field: 'value' }))
}

/**
 * +DI feature, TA-Lib-exact (see {@link Adx}); defined from bar `period`.
 * @param period - smoothing length. @default 14
 * @example defineFeatures({ plusDi: plusDi(14) })
 */
export function plusDi(period = 14): FeatureSpec {
  return builtin(`plusDi(${period})`, () => ({ kind: 'adx', kernel: new Adx(period), field: 'plusDi' }))
}

/**
 * −DI feature, TA-Lib-exact (see {@link Adx}); defined from bar `period`.
 * @param period - smoothing length. @default 14
 * @example defineFeatures({ minusDi: minusDi(14) })
 */
export function minusDi(period = 14): FeatureSpec {
  return builtin(`minusDi(${period})`, () => ({ kind: 'adx', kernel: new Adx(period), field: 'minusDi' }))
}

/** Options of the {@link macd} feature. */
export interface MacdFeatureOptions {
  /** Fast EMA period. @default 12 */
  readonly fast?: number
  /** Slow EMA period. @default 26 */
  readonly slow?: number
  /** Signal EMA period. @default 9 */
  readonly signal?: number
  /** Which line the feature exposes. @default 'macd' */
  readonly output?: 'macd' | 'signal' | 'histogram'
}

/**
 * MACD feature, TA-Lib-exact (see {@link Macd}); one line per feature (`output`).
 * @example defineFeatures({ macdHist: macd({ output: 'histogram' }) })
 */
export function macd(options: MacdFeatureOptions = {}): FeatureSpec {
  const { fast = 12, slow = 26, signal = 9, output = 'macd' } = options
  const field = parseOrThrow(z.enum(['macd', 'signal', 'histogram']), output, {
    what: 'output of macd',
    path: 'output',
  })
  return builtin(`macd(${fast}, ${slow}, ${signal}).${field}`, () => ({
    kind: 'macd',
    kernel: new Macd(fast, slow, signal),
    field,
  }))
}

/**
 * On-balance-volume feature, TA-Lib-exact (see {@link Obv}).
 * @example defineFeatures({ obv: obv() })
 */
export function obv(): FeatureSpec {
  return builtin('obv()', () => ({ kind: 'obv', kernel: new Obv() }))
}

/**
 * Money-flow-index feature, TA-Lib-exact (see {@link Mfi}).
 * @param period - window length. @default 14
 * @example defineFeatures({ mfi: mfi(14) })
 */
export function mfi(period = 14): FeatureSpec {
  return builtin(`mfi(${period})`, () => ({ kind: 'mfi', kernel: new Mfi(period) }))
}

/**
 * Crossover feature of two other features (see {@link CrossOver}): +1 bull, −1 bear, 0, `NaN` while
 * warming up. It owns private copies of both inputs' kernels.
 * @example defineFeatures({ cross: crossOver(ema(12), ema(26)) })
 */
export function crossOver(a: FeatureSpec, b: FeatureSpec): FeatureSpec {
  return {
    label: `crossOver(${a.label}, ${b.label})`,
    create() {
      const ka = a.create()
      const kb = b.create()
      const k = new CrossOver()
      return {
        update: (bar) => k.update(ka.update(bar), kb.update(bar)),
        reset: () => {
          ka.reset()
          kb.reset()
          k.reset()
        },
        get ready() {
          return k.ready
        },
      }
    },
  }
}
