import { adjust, nanMean, nanStd } from './nan-math.js'
import type { Benchmark, NumericSeries } from './types.js'

/**
 * Excess Sharpe / information ratio, not annualized (empyrical `excess_sharpe`):
 * `mean(r − f) / std(r − f, ddof=1)`, NaN-aware; `NaN` for fewer than 2 entries.
 * @param factorReturns - benchmark returns: a constant or a series of the returns' length.
 * @throws {ConfigError} when `factorReturns` is a series of another length.
 * @example excessSharpe(strategyReturns, benchmarkReturns)
 */
export function excessSharpe(returns: NumericSeries, factorReturns: Benchmark): number {
  if (returns.length < 2) return NaN
  const active = adjust(returns, factorReturns, 'factorReturns')
  const trackingError = nanStd(active, 1)
  // empyrical applies nan_to_num to the tracking error: NaN → 0.
  return nanMean(active) / (trackingError === trackingError ? trackingError : 0)
}
