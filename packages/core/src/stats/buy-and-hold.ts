import type { CandleSeries } from '../data/candle-series.js'
import { maxDrawdownFromEquity } from './max-drawdown.js'

/** The buy-and-hold benchmark of a run (see {@link buyAndHold}). */
export interface BuyAndHold {
  /** Per symbol: bought at the first bar's open, valued at the last bar's close. */
  readonly symbols: readonly { readonly symbol: string; readonly return: number }[]
  /** Total return of the equal-weight portfolio. */
  readonly return: number
  /** Profit of the portfolio on the start balance (USDT). */
  readonly pnl: number
  /** Largest peak-to-trough fall of the portfolio's close-to-close value, as a fraction of the peak. */
  readonly maxDrawdownPct: number
}

/**
 * The buy-and-hold benchmark: the start balance split equally over the symbols, each share bought
 * unleveraged at its first bar's open and held to the last close, without fees or funding (cash waits
 * for a symbol whose data starts later). The portfolio is valued at every bar close of any symbol.
 * @example buyAndHold(result.series, 10_000).return // 0.42 for +42 %
 */
export function buyAndHold(series: readonly CandleSeries[], startBalance: number): BuyAndHold {
  const used = series.filter((s) => s.openTime.length > 0)
  if (used.length === 0) return { symbols: [], return: NaN, pnl: NaN, maxDrawdownPct: NaN }
  const share = startBalance / used.length
  const times = unionOfTimes(used.map((s) => s.openTime))
  const cursor = new Int32Array(used.length).fill(-1)
  const value = new Float64Array(used.length).fill(share)
  const curve = new Float64Array(times.length)
  for (let k = 0; k < times.length; k++) {
    const t = times[k]!
    let total = 0
    for (let j = 0; j < used.length; j++) {
      const s = used[j]!
      const open = s.openTime
      let i = cursor[j]!
      while (i + 1 < open.length && open[i + 1]! <= t) i++
      cursor[j] = i
      if (i >= 0) value[j] = (share * s.close[i]!) / s.open[0]!
      total += value[j]!
    }
    curve[k] = total
  }
  const end = curve[curve.length - 1] as number
  return {
    symbols: used.map((s) => ({
      symbol: s.symbol,
      return: (s.close[s.close.length - 1] as number) / (s.open[0] as number) - 1,
    })),
    return: end / startBalance - 1,
    pnl: end - startBalance,
    maxDrawdownPct: maxDrawdownFromEquity(curve, startBalance).pct,
  }
}

/**
 * The distinct times of several ascending time columns, ascending: a k-way merge (one column is
 * returned as it is). Linear in the bars, where a set of every time and a sort took seconds at 1M bars.
 */
function unionOfTimes(columns: readonly ArrayLike<number>[]): ArrayLike<number> {
  if (columns.length === 1) return columns[0]!
  let total = 0
  for (const c of columns) total += c.length
  const out = new Float64Array(total)
  const at = new Int32Array(columns.length)
  let n = 0
  for (;;) {
    let next = Infinity
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j]!
      if (at[j]! < c.length && c[at[j]!]! < next) next = c[at[j]!]!
    }
    if (next === Infinity) break
    out[n++] = next
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j]!
      while (at[j]! < c.length && c[at[j]!]! === next) at[j]!++
    }
  }
  return out.subarray(0, n)
}
