import type { NumericSeries } from './types.js'

/** The equity change of one calendar month (UTC). */
export interface MonthlyReturn {
  /** `YYYY-MM`. */
  readonly month: string
  /** Equity at the end of the previous month (or the start balance for the first month). */
  readonly startEquity: number
  /** Equity at the month's last bar. */
  readonly endEquity: number
  /** endEquity - startEquity. */
  readonly pnl: number
  /** endEquity / startEquity - 1 (`NaN` when startEquity is 0). */
  readonly return: number
}

function monthKey(time: number): string {
  const d = new Date(time)
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`
}

/**
 * Monthly returns (UTC calendar months) of a per-bar equity curve: each month runs from the equity at the
 * last bar of the month before (the start balance for the first) to the equity at its own last bar.
 * Months without bars are absent.
 * @example monthlyReturns([Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1)], [110, 99], 100)
 * // [{ month: '2024-01', return: 0.1, ... }, { month: '2024-02', return: -0.1, ... }]
 */
export function monthlyReturns(time: NumericSeries, equity: NumericSeries, startEquity: number): MonthlyReturn[] {
  const out: MonthlyReturn[] = []
  let start = startEquity
  let current: string | undefined
  let last = startEquity
  const close = (): void => {
    if (current === undefined) return
    out.push({ month: current, startEquity: start, endEquity: last, pnl: last - start, return: ratio(last, start) })
    start = last
  }
  // The current month's bounds: a bar inside them needs no key (a Date and a string per bar were a
  // tenth of a 1M-bar run's report time).
  let from = Number.POSITIVE_INFINITY
  let to = Number.NEGATIVE_INFINITY
  for (let i = 0; i < time.length; i++) {
    const t = time[i] as number
    if (!(t >= from && t < to)) {
      const key = monthKey(t)
      const d = new Date(t)
      from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
      to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)
      if (key !== current) {
        close()
        current = key
      }
    }
    last = equity[i] as number
  }
  close()
  return out
}

function ratio(end: number, start: number): number {
  return start === 0 ? NaN : end / start - 1
}
