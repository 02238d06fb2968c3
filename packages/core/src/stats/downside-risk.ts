import { annualizationFactor } from './annualization-factor.js'
import { adjust } from './nan-math.js'
import type { AnnualizationOptions, Benchmark, NumericSeries } from './types.js'

/** Options of {@link downsideRisk} and {@link sortinoRatio}. */
export interface DownsideRiskOptions extends AnnualizationOptions {
  /** Minimum acceptable return per period: a constant or a series of the returns' length. @default 0 */
  readonly requiredReturn?: Benchmark
}

/**
 * Annualized downside deviation (empyrical `downside_risk`):
 * `sqrt(mean(min(r − required, 0)²)) · √factor`, NaN-aware; `NaN` for an empty series.
 * @throws {ConfigError} when `requiredReturn` is a series of another length.
 * @example downsideRisk(dailyReturns, { requiredReturn: 0 })
 */
export function downsideRisk(returns: NumericSeries, options: DownsideRiskOptions = {}): number {
  if (returns.length === 0) return NaN
  const factor = annualizationFactor(options)
  const diff = adjust(returns, options.requiredReturn ?? 0, 'requiredReturn')
  // The NaN-skipping mean of the squared shortfalls, without a series of them.
  let sum = 0
  let count = 0
  for (let i = 0; i < diff.length; i++) {
    const d = diff[i] as number
    if (d !== d) continue
    sum += d > 0 ? 0 : d * d
    count++
  }
  return Math.sqrt(count === 0 ? Number.NaN : sum / count) * Math.sqrt(factor)
}
