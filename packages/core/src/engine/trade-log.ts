/**
 * Closed round-trip trades, kept in columns for the reason fills are (see `kernel/fill-log.ts`): a run
 * keeps every trade, and an array of trade objects kept each alive past the young generation (a fifth
 * more signals per second in the per-signal bench without it). The objects are built when first read.
 * @packageDocumentation
 * @internal
 */
import type { TradeRecord } from '../result.js'
import { RowChunks } from '../row-chunks.js'

const NUMBERS = 10
const [ENTRY_TIME, EXIT_TIME, ENTRY_PRICE, EXIT_PRICE, QTY, GROSS, FEES, FUNDING, NET, SLIPPAGE] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
] as const

/** A closed trade's figures, as {@link TradeLog.push} takes them (the id is the log's count). */
export interface ClosedTrade {
  symbol: string
  side: 'LONG' | 'SHORT'
  entryTime: number
  exitTime: number
  entryPrice: number
  exitPrice: number
  quantity: number
  grossPnl: number
  fees: number
  funding: number
  netPnl: number
  exitReason: string
  /** NaN when the trade has none. */
  entrySlippageBps: number
}

/** Trades in closing order, ids 1, 2, ...; read them with {@link TradeLog.at} or {@link TradeLog.toArray}. */
export class TradeLog {
  private readonly rows = new RowChunks({ numbers: NUMBERS, bytes: 1, strings: 2 })
  private readonly built: TradeRecord[] = []

  /** Trades recorded. */
  get length(): number {
    return this.rows.length
  }

  /** Records a closed trade (its figures are copied) as trade `length + 1`. */
  push(trade: ClosedTrade): void {
    const rows = this.rows
    rows.append()
    const num = rows.numbers
    const at = rows.numberAt
    num[at + ENTRY_TIME] = trade.entryTime
    num[at + EXIT_TIME] = trade.exitTime
    num[at + ENTRY_PRICE] = trade.entryPrice
    num[at + EXIT_PRICE] = trade.exitPrice
    num[at + QTY] = trade.quantity
    num[at + GROSS] = trade.grossPnl
    num[at + FEES] = trade.fees
    num[at + FUNDING] = trade.funding
    num[at + NET] = trade.netPnl
    num[at + SLIPPAGE] = trade.entrySlippageBps
    rows.bytes[rows.byteAt] = trade.side === 'SHORT' ? 1 : 0
    rows.strings[rows.stringAt] = trade.symbol
    rows.strings[rows.stringAt + 1] = trade.exitReason
  }

  /** Trade `i` (0-based, so its id is `i + 1`), the same object on every read. */
  at(i: number): TradeRecord {
    if (!(i >= 0 && i < this.rows.length)) throw new RangeError(`no trade at ${i} (${this.rows.length} recorded)`)
    this.build(i + 1)
    return this.built[i]!
  }

  /** Every trade, oldest first: one array, extended with the trades closed since the last call. */
  toArray(): TradeRecord[] {
    this.build(this.rows.length)
    return this.built
  }

  private build(upTo: number): void {
    const built = this.built
    const rows = this.rows
    for (let i = built.length; i < upTo; i++) {
      rows.seek(i)
      const num = rows.numbers
      const at = rows.numberAt
      const slippage = num[at + SLIPPAGE]!
      built.push({
        id: i + 1,
        symbol: rows.strings[rows.stringAt]!,
        side: rows.bytes[rows.byteAt] === 1 ? 'SHORT' : 'LONG',
        entryTime: num[at + ENTRY_TIME]!,
        exitTime: num[at + EXIT_TIME]!,
        entryPrice: num[at + ENTRY_PRICE]!,
        exitPrice: num[at + EXIT_PRICE]!,
        quantity: num[at + QTY]!,
        grossPnl: num[at + GROSS]!,
        fees: num[at + FEES]!,
        funding: num[at + FUNDING]!,
        netPnl: num[at + NET]!,
        exitReason: rows.strings[rows.stringAt + 1]!,
        ...(Number.isNaN(slippage) ? {} : { entrySlippageBps: slippage }),
      })
    }
  }
}
