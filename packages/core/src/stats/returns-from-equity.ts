import type { NumericSeries } from './types.js'

/**
 * Simple per-bar returns of an equity curve: `equity[i] / equity[i−1] − 1`. With `initial`, the
 * first return is `equity[0] / initial − 1` (length n), else the series starts at bar 1 (length n−1).
 * @param initial - equity before bar 0. @default undefined
 * @example returnsFromEquity([110, 99], 100) // Float64Array [0.1, -0.1]
 */
export function returnsFromEquity(equity: NumericSeries, initial?: number): Float64Array {
  const n = equity.length
  const offset = initial === undefined ? 1 : 0
  const out = new Float64Array(Math.max(0, n - offset))
  let prev: number = initial ?? equity[0] ?? NaN
  for (let i = offset; i < n; i++) {
    const e = equity[i] as number
    out[i - offset] = e / prev - 1
    prev = e
  }
  return out
}
