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
  const times = [...new Set(used.flatMap((s) => Array.from(s.openTime)))].sort((a, b) => a - b)
  const cursor = used.map(() => -1)
  const value = used.map(() => share)
  const curve = new Float64Array(times.length)
  for (let k = 0; k < times.length; k++) {
    const t = times[k] as number
    let total = 0
    used.forEach((s, j) => {
      while ((cursor[j] as number) + 1 < s.openTime.length && (s.openTime[(cursor[j] as number) + 1] as number) <= t)
        cursor[j] = (cursor[j] as number) + 1
      const i = cursor[j] as number
      if (i >= 0) value[j] = (share * (s.close[i] as number)) / (s.open[0] as number)
      total += value[j] as number
    })
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
