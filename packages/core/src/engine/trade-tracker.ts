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

/** A symbol's position (signed quantity) and its trade, reused from one trade to the next. */
interface SymbolBook extends OpenTrade {
  signed: number
  /** Whether the trade's figures are those of an open trade. */
  open: boolean
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
  /**
   * One book per symbol, kept for the run: a flip closes a trade and opens the next on the same object,
   * so a fill allocates nothing here (a Map of trades deleted and re-added, and of signed quantities
   * boxed on every set, was a tenth of the per-signal bench's time).
   */
  private readonly books = new Map<string, SymbolBook>()
  private openTrades = 0

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
    return this.openTrades
  }

  /** True when a trade of `symbol` is open. */
  isOpen(symbol: string): boolean {
    return this.books.get(symbol)?.open === true
  }

  /** Accounts one fill; `position` is the position after it. */
  onFill(fill: Fill, position: Position): void {
    const book = this.bookOf(fill.symbol)
    const prev = book.signed
    const next = position.side === 'LONG' ? position.quantity : position.side === 'SHORT' ? -position.quantity : 0
    book.signed = next
    const closing =
      prev === 0 || Math.sign(next) === Math.sign(prev) ? Math.max(0, Math.abs(prev) - Math.abs(next)) : Math.abs(prev)
    const opening = fill.quantity - closing
    const closeShare = fill.quantity === 0 ? 0 : closing / fill.quantity
    if (closing > 0)
      this.reduce(book, fill, {
        qty: closing,
        feeShare: closeShare,
        flat: next === 0 || Math.sign(next) !== Math.sign(prev),
      })
    if (opening > 1e-15 && next !== 0)
      this.increase(book, fill, { qty: opening, feeShare: 1 - closeShare, side: next > 0 ? 'LONG' : 'SHORT' })
  }

  /** Adds a funding payment to the open trade of its symbol. */
  onFunding(event: FundingEvent): void {
    const book = this.books.get(event.symbol)
    if (book?.open === true) book.funding += event.payment
  }

  private bookOf(symbol: string): SymbolBook {
    let book = this.books.get(symbol)
    if (book === undefined) {
      book = {
        signed: 0,
        open: false,
        side: 'LONG',
        entryTime: 0,
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
      this.books.set(symbol, book)
    }
    return book
  }

  private increase(
    trade: SymbolBook,
    fill: Fill,
    part: { qty: number; feeShare: number; side: 'LONG' | 'SHORT' },
  ): void {
    if (!trade.open) {
      trade.open = true
      this.openTrades++
      trade.side = part.side
      trade.entryTime = fill.time
      trade.entryQty = 0
      trade.entryNotional = 0
      trade.exitQty = 0
      trade.exitNotional = 0
      trade.maxQty = 0
      trade.grossPnl = 0
      trade.fees = 0
      trade.funding = 0
      trade.slipQty = 0
      trade.slipSum = 0
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

  private reduce(trade: SymbolBook, fill: Fill, part: { qty: number; feeShare: number; flat: boolean }): void {
    if (!trade.open) return
    trade.exitQty += part.qty
    trade.exitNotional += part.qty * fill.price
    trade.grossPnl += fill.realizedPnl
    trade.fees += fill.fee * part.feeShare
    if (!part.flat) return
    trade.open = false
    this.openTrades--
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
