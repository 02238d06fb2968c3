import { annualizationFactor } from './annualization-factor.js'
import { nanStd } from './nan-math.js'
import type { AnnualizationOptions, NumericSeries } from './types.js'

/** Options of {@link annualVolatility}. */
export interface AnnualVolatilityOptions extends AnnualizationOptions {
  /** Scaling exponent: volatility scales with `factor^(1/alpha)`. @default 2 */
  readonly alpha?: number
}

/**
 * Annualized volatility (empyrical `annual_volatility`): sample standard deviation (ddof = 1, NaN
 * skipped) × `factor^(1/alpha)`; `NaN` for fewer than 2 entries.
 * @example annualVolatility(dailyReturns) // std · √252
 */
export function annualVolatility(returns: NumericSeries, options: AnnualVolatilityOptions = {}): number {
  if (returns.length < 2) return NaN
  const factor = annualizationFactor(options)
  return nanStd(returns, 1) * factor ** (1 / (options.alpha ?? 2))
}
