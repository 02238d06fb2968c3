import type { NumericSeries } from './types.js'

/**
 * Maximum drawdown of a return series (empyrical `max_drawdown`), as a negative fraction (or −0/0
 * without drawdown): `min_t (V_t / max_{s≤t} V_s − 1)` on the compounded value `V`, starting value
 * included; `NaN` returns count as 0; `NaN` for an empty series.
 * @example maxDrawdown([0.1, -0.5, 0.2]) // −0.5
 */
export function maxDrawdown(returns: NumericSeries): number {
  if (returns.length === 0) return NaN
  // empyrical compounds from 100 (`cum_returns(r, starting_value=100)`), kept for identical rounding.
  const start = 100
  let p = 1
  let peak = start
  let worst = (start - peak) / peak
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number
    if (r === r) p *= 1 + r
    const value = p * start
    if (value > peak) peak = value
    const dd = (value - peak) / peak
    if (dd < worst) worst = dd
  }
  return worst
}

/** Result of {@link maxDrawdownFromEquity}. */
export interface EquityDrawdown {
  /** Largest `peak − equity` (account currency, ≥ 0). */
  readonly abs: number
  /** Largest `(peak − equity) / peak` (fraction, ≥ 0). */
  readonly pct: number
  /** Index of the peak of the largest `pct` drawdown; −1 = the initial value (or no drawdown). */
  readonly peakIndex: number
  /** Index of the trough of the largest `pct` drawdown; −1 when there is no drawdown. */
  readonly troughIndex: number
}

/**
 * Maximum drawdown of an equity curve, in currency and as a fraction of the running peak (the
 * reference strategy's definition; both maxima are taken separately, as there); the running peak
 * includes `initial` when given. `NaN` entries are ignored.
 * @param initial - starting equity before bar 0 (counts as a peak). @default undefined (start at `equity[0]`)
 * @example
 * maxDrawdownFromEquity([110, 90, 120], 100) // { abs: 20, pct: 0.1818…, peakIndex: 0, troughIndex: 1 }
 */
export function maxDrawdownFromEquity(equity: NumericSeries, initial?: number): EquityDrawdown {
  let peak = initial ?? -Infinity
  let peakAt = -1
  let abs = 0
  let pct = 0
  let peakIndex = -1
  let troughIndex = -1
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i] as number
    if (e > peak) {
      peak = e
      peakAt = i
      continue
    }
    const dd = peak - e
    if (dd > abs) abs = dd
    if (dd / peak > pct) {
      pct = dd / peak
      peakIndex = peakAt
      troughIndex = i
    }
  }
  return { abs, pct, peakIndex, troughIndex }
}
