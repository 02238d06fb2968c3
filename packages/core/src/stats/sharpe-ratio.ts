import { annualizationFactor } from './annualization-factor.js'
import { adjust, nanMean, nanStd } from './nan-math.js'
import type { AnnualizationOptions, Benchmark, NumericSeries } from './types.js'

/** Options of {@link sharpeRatio}. */
export interface SharpeRatioOptions extends AnnualizationOptions {
  /** Risk-free return per period: a constant or a series of the returns' length. @default 0 */
  readonly riskFree?: Benchmark
}

/**
 * Annualized Sharpe ratio (empyrical `sharpe_ratio`): `mean(r − rf) / std(r − rf, ddof=1) · √factor`,
 * NaN-aware; `NaN` for fewer than 2 entries, `±Infinity` for a constant non-zero excess return,
 * `NaN` for a constant zero one.
 * @throws {ConfigError} when `riskFree` is a series of another length.
 * @example sharpeRatio(dailyReturns, { riskFree: 0 })
 */
export function sharpeRatio(returns: NumericSeries, options: SharpeRatioOptions = {}): number {
  if (returns.length < 2) return NaN
  const factor = annualizationFactor(options)
  const excess = adjust(returns, options.riskFree ?? 0, 'riskFree')
  return (nanMean(excess) / nanStd(excess, 1)) * Math.sqrt(factor)
}
