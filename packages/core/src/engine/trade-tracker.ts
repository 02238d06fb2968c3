import type { TradeRecord } from '../result.js'
import type { Fill, FundingEvent, Position } from '../schemas.js'
import { TradeLog, type ClosedTrade } from './trade-log.js'

interface OpenTrade {
  side: 'LONG' | 'SHORT'
  entryTime: number
  entryQty: number
  entryNotional: number
  exitQty: number
  exitNotional: number
  maxQty: number
  grossPnl: number
  fees: number
  funding: number
  /** Entry quantity with a decision price, and the sum of quantity x signed slippage (fraction). */
  slipQty: number
  slipSum: number
}

/**
 * Builds round-trip trades from fills: a trade opens when a position leaves flat and closes when it
 * returns to flat; a flip closes one trade and opens the next (the flipping fill's fee is split by
 * quantity). Funding paid or received while a trade is open is added to it.
 */
export class TradeTracker {
  private readonly closed = new TradeLog()
  /** The figures of the trade being closed (copied by the log). */
  private readonly closing: ClosedTrade = {
    symbol: '',
    side: 'LONG',
    entryTime: 0,
    exitTime: 0,
    entryPrice: 0,
    exitPrice: 0,
    quantity: 0,
    grossPnl: 0,
    fees: 0,
    funding: 0,
    netPnl: 0,
    exitReason: '',
    entrySlippageBps: Number.NaN,
  }
  private readonly open = new Map<string, OpenTrade>()
  private readonly signed = new Map<string, number>()

  /**
   * Closed trades, in closing order: one array, built when first read and extended since (a run that
   * never reads it keeps its trades in columns; see {@link TradeTracker.tradeAt}).
   */
  get trades(): readonly TradeRecord[] {
    return this.closed.toArray()
  }

  /** Number of closed trades (builds none). */
  get tradeCount(): number {
    return this.closed.length
  }

  /** Closed trade `i` (0-based; its id is `i + 1`), built alone. */
  tradeAt(i: number): TradeRecord {
    return this.closed.at(i)
  }

  /** Number of symbols with an open trade (cheap; used for exposure). */
  get openCount(): number {
    return this.open.size
  }

  /** True when a trade of `symbol` is open. */
  isOpen(symbol: string): boolean {
    return this.open.has(symbol)
  }

  /** Accounts one fill; `position` is the position after it. */
  onFill(fill: Fill, position: Position): void {
    const prev = this.signed.get(fill.symbol) ?? 0
    const next = position.side === 'LONG' ? position.quantity : position.side === 'SHORT' ? -position.quantity : 0
    this.signed.set(fill.symbol, next)
    const closing =
      prev === 0 || Math.sign(next) === Math.sign(prev) ? Math.max(0, Math.abs(prev) - Math.abs(next)) : Math.abs(prev)
    const opening = fill.quantity - closing
    const closeShare = fill.quantity === 0 ? 0 : closing / fill.quantity
    if (closing > 0)
      this.reduce(fill, { qty: closing, feeShare: closeShare, flat: next === 0 || Math.sign(next) !== Math.sign(prev) })
    if (opening > 1e-15 && next !== 0)
      this.increase(fill, { qty: opening, feeShare: 1 - closeShare, side: next > 0 ? 'LONG' : 'SHORT' })
  }

  /** Adds a funding payment to the open trade of its symbol. */
  onFunding(event: FundingEvent): void {
    const trade = this.open.get(event.symbol)
    if (trade !== undefined) trade.funding += event.payment
  }

  private increase(fill: Fill, part: { qty: number; feeShare: number; side: 'LONG' | 'SHORT' }): void {
    let trade = this.open.get(fill.symbol)
    if (trade === undefined) {
      trade = {
        side: part.side,
        entryTime: fill.time,
        entryQty: 0,
        entryNotional: 0,
        exitQty: 0,
        exitNotional: 0,
        maxQty: 0,
        grossPnl: 0,
        fees: 0,
        funding: 0,
        slipQty: 0,
        slipSum: 0,
      }
      this.open.set(fill.symbol, trade)
    }
    trade.entryQty += part.qty
    trade.entryNotional += part.qty * fill.price
    if (fill.decisionPrice !== undefined) {
      // Positive: worse than the decision price (paid more on a buy, got less on a sell).
      const sign = fill.side === 'BUY' ? 1 : -1
      trade.slipQty += part.qty
      trade.slipSum += (part.qty * sign * (fill.price - fill.decisionPrice)) / fill.decisionPrice
    }
    trade.fees += fill.fee * part.feeShare
    trade.maxQty = Math.max(trade.maxQty, trade.entryQty - trade.exitQty)
  }

  private reduce(fill: Fill, part: { qty: number; feeShare: number; flat: boolean }): void {
    const trade = this.open.get(fill.symbol)
    if (trade === undefined) return
    trade.exitQty += part.qty
    trade.exitNotional += part.qty * fill.price
    trade.grossPnl += fill.realizedPnl
    trade.fees += fill.fee * part.feeShare
    if (!part.flat) return
    this.open.delete(fill.symbol)
    const c = this.closing
    c.symbol = fill.symbol
    c.side = trade.side
    c.entryTime = trade.entryTime
    c.exitTime = fill.time
    c.entryPrice = trade.entryNotional / trade.entryQty
    c.exitPrice = trade.exitNotional / trade.exitQty
    c.quantity = trade.maxQty
    c.grossPnl = trade.grossPnl
    c.fees = trade.fees
    c.funding = trade.funding
    c.netPnl = trade.grossPnl - trade.fees + trade.funding
    c.exitReason = fill.liquidation === true ? 'liquidation' : (fill.tag ?? 'exit')
    c.entrySlippageBps = trade.slipQty > 0 ? (trade.slipSum / trade.slipQty) * 10_000 : Number.NaN
    this.closed.push(c)
  }
}
