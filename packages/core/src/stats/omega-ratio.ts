import { adjust } from './nan-math.js'
import type { Benchmark, NumericSeries } from './types.js'

/** Options of {@link omegaRatio}. */
export interface OmegaRatioOptions {
  /** Risk-free return per period: a constant or a series of the returns' length. @default 0 */
  readonly riskFree?: Benchmark
  /** Minimum acceptable **annual** return, de-annualized with `annualization`. @default 0 */
  readonly requiredReturn?: number
  /** Periods per year used to de-annualize `requiredReturn`. @default 252 */
  readonly annualization?: number
}

/**
 * Omega ratio (empyrical `omega_ratio`): with `t = (1 + required)^(1/annualization) − 1` (or
 * `required` itself when `annualization = 1`), `sum(max(r − rf − t, 0)) / sum(max(t − r + rf, 0))`;
 * `NaN` for fewer than 2 entries, `required ≤ −1`, or no return below the threshold.
 * @throws {ConfigError} when `riskFree` is a series of another length.
 * @example omegaRatio(dailyReturns, { requiredReturn: 0.1 })
 */
export function omegaRatio(returns: NumericSeries, options: OmegaRatioOptions = {}): number {
  if (returns.length < 2) return NaN
  const { requiredReturn = 0, annualization = 252 } = options
  let threshold: number
  if (annualization === 1) threshold = requiredReturn
  else if (requiredReturn <= -1) return NaN
  else threshold = (1 + requiredReturn) ** (1 / annualization) - 1
  const excess = adjust(returns, options.riskFree ?? 0, 'riskFree')
  let gains = 0
  let losses = 0
  for (let i = 0; i < excess.length; i++) {
    const d = (excess[i] as number) - threshold
    if (d > 0) gains += d
    else if (d < 0) losses -= d
  }
  return losses > 0 ? gains / losses : NaN
}
