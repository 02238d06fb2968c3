/**
 * Indicators: fast TA-Lib-convention streaming kernels for the hot path, a `technicalindicators`
 * adapter (streaming and batch) for the broad set, and feature sets.
 * @packageDocumentation
 */
export { Adx } from './adx.js'
export { Atr } from './atr.js'
export { computeIndicator } from './compute-indicator.js'
export { createIndicator } from './create-indicator.js'
export { CrossOver } from './cross-over.js'
export { defineFeatures } from './define-features.js'
export { Ema } from './ema.js'
export { adx, atr, crossOver, ema, macd, mfi, minusDi, obv, plusDi, rma, rsi, sma, trueRange } from './feature-specs.js'
export { Macd } from './macd.js'
export { Mfi } from './mfi.js'
export { Obv } from './obv.js'
export { Rma, Rma as Wilder } from './rma.js'
export { Rsi } from './rsi.js'
export { Sma } from './sma.js'
export { TrueRange } from './true-range.js'

export type { IndicatorColumns } from './compute-indicator.js'
export type { StreamingIndicator } from './create-indicator.js'
export type { FeatureSet } from './define-features.js'
export type { FeatureBar, FeatureKernel, FeatureSpec, MacdFeatureOptions } from './feature-specs.js'
export type {
  BbandsOptions,
  BbandsValue,
  IndicatorBar,
  IndicatorName,
  IndicatorOptions,
  IndicatorOutputs,
  IndicatorSeries,
  MacdOptions,
  MacdValue,
  NoOptions,
  PeriodOptions,
  PriceSource,
  StochOptions,
  StochValue,
  StreamingKernel,
} from './types.js'
