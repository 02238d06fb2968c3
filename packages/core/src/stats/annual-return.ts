import { annualizationFactor } from './annualization-factor.js'
import { growth } from './nan-math.js'
import type { AnnualizationOptions, NumericSeries } from './types.js'

/**
 * Compound annual growth rate (empyrical `annual_return`): `prod(1 + r)^(factor / n) − 1`, where the
 * product skips `NaN` returns but `n = returns.length` counts them (empyrical's behaviour);
 * `NaN` for an empty series.
 * @example annualReturn(dailyReturns) // CAGR with 252 periods per year
 * @example annualReturn(hourlyReturns, { annualization: 24 * 365 })
 */
export function annualReturn(returns: NumericSeries, options: AnnualizationOptions = {}): number {
  if (returns.length === 0) return NaN
  const factor = annualizationFactor(options)
  const years = returns.length / factor
  return growth(returns) ** (1 / years) - 1
}
