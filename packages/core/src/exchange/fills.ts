/**
 * What a fill, a liquidation and a funding payment do to a position, the ledger and the event stream.
 * Each change is applied completely (position, ledger, reduce-only re-check) before its events are
 * delivered, so listeners always see a consistent account.
 * @packageDocumentation
 * @internal
 */
import type { Fill } from '../schemas.js'
import type { BarLike } from '../types.js'
import { emitOrder, finishOrder, type Core } from './core.js'
import { isolatedLiquidationPrice } from './margin.js'
import { snapQuantity, truncateToStep } from './precision.js'
import { positionView, sideSign, type SymbolState, type WorkingOrder } from './state.js'

/** Where and how an order executes. */
export interface Execution {
  /** Fill price (slippage already applied). */
  readonly price: number
  readonly liquidity: 'maker' | 'taker'
  /** Fill time (the bar's open time). */
  readonly time: number
}

interface Change {
  sign: 1 | -1
  qty: number
  price: number
  time: number
  fee: number
}

/**
 * The one fill being applied. Reused rather than allocated per fill (two objects per order showed in
 * the per-order bench): only {@link shortfall} and {@link applyToPosition} read it, synchronously,
 * without calling out, so no other fill can overwrite it while they run.
 */
const change: Change = { sign: 1, qty: 0, price: 0, time: 0, fee: 0 }

/** The end of a filled order, reused like {@link change}: `finishOrder` reads it before it emits. */
const filledEnd: { readonly status: 'FILLED'; time: number } = { status: 'FILLED', time: 0 }

/** Applies a trade to the position (average entry on adds, proportional margin release, flips); returns realised PnL. */
function applyToPosition(core: Core, s: SymbolState, c: Change): number {
  const pos = s.posQty
  const abs = Math.abs(pos)
  let realized = 0
  if (pos === 0 || Math.sign(pos) === c.sign) {
    const next = snapQuantity(abs + c.qty, s.qtyDecimals, abs + c.qty)
    s.entryPrice = pos === 0 ? c.price : (abs * s.entryPrice + c.qty * c.price) / next
    s.margin += (c.qty * c.price) / s.leverage
    if (pos === 0) s.openedAt = c.time
    s.posQty = c.sign * next
  } else {
    const closing = Math.min(c.qty, abs)
    realized = Math.sign(pos) * closing * (c.price - s.entryPrice)
    const remaining = snapQuantity(abs - closing, s.qtyDecimals, abs)
    const opening = snapQuantity(c.qty - closing, s.qtyDecimals, c.qty)
    if (remaining > 0) {
      s.margin -= (s.margin * closing) / abs
      s.posQty = Math.sign(pos) * remaining
    } else if (opening > 0) {
      s.posQty = c.sign * opening
      s.entryPrice = c.price
      s.margin = (opening * c.price) / s.leverage
      s.openedAt = c.time
    } else {
      s.posQty = 0
      s.entryPrice = 0
      s.margin = 0
      s.openedAt = 0
    }
  }
  s.markPrice = c.price
  updateLiquidationPrice(s)
  core.book.touch(s)
  return realized
}

/** Recomputes the cached liquidation price after a position change. */
export function updateLiquidationPrice(s: SymbolState): void {
  const q = s.posQty
  s.liqPrice =
    q === 0
      ? 0
      : isolatedLiquidationPrice({
          side: q > 0 ? 1 : -1,
          quantity: Math.abs(q),
          entryPrice: s.entryPrice,
          margin: s.margin,
          brackets: s.brackets,
        })
}

/** The quantity an order fills with, or why it cannot fill. */
function fillQuantity(s: SymbolState, w: WorkingOrder, price: number): number | string {
  const o = w.order
  const inst = s.instrument
  let qty = o.quantity
  if (qty === 0 && o.quoteQuantity !== undefined) {
    qty = truncateToStep(o.quoteQuantity / price, inst.stepSize)
    if (qty <= 0 || qty < inst.minQty || qty > inst.maxMarketQty) {
      return `quoteQuantity ${o.quoteQuantity} at ${price} gives quantity ${qty}, outside [minQty ${inst.minQty}, maxQty ${inst.maxMarketQty}]`
    }
  }
  if (o.reduceOnly) return Math.min(qty, Math.abs(s.posQty))
  if (w.checkNotionalAtFill && qty * price < inst.minNotional) {
    return `notional ${qty * price} is below MIN_NOTIONAL ${inst.minNotional}`
  }
  return qty
}

/** How much USDT is missing to open the non-closing part of a fill (0 when enough). */
function shortfall(core: Core, at: { s: SymbolState; w: WorkingOrder }, c: Change): number {
  const { s } = at
  const abs = Math.abs(s.posQty)
  const closing = s.posQty !== 0 && Math.sign(s.posQty) !== c.sign ? Math.min(c.qty, abs) : 0
  const opening = c.qty - closing
  if (opening <= 0) return 0
  const released =
    closing === 0 ? 0 : (s.margin * closing) / abs + Math.sign(s.posQty) * closing * (c.price - s.entryPrice)
  const funds = core.book.availableWithout(s, at.w) + released
  const need = (opening * c.price) / s.leverage + c.fee - funds
  return need > 1e-9 * Math.max(1, Math.abs(funds)) ? need : 0
}

/**
 * Fills a working order completely at `ex.price`: reduce-only orders with nothing to reduce expire,
 * larger ones are cut to the position; an opening fill without the margin is rejected (an event, not
 * a throw). Emits the order update, then the fill; then re-checks the symbol's reduce-only orders.
 */
