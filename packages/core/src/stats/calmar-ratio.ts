import { annualReturn } from './annual-return.js'
import { maxDrawdown } from './max-drawdown.js'
import type { AnnualizationOptions, NumericSeries } from './types.js'

/**
 * Calmar ratio (empyrical `calmar_ratio`): `annualReturn / |maxDrawdown|`; `NaN` without a
 * drawdown or when the ratio is infinite.
 * @example calmarRatio(dailyReturns)
 */
export function calmarRatio(returns: NumericSeries, options: AnnualizationOptions = {}): number {
  const mdd = maxDrawdown(returns)
  if (!(mdd < 0)) return NaN
  const ratio = annualReturn(returns, options) / Math.abs(mdd)
  return Number.isFinite(ratio) || ratio !== ratio ? ratio : NaN
}
