import type { TradeRecord } from '../result.js'

/** How long trades stayed open (milliseconds). */
export interface DurationSummary {
  readonly trades: number
  readonly meanMs: number
  readonly medianMs: number
  readonly minMs: number
  readonly maxMs: number
  /** Mean duration of trades with net PnL > 0. */
  readonly winnersMeanMs: number
  /** Mean duration of trades with net PnL < 0. */
  readonly losersMeanMs: number
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length
}

/**
 * Duration statistics of closed trades (exit time - entry time): mean, median (mean of the middle two
 * for an even count), extremes, and the mean of winners and of losers. `NaN` fields without trades.
 * @example summarizeDurations(trades).medianMs / 3_600_000 // hours
 */
export function summarizeDurations(trades: readonly TradeRecord[]): DurationSummary {
  const all = trades.map((t) => t.exitTime - t.entryTime)
  const sorted = [...all].sort((a, b) => a - b)
  const n = sorted.length
  const median = n === 0 ? NaN : n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2
  return {
    trades: n,
    meanMs: mean(all),
    medianMs: median,
    minMs: n === 0 ? NaN : sorted[0]!,
    maxMs: n === 0 ? NaN : sorted[n - 1]!,
    winnersMeanMs: mean(trades.filter((t) => t.netPnl > 0).map((t) => t.exitTime - t.entryTime)),
    losersMeanMs: mean(trades.filter((t) => t.netPnl < 0).map((t) => t.exitTime - t.entryTime)),
  }
}
