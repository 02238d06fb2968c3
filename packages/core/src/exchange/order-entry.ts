/**
 * Order entry: validates a request, rounds it (through {@link roundOrder}, the one place that rounds),
 * checks venue rules and margin, and builds the working order.
 * @packageDocumentation
 * @internal
 */
import { InsufficientFunds, InvalidOrder } from '../errors.js'
import type { Order, OrderRequest } from '../schemas.js'
import { checkOrderRequest } from './check-request.js'
import { nowOf, type Core } from './core.js'
import { checkMinNotional, roundOrder, type PrecisionAdjustment } from './precision.js'
import { PHASE_OPEN, type SymbolState, type WorkingOrder } from './state.js'

function badField(req: OrderRequest, field: string, why: string): never {
  throw new InvalidOrder(`${req.symbol}: ${field} ${why}`, req.symbol, field)
}

/** Refuses fields that do not belong to the order type (Binance refuses them too, rather than ignoring). */
function checkShape(req: OrderRequest): void {
  const { type } = req
  if (req.price !== undefined && type !== 'LIMIT') badField(req, 'price', 'is only for LIMIT orders')
  if (req.triggerPrice !== undefined && (type === 'MARKET' || type === 'LIMIT')) {
    badField(req, 'triggerPrice', 'is only for STOP_MARKET and TAKE_PROFIT_MARKET orders')
  }
  if (req.quoteQuantity !== undefined && type !== 'MARKET') badField(req, 'quoteQuantity', 'is only for MARKET orders')
  if (req.timeInForce !== undefined && type !== 'LIMIT') badField(req, 'timeInForce', 'is only for LIMIT orders')
}

function describe(adjustments: readonly PrecisionAdjustment[]): string {
  return `rounded to precision: ${adjustments.map((a) => `${a.field} ${a.from} -> ${a.to}`).join(', ')}`
}

/** Reference price for notional and margin checks: limit, trigger, else the last price (NaN before any bar). */
function referencePrice(s: SymbolState, order: Pick<Order, 'price' | 'triggerPrice'>): number {
  return order.price ?? order.triggerPrice ?? s.lastPrice
}

function checkReduceOnly(s: SymbolState, req: OrderRequest): void {
  if (req.reduceOnly !== true || req.type !== 'MARKET') return
  const reducible = s.posQty !== 0 && s.posQty > 0 !== (req.side === 'BUY')
  if (!reducible) {
    const msg = `${s.symbol}: reduce-only MARKET ${req.side} with no ${req.side === 'BUY' ? 'short' : 'long'} position to reduce`
    throw new InvalidOrder(msg, s.symbol, 'reduceOnly')
  }
}

function buildOrder(core: Core, s: SymbolState, req: OrderRequest): WorkingOrder {
  const rounded = roundOrder(s.instrument, req, { strict: core.config.strictPrecision })
  const reduceOnly = req.reduceOnly === true
  const ref = referencePrice(s, rounded)
  const notional = req.quoteQuantity ?? (rounded.quantity ?? 0) * ref
  const checkAtFill = !(notional >= 0)
  if (!checkAtFill) {
    checkMinNotional(s.instrument, {
      notional,
      reduceOnly,
      field: req.quoteQuantity === undefined ? 'quantity' : 'quoteQuantity',
    })
  }
  // Notes are rare: no array unless there is one.
  let reason = rounded.adjustments.length === 0 ? undefined : describe(rounded.adjustments)
  let quantity = rounded.quantity ?? 0
  const reducible = s.posQty !== 0 && s.posQty > 0 !== (req.side === 'BUY')
  if (reduceOnly && reducible && quantity > Math.abs(s.posQty)) {
    const cut = `reduce-only: quantity cut from ${quantity} to the position size ${Math.abs(s.posQty)}`
    reason = reason === undefined ? cut : `${reason}; ${cut}`
    quantity = Math.abs(s.posQty)
  }
  const now = nowOf(core)
  // Ids are given once every check has passed, so refused requests leave no gaps.
  // One object shape for every order (absent fields are undefined, not missing): orders flow through
  // hot code, and varying shapes made those sites megamorphic.
  const order: Order = {
    id: '',
    clientOrderId: req.clientOrderId ?? '',
    symbol: s.symbol,
    side: req.side,
    type: req.type,
    status: 'NEW',
    quantity,
    quoteQuantity: req.quoteQuantity,
    price: rounded.price,
    triggerPrice: rounded.triggerPrice,
    reduceOnly,
    timeInForce: req.type === 'LIMIT' ? (req.timeInForce ?? 'GTC') : undefined,
    filledQuantity: 0,
    averagePrice: 0,
    createdAt: now,
    updatedAt: now,
    tag: req.tag,
    reason,
  }
  return {
    order,
    activeFrom: s.phase === PHASE_OPEN ? s.barSeq : s.barSeq + 1,
    seenOpen: false,
    checkNotionalAtFill: checkAtFill,
    working: true,
  }
}

/** Whether a working order has this clientOrderId (default `paper-<id>` ones are not in the map). */
function clientIdInUse(core: Core, id: string): boolean {
  if (core.clientIds.has(id)) return true
  if (!id.startsWith('paper-')) return false
  return core.book.list.some((s) => s.working > 0 && s.orders.some((w) => w.working && w.order.clientOrderId === id))
}

/**
 * Turns a request into a working order of `s` without registering it.
 * @throws {InvalidOrder} bad request, unknown symbol, wrong fields for the type, duplicate working
 * clientOrderId, precision or quantity limits, min notional, reduce-only MARKET without a position.
 * @throws {InsufficientFunds} when the order's margin and fee estimate exceed the available balance.
 */
export function createOrder(core: Core, request: OrderRequest): { s: SymbolState; w: WorkingOrder } {
  const req = checkOrderRequest(request)
  const s = core.book.states.get(req.symbol)
  if (s === undefined) throw new InvalidOrder(`Unknown symbol ${req.symbol}`, req.symbol, 'symbol')
  checkShape(req)
  if (req.clientOrderId !== undefined && clientIdInUse(core, req.clientOrderId)) {
    const msg = `${req.symbol}: clientOrderId ${req.clientOrderId} is already used by a working order`
    throw new InvalidOrder(msg, req.symbol, 'clientOrderId')
  }
  checkReduceOnly(s, req)
  const w = buildOrder(core, s, req)
  const order = w.order
  const need = core.book.reservationOf(s, w)
  const available = core.book.getAvailable()
  if (need > available) {
    const msg = `${s.symbol}: order needs ${need} ${core.config.asset} of margin and fees, ${available} available`
    throw new InsufficientFunds(msg, s.symbol)
  }
  order.id = String(++core.ids.order)
  if (order.clientOrderId === '') order.clientOrderId = `paper-${order.id}`
  return { s, w }
}
