/**
 * NaN-aware helpers with numpy's semantics (`nanmean`, `nanstd`), shared by the statistics.
 * @internal
 * @packageDocumentation
 */
import { ConfigError } from '../errors.js'
import type { Benchmark, NumericSeries } from './types.js'

/**
 * `returns − adjustment`, element-wise for a series (empyrical `_adjust_returns`); `returns` itself when
 * the adjustment is the number 0. Read only: the result may be the caller's series.
 * @throws {ConfigError} when a series adjustment has a different length.
 */
export function adjust(returns: NumericSeries, adjustment: Benchmark, name: string): NumericSeries {
  const n = returns.length
  // x - 0 is x: the series itself, not a copy (a 1M-bar run's ratios made three 8 MB copies).
  if (adjustment === 0) return returns
  const out = new Float64Array(n)
  if (typeof adjustment === 'number') {
    for (let i = 0; i < n; i++) out[i] = (returns[i] as number) - adjustment
    return out
  }
  if (adjustment.length !== n) {
    throw new ConfigError(`Invalid ${name}`, [
      { path: name, message: `series length ${adjustment.length} ≠ returns length ${n}` },
    ])
  }
  for (let i = 0; i < n; i++) out[i] = (returns[i] as number) - (adjustment[i] as number)
  return out
}

/** Mean of the non-NaN entries; `NaN` when there are none (numpy `nanmean`). */
export function nanMean(values: NumericSeries): number {
  let sum = 0
  let count = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (v === v) {
      sum += v
      count++
    }
  }
  return count === 0 ? NaN : sum / count
}

/**
 * Standard deviation of the non-NaN entries with `ddof` (numpy `nanstd`), two-pass; exactly 0 for
 * a constant series (so that e.g. a flat positive series has an infinite Sharpe ratio, as in
 * empyrical), `NaN` when `count ≤ ddof`.
 */
export function nanStd(values: NumericSeries, ddof = 1): number {
  let count = 0
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (v !== v) continue
    count++
    if (v < min) min = v
    if (v > max) max = v
  }
  if (count - ddof <= 0) return NaN
  if (min === max) return 0
  const mean = nanMean(values)
  let ss = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number
    if (v === v) ss += (v - mean) * (v - mean)
  }
  return Math.sqrt(ss / (count - ddof))
}

/** Product of `1 + r` over the non-NaN entries (numpy `nanprod(1 + r)`). */
export function growth(returns: NumericSeries): number {
  let p = 1
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number
    if (r === r) p *= 1 + r
  }
  return p
}
