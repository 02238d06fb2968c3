/**
 * Shared types of the indicator kernels, the `technicalindicators` adapter and feature sets.
 * @packageDocumentation
 */

/**
 * State every streaming kernel exposes besides its `update(...)` method.
 *
 * `update(...)` takes plain numbers (no per-bar object), returns the new value, and returns `NaN`
 * while the kernel warms up. Inputs must be finite: kernels do not check them on the hot path, and
 * one `NaN` input poisons recursive state (EMA, Wilder) until {@link StreamingKernel.reset}.
 */
export interface StreamingKernel {
  /** The latest output, `NaN` until {@link StreamingKernel.ready}. */
  readonly value: number
  /** True once the warm-up is over and `value` is defined. */
  readonly ready: boolean
  /** Forgets every input, back to the state right after construction. */
  reset(): void
}

/** One bar as the `technicalindicators` adapter reads it; `MarketBar` and `Candle` fit structurally. */
export interface IndicatorBar {
  /** Open price (unused by the supported indicators). */
  readonly open?: number
  /** High price. */
  readonly high: number
  /** Low price. */
  readonly low: number
  /** Close price. */
  readonly close: number
  /** Traded volume; needed by `obv` and `mfi`. */
  readonly volume?: number
}

/** Column-wise input of {@link computeIndicator}: arrays of equal length, oldest first. */
export interface IndicatorSeries {
  /** Open prices. */
  readonly open?: ArrayLike<number>
  /** High prices; needed by range-based indicators (atr, adx, stoch, cci, willr, mfi, trueRange). */
  readonly high?: ArrayLike<number>
  /** Low prices; needed by range-based indicators. */
  readonly low?: ArrayLike<number>
  /** Close prices. */
  readonly close: ArrayLike<number>
  /** Volumes; needed by `obv` and `mfi`. */
  readonly volume?: ArrayLike<number>
}

/** Which bar field (or combination) a close-based feature reads. */
export type PriceSource = 'open' | 'high' | 'low' | 'close' | 'volume' | 'hl2' | 'hlc3' | 'ohlc4'

/** Options of the single-period indicators of {@link createIndicator}. */
export interface PeriodOptions {
  /**
   * Look-back length, an integer ≥ 1.
   * @default 20 for `sma`, `ema`, `wma`, `cci`; 14 for `rsi`, `atr`, `adx`, `plusDi`, `minusDi`, `willr`, `mfi`
   */
  readonly period?: number
}

/** Options of `macd`. */
export interface MacdOptions {
  /** Fast moving-average period. @default 12 */
  readonly fastPeriod?: number
  /** Slow moving-average period, greater than `fastPeriod`. @default 26 */
  readonly slowPeriod?: number
  /** Signal moving-average period. @default 9 */
  readonly signalPeriod?: number
  /** Use SMAs instead of EMAs for the fast/slow lines (technicalindicators' `SimpleMAOscillator`). @default false */
  readonly simpleMaOscillator?: boolean
  /** Use an SMA instead of an EMA for the signal line (technicalindicators' `SimpleMASignal`). @default false */
  readonly simpleMaSignal?: boolean
}

/** Options of `bbands`. */
export interface BbandsOptions {
  /** Window length. @default 20 */
  readonly period?: number
  /** Band width in (population) standard deviations. @default 2 */
  readonly stdDev?: number
}

/** Options of `stoch`. */
export interface StochOptions {
  /** %K look-back. @default 14 */
  readonly period?: number
  /** %D smoothing (SMA of %K). @default 3 */
  readonly signalPeriod?: number
  /**
   * %K smoothing (SMA of the fast %K): 1 is technicalindicators' `Stochastic` = TA-Lib `STOCHF`;
   * 3 gives TA-Lib `STOCH(period, 3, SMA, signalPeriod, SMA)`.
   * @default 1
   */
  readonly smoothK?: number
}

/** Options of the indicators without parameters (`trueRange`, `obv`). */
export type NoOptions = Readonly<Record<string, never>>

/** Options of every indicator supported by {@link createIndicator}, by name. */
export interface IndicatorOptions {
  readonly sma: PeriodOptions
  readonly ema: PeriodOptions
  readonly wma: PeriodOptions
  readonly rsi: PeriodOptions
  readonly macd: MacdOptions
  readonly bbands: BbandsOptions
  readonly atr: PeriodOptions
  readonly trueRange: NoOptions
  readonly adx: PeriodOptions
  readonly plusDi: PeriodOptions
  readonly minusDi: PeriodOptions
  readonly stoch: StochOptions
  readonly cci: PeriodOptions
  readonly willr: PeriodOptions
  readonly obv: NoOptions
  readonly mfi: PeriodOptions
}

/** Output of `macd`. */
export interface MacdValue {
  /** Fast MA − slow MA. */
  readonly macd: number
  /** Moving average of the MACD line; `NaN` while it warms up. */
  readonly signal: number
  /** `macd − signal`; `NaN` while the signal warms up. */
  readonly histogram: number
}

/** Output of `bbands`. */
export interface BbandsValue {
  /** Middle band + `stdDev` standard deviations. */
  readonly upper: number
  /** SMA of the window. */
  readonly middle: number
  /** Middle band − `stdDev` standard deviations. */
  readonly lower: number
  /** %B: `(close − lower)/(upper − lower)`. */
  readonly pb: number
}

/** Output of `stoch`. */
export interface StochValue {
  /** %K (0..100). */
  readonly k: number
  /** %D (0..100); `NaN` while it warms up. */
  readonly d: number
}

/** Output type of every indicator supported by {@link createIndicator}, by name. */
export interface IndicatorOutputs {
  readonly sma: number
  readonly ema: number
  readonly wma: number
  readonly rsi: number
  readonly macd: MacdValue
  readonly bbands: BbandsValue
  readonly atr: number
  readonly trueRange: number
  readonly adx: number
  readonly plusDi: number
  readonly minusDi: number
  readonly stoch: StochValue
  readonly cci: number
  readonly willr: number
  readonly obv: number
  readonly mfi: number
}

/** Names accepted by {@link createIndicator} and {@link computeIndicator}. */
export type IndicatorName = keyof IndicatorOutputs
