import { growth } from './nan-math.js'
import type { NumericSeries } from './types.js'

/**
 * Cumulative returns from simple returns (empyrical `cum_returns`): `cumprod(1 + r) − 1`, or
 * `startingValue · cumprod(1 + r)` when `startingValue ≠ 0`; `NaN` returns count as 0.
 * @param startingValue - initial value; 0 gives cumulative returns. @default 0
 * @example cumReturns([0.1, -0.1]) // Float64Array [0.1, -0.01]
 */
export function cumReturns(returns: NumericSeries, startingValue = 0): Float64Array {
  const out = new Float64Array(returns.length)
  let p = 1
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number
    if (r === r) p *= 1 + r
    out[i] = startingValue === 0 ? p - 1 : p * startingValue
  }
  return out
}

/**
 * Total compounded return (empyrical `cum_returns_final`): `prod(1 + r) − 1`, or
 * `startingValue · prod(1 + r)`; `NaN` for an empty series.
 * @param startingValue - initial value; 0 gives the total return. @default 0
 * @example cumReturnsFinal([0.1, -0.1]) // −0.01
 */
export function cumReturnsFinal(returns: NumericSeries, startingValue = 0): number {
  if (returns.length === 0) return NaN
  const p = growth(returns)
  return startingValue === 0 ? p - 1 : p * startingValue
}
