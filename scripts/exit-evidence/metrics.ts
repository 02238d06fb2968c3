/**
 * Per-variant metrics of the exit evidence: PnL, win rate, profit factor, max drawdown, average hold.
 */
import { maxDrawdownFromEquity, profitFactor, winRate } from '@quantum/core'
import type { TradeRecord } from '@quantum/core'

/** An equity curve (epoch ms, USDT). */
export interface Curve {
  readonly time: Float64Array
  readonly equity: Float64Array
}

/** One row of the evidence table. */
export interface Row {
  readonly variant: string
  readonly symbol: string
  readonly pnl: number
  readonly winRate: number
  readonly profitFactor: number
  readonly maxDrawdown: number
  readonly maxDrawdownPct: number
  readonly avgHoldHours: number
  readonly trades: number
  readonly entries: number
  /** Fees of the closed trades (USDT). */
  readonly fees: number
}

const HOUR = 3_600_000

/** The metrics of one run (or of several runs' trades with their summed curve). */
export function rowOf(
  label: { variant: string; symbol: string; entries: number },
  trades: readonly TradeRecord[],
  curve: Curve,
  startBalance: number,
): Row {
  const pnls = trades.map((t) => t.netPnl)
  const dd = maxDrawdownFromEquity(curve.equity, startBalance)
  const hold = trades.reduce((s, t) => s + (t.exitTime - t.entryTime), 0)
  return {
    ...label,
    pnl: (curve.equity.at(-1) ?? startBalance) - startBalance,
    winRate: pnls.length === 0 ? 0 : winRate(pnls),
    profitFactor: pnls.length === 0 ? 0 : profitFactor(pnls),
    maxDrawdown: dd.abs,
    maxDrawdownPct: dd.pct,
    avgHoldHours: trades.length === 0 ? 0 : hold / trades.length / HOUR,
    trades: trades.length,
    fees: trades.reduce((s, t) => s + t.fees, 0),
  }
}

/** Sums curves on the union of their times (each curve held at its last value between its points). */
export function sumCurves(curves: readonly Curve[], startBalances: readonly number[]): Curve {
  const times = [...new Set(curves.flatMap((c) => Array.from(c.time)))].sort((a, b) => a - b)
  const equity = new Float64Array(times.length)
  curves.forEach((c, k) => {
    let j = 0
    let last = startBalances[k] ?? 0
    times.forEach((t, i) => {
      while (j < c.time.length && (c.time[j] as number) <= t) last = c.equity[j++] as number
      equity[i] = (equity[i] as number) + last
    })
  })
  return { time: Float64Array.from(times), equity }
}

/** Formats a number with `digits` decimals, `∞` for infinity. */
export function fmt(value: number, digits = 2): string {
  if (value === Infinity) return '∞'
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a'
}

/** The markdown table of `rows`. */
export function markdownTable(rows: readonly Row[]): string {
  const head =
    '| Variant | Symbol | PnL (USDT) | Win rate | Profit factor | Max DD (USDT) | Max DD % | Avg hold (h) | Trades | Entries | Fees (USDT) |\n' +
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  const lines = rows.map(
    (r) =>
      `| ${r.variant} | ${r.symbol} | ${fmt(r.pnl)} | ${fmt(r.winRate * 100, 1)}% | ${fmt(r.profitFactor)} | ` +
      `${fmt(r.maxDrawdown)} | ${fmt(r.maxDrawdownPct * 100)}% | ${fmt(r.avgHoldHours, 1)} | ${r.trades} | ${r.entries} | ${fmt(r.fees)} |`,
  )
  return [head, ...lines].join('\n')
}
