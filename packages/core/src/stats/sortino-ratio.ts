import { annualizationFactor } from './annualization-factor.js'
import { downsideRisk, type DownsideRiskOptions } from './downside-risk.js'
import { adjust, nanMean } from './nan-math.js'
import type { NumericSeries } from './types.js'

/**
 * Annualized Sortino ratio (empyrical `sortino_ratio`): `mean(r − required) · factor /
 * downsideRisk(r, required)`; `NaN` for fewer than 2 entries, `Infinity` without downside.
 * @throws {ConfigError} when `requiredReturn` is a series of another length.
 * @example sortinoRatio(dailyReturns, { requiredReturn: 0 })
 */
export function sortinoRatio(returns: NumericSeries, options: DownsideRiskOptions = {}): number {
  if (returns.length < 2) return NaN
  const factor = annualizationFactor(options)
  const excess = adjust(returns, options.requiredReturn ?? 0, 'requiredReturn')
  return (nanMean(excess) * factor) / downsideRisk(returns, options)
}
