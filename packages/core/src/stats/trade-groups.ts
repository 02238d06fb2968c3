import type { TradeRecord } from '../result.js'
import { summarizeTrades } from './summarize-trades.js'

/** Statistics of one group of closed trades (one symbol, one side, one exit reason...). */
export interface TradeGroup {
  /** The group's key (symbol, `LONG`/`SHORT`, exit reason...). */
  readonly key: string
  readonly trades: number
  /** Trades with net PnL > 0. */
  readonly wins: number
  /** Trades with net PnL < 0. */
  readonly losses: number
  /** wins / trades. */
  readonly winRate: number
  /** Sum of net PnL (USDT). */
  readonly netPnl: number
  /** Sum of winning net PnL (USDT, >= 0). */
  readonly grossProfit: number
  /** Sum of losing net PnL as a positive number (USDT). */
  readonly grossLoss: number
  /** grossProfit / grossLoss (`Infinity` without losses, `NaN` with neither). */
  readonly profitFactor: number
  /** Mean net PnL per trade (USDT). */
  readonly expectancy: number
  /** Fees paid by the group's trades (USDT). */
  readonly fees: number
  /** Mean time from entry to exit (ms). */
  readonly meanDurationMs: number
}

/**
 * Groups closed trades by `key` and summarises each group (net PnL, win rate, profit factor,
 * expectancy, fees, mean duration), in descending order of net PnL; the conventions of
 * {@link summarizeTrades} (a zero-PnL trade is a non-win, on neither side of the profit factor).
 * @example groupTrades(trades, (t) => t.symbol) // [{ key: 'BTCUSDT', trades: 12, netPnl: 84.2, ... }, ...]
 */
export function groupTrades(trades: readonly TradeRecord[], key: (trade: TradeRecord) => string): TradeGroup[] {
  const groups = new Map<string, TradeRecord[]>()
  for (const t of trades) {
    const k = key(t)
    const list = groups.get(k)
    if (list === undefined) groups.set(k, [t])
    else list.push(t)
  }
  const out: TradeGroup[] = []
  for (const [k, list] of groups) {
    const s = summarizeTrades(list.map((t) => t.netPnl))
    let fees = 0
    let duration = 0
    for (const t of list) {
      fees += t.fees
      duration += t.exitTime - t.entryTime
    }
    out.push({
      key: k,
      trades: s.trades,
      wins: s.wins,
      losses: s.losses,
      winRate: s.winRate,
      netPnl: s.netProfit,
      grossProfit: s.grossProfit,
      grossLoss: s.grossLoss,
      profitFactor: s.profitFactor,
      expectancy: s.expectancy,
      fees,
      meanDurationMs: duration / list.length,
    })
  }
  return out.sort((a, b) => b.netPnl - a.netPnl || a.key.localeCompare(b.key))
}