export function executeOrder(core: Core, at: { s: SymbolState; w: WorkingOrder }, ex: Execution): void {
  const { s, w } = at
  const o = w.order
  const sign = sideSign(o)
  if (o.reduceOnly && !(s.posQty * sign < 0)) {
    finishOrder(core, at, { status: 'EXPIRED', reason: 'reduce-only order: no position to reduce', time: ex.time })
    return
  }
  const qty = fillQuantity(s, w, ex.price)
  if (typeof qty === 'string') {
    finishOrder(core, at, { status: 'REJECTED', reason: qty, time: ex.time })
    return
  }
  const fee = (ex.liquidity === 'maker' ? core.config.makerFee : core.config.takerFee) * qty * ex.price
  change.sign = sign
  change.qty = qty
  change.price = ex.price
  change.time = ex.time
  change.fee = fee
  const missing = shortfall(core, at, change)
  if (missing > 0) {
    const reason = `insufficient margin at fill: ${missing} ${core.config.asset} short`
    finishOrder(core, at, { status: 'REJECTED', reason, time: ex.time })
    return
  }
  core.events.hold()
  try {
    if (qty !== o.quantity && o.quantity > 0)
      o.reason = `reduce-only: quantity cut from ${o.quantity} to the position size ${qty}`
    const realizedPnl = applyToPosition(core, s, change)
    core.book.ledger.recordFill(realizedPnl, fee)
    o.quantity = qty
    o.filledQuantity = qty
    o.averagePrice = ex.price
    filledEnd.time = ex.time
    finishOrder(core, at, filledEnd)
    const id = ++core.ids.fill
    if (core.events.listening) {
      const fill: Fill = {
        id: String(id),
        orderId: o.id,
        clientOrderId: o.clientOrderId,
        symbol: s.symbol,
        side: o.side,
        price: ex.price,
        quantity: qty,
        fee,
        liquidity: ex.liquidity,
        realizedPnl,
        time: ex.time,
        reduceOnly: o.reduceOnly,
        tag: o.tag,
        liquidation: false,
      }
      core.events.emit({ type: 'fill', fill, position: positionView(s) })
    }
    recheckReduceOnly(core, s, ex.time)
  } finally {
    core.events.release()
  }
}

/**
 * Liquidates the whole position at its liquidation price. The isolated margin is lost: what remains of
 * it after the realised loss is the fill's fee (the taker fee, and the rest as liquidation clearance
 * fee), so the margin balance ends at exactly zero and the wallet loses exactly the position's margin.
 */
export function liquidate(core: Core, s: SymbolState, time: number): void {
  const price = s.liqPrice
  const qty = Math.abs(s.posQty)
  const side = s.posQty > 0 ? 'SELL' : 'BUY'
  const realizedPnl = Math.sign(s.posQty) * qty * (price - s.entryPrice)
  const fee = Math.max(0, s.margin + realizedPnl)
  const clearance = Math.max(0, fee - core.config.takerFee * qty * price)
  core.events.hold()
  try {
    s.posQty = 0
    s.entryPrice = 0
    s.margin = 0
    s.openedAt = 0
    s.liqPrice = 0
    s.markPrice = price
    core.book.touch(s)
    core.book.ledger.recordFill(realizedPnl, fee, clearance)
    const id = `liquidation-${++core.ids.liquidation}`
    const fill: Fill = {
      id: String(++core.ids.fill),
      orderId: id,
      clientOrderId: id,
      symbol: s.symbol,
      side,
      price,
      quantity: qty,
      fee,
      liquidity: 'taker',
      realizedPnl,
      time,
      reduceOnly: true,
      tag: 'liquidation',
      liquidation: true,
    }
    core.events.emit({ type: 'liquidation', fill, position: positionView(s) })
    recheckReduceOnly(core, s, time)
  } finally {
    core.events.release()
  }
}

/**
 * After a fill: reduce-only orders that can no longer reduce (flat, or the position is now on their
 * side) expire; those larger than the position are cut to its size (an `order` event says so).
 */
export function recheckReduceOnly(core: Core, s: SymbolState, time: number): void {
  if (s.working === 0) return
  const abs = Math.abs(s.posQty)
  for (const w of s.orders) {
    if (!w.working || !w.order.reduceOnly) continue
    const o = w.order
    if (!(s.posQty * sideSign(o) < 0)) {
      finishOrder(core, { s, w }, { status: 'EXPIRED', reason: 'reduce-only order: position closed or reversed', time })
    } else if (o.quantity > abs) {
      o.reason = `reduce-only: quantity cut from ${o.quantity} to the position size ${abs}`
      o.quantity = abs
      o.updatedAt = time
      core.book.touch(s)
      emitOrder(core, o)
    }
  }
}

/**
 * Applies every funding of `s` due at or before the bar's open to the position held before the bar:
 * `payment = -positionQuantity * markPrice * rate` (longs pay positive rates), valued at the mark
 * candle's open when one is supplied, else at the bar's open.
 */
export function settleFunding(core: Core, s: SymbolState, at: { bar: BarLike; mark: BarLike | undefined }): void {
  const cursor = s.funding!
  const markPrice = (at.mark ?? at.bar).open
  while (cursor.nextTime <= at.bar.openTime) {
    const time = cursor.nextTime
    const rate = cursor.nextRate
    cursor.advance()
    if (s.posQty === 0) continue
    const payment = -s.posQty * markPrice * rate
    core.book.ledger.recordFunding(payment)
    core.book.version++
    const funding = { symbol: s.symbol, time, rate, markPrice, positionQuantity: s.posQty, payment }
    core.events.emit({ type: 'funding', funding })
  }
  s.nextFundingTime = cursor.nextTime
}
