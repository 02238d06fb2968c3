/**
 * Signed trading endpoints: orders (new, modify, query, cancel), conditional (algo) orders, open orders,
 * cancel-all, user trades, batch orders.
 * @packageDocumentation
 * @internal
 */
import { algoJson, orderJson, tradeJson } from '../engine/format.js'
import { checkNewAlgo } from '../engine/algo-rules.js'
import { checkAmend } from '../engine/amend-rules.js'
import { checkNewOrder, checkPostOnly, required, type Params, type RuleContext } from '../engine/order-rules.js'
import type { AlgoOrder, VenueOrder } from '../engine/types.js'
import type { Venue } from '../engine/venue.js'
import { BinanceApiError } from './api-error.js'
import { bySymbol, w, type RequestContext, type Route } from './route.js'

function ruleContext(venue: Venue, symbol: string | undefined): RuleContext {
  const instrument = venue.instrument(symbol)
  return {
    instrument,
    lastPrice: venue.paper.account.getLastPrice(instrument.symbol),
    position: venue.positionQty(instrument.symbol),
    dualSidePosition: venue.dualSidePosition,
  }
}

/** The order as a lookup answers it (`time`, no `cumQty`). */
function json(venue: Venue, o: VenueOrder): Record<string, unknown> {
  return orderJson(o, venue.instrument(o.symbol), 'query')
}

/** The order as a new, modified or cancelled order's reply carries it (`cumQty`, no `time`). */
function reply(venue: Venue, o: VenueOrder): Record<string, unknown> {
  return orderJson(o, venue.instrument(o.symbol), 'reply')
}

function algo(venue: Venue, a: AlgoOrder): Record<string, unknown> {
  return algoJson(a, venue.instrument(a.symbol))
}

/**
 * The order named by `orderId` or `origClientOrderId` (in `params`, the request's by default); `missing`
 * when there is none, or when Binance no longer finds it (see {@link Venue.isQueryable}).
 */
export function findOrder(
  ctx: RequestContext,
  missing: 'NO_SUCH_ORDER' | 'NO_SUCH_ORDER_QUERY',
  params: Params = ctx.params,
): VenueOrder {
  const symbol = ctx.venue.instrument(required(params, 'symbol')).symbol
  const id = params.get('orderId')
  const clientId = params.get('origClientOrderId')
  if (id === undefined && clientId === undefined) throw new BinanceApiError('ILLEGAL_PARAM', 'orderId')
  let found: VenueOrder | undefined
  if (id !== undefined) found = ctx.venue.orders.get(Number(id))
  else {
    // The newest order with that client id (an id may be reused once the earlier order is closed).
    for (const o of ctx.venue.orders.values()) if (o.clientOrderId === clientId) found = o
  }
  if (found === undefined || found.symbol !== symbol || !ctx.venue.isQueryable(found, ctx.now)) {
    throw new BinanceApiError(missing)
  }
  return found
}

function findAlgo(ctx: RequestContext, missing: 'NO_SUCH_ORDER' | 'NO_SUCH_ORDER_QUERY'): AlgoOrder {
  const id = ctx.params.get('algoId')
  const clientId = ctx.params.get('clientAlgoId')
  if (id === undefined && clientId === undefined) throw new BinanceApiError('ILLEGAL_PARAM', 'algoId')
  let found: AlgoOrder | undefined
  if (id !== undefined) found = ctx.venue.algos.get(Number(id))
  else for (const a of ctx.venue.algos.values()) if (a.clientAlgoId === clientId) found = a
  const symbol = ctx.params.get('symbol')
  if (found === undefined || (symbol !== undefined && found.symbol !== symbol)) throw new BinanceApiError(missing)
  return found
}

function newOrder(ctx: RequestContext, params: Params = ctx.params): Record<string, unknown> {
  const spec = checkNewOrder(params, ruleContext(ctx.venue, params.get('symbol')))
  return reply(ctx.venue, ctx.venue.placeOrder(spec, ctx.executionPlan()))
}

/**
 * `PUT /fapi/v1/order`: -2013 for an unknown order, -2011 for one no longer open. A post-only order whose
 * new price would cross is cancelled by the amendment (Binance) and the reply is -5022.
 */
function amendOrder(ctx: RequestContext, params: Params = ctx.params): Record<string, unknown> {
  const { venue } = ctx
  const order = findOrder(ctx, 'NO_SUCH_ORDER_QUERY', params)
  if (!venue.isOpen(order)) throw new BinanceApiError('NO_SUCH_ORDER')
  const rules = ruleContext(venue, order.symbol)
  const change = checkAmend(params, order, rules)
  if (order.timeInForce === 'GTX') {
    try {
      checkPostOnly(rules, order.side, change.price)
    } catch (error) {
      venue.cancelOrder(order)
      throw error
    }
  }
  return reply(venue, venue.amendOrder(order, change))
}

/** The JSON list of a batch parameter: 1 to `max` entries (-1102 otherwise). */
function jsonList(params: Params, name: string, max: number): unknown[] {
  let list: unknown
  try {
    list = JSON.parse(required(params, name))
  } catch {
    throw new BinanceApiError('ILLEGAL_PARAM', name)
  }
  if (!Array.isArray(list) || list.length === 0 || list.length > max) throw new BinanceApiError('ILLEGAL_PARAM', name)
  return list
}

/**
 * Runs `one` on each entry of the `batchOrders` JSON list (at most 5 objects): the reply has one order or
 * one `{code, msg}` error per entry, in order, as Binance answers batches.
 */
function batch(ctx: RequestContext, one: (params: Params) => Record<string, unknown>): unknown[] {
  return jsonList(ctx.params, 'batchOrders', 5).map((item) => {
    try {
      if (typeof item !== 'object' || item === null) throw new BinanceApiError('ILLEGAL_PARAM', 'batchOrders')
      return one(new Map(Object.entries(item as Record<string, unknown>).map(([k, v]) => [k, String(v)])))
    } catch (error) {
      if (error instanceof BinanceApiError) return error.toJSON()
      throw error
    }
  })
}

/**
 * An id list as Binance reads it: `[1,2]` or `["a","b"]`, and also unquoted `[a,b]` (what ccxt sends for
 * client ids); 1 to `max` entries (-1102 otherwise).
 */
function idList(text: string, name: string, max: number): string[] {
  const m = /^\[(.*)\]$/.exec(text.trim())
  const ids = (m?.[1] ?? '')
    .split(',')
    .map((x) => x.trim().replace(/^"(.*)"$/, '$1'))
    .filter((x) => x !== '')
  if (m === null || ids.length === 0 || ids.length > max) throw new BinanceApiError('ILLEGAL_PARAM', name)
  return ids
}

/**
 * `DELETE /fapi/v1/batchOrders`: `orderIdList` or `origClientOrderIdList` (Binance also reads the
 * all-lowercase names ccxt sends), at most 10 ids of the mandatory `symbol`; one cancelled order or
 * error per id.
 */
function cancelBatch(ctx: RequestContext): unknown[] {
  const symbol = required(ctx.params, 'symbol')
  const p = ctx.params
  const ids = p.get('orderIdList') ?? p.get('orderidlist')
  const clientIds = p.get('origClientOrderIdList') ?? p.get('origclientorderidlist')
  if (ids === undefined && clientIds === undefined) throw new BinanceApiError('ILLEGAL_PARAM', 'orderIdList')
  const key = ids !== undefined ? 'orderId' : 'origClientOrderId'
  const list = ids !== undefined ? idList(ids, 'orderIdList', 10) : idList(clientIds!, 'origClientOrderIdList', 10)
  return list.map((id) => {
    try {
      const params = new Map([
        ['symbol', symbol],
        [key, id],
      ])
      return reply(ctx.venue, ctx.venue.cancelOrder(findOrder(ctx, 'NO_SUCH_ORDER', params)))
    } catch (error) {
      if (error instanceof BinanceApiError) return error.toJSON()
      throw error
    }
  })
}

function userTrades(ctx: RequestContext): unknown[] {
  const symbol = ctx.venue.instrument(required(ctx.params, 'symbol')).symbol
  const p = ctx.params
  const start = p.has('startTime') ? Number(p.get('startTime')) : undefined
  const end = p.has('endTime') ? Number(p.get('endTime')) : undefined
  const fromId = p.has('fromId') ? Number(p.get('fromId')) : undefined
  const orderId = p.has('orderId') ? Number(p.get('orderId')) : undefined
  const limit = Math.min(Number(p.get('limit') ?? 500), 1000)
  const rows = ctx.venue.trades.filter(
    (t) =>
      t.symbol === symbol &&
      (start === undefined || t.time >= start) &&
      (end === undefined || t.time <= end) &&
      (fromId === undefined || t.id >= fromId) &&
      (orderId === undefined || t.orderId === orderId),
  )
  const picked = start !== undefined || fromId !== undefined ? rows.slice(0, limit) : rows.slice(-limit)
  const i = ctx.venue.instrument(symbol)
  return picked.map((t) => tradeJson(t, i))
}

/** The open orders (or algo orders) of `symbol`, or of every symbol when it is not sent. */
function openSymbol(ctx: RequestContext, list: (venue: Venue, symbol: string | undefined) => unknown[]): unknown[] {
  const symbol = ctx.params.get('symbol')
  if (symbol !== undefined) ctx.venue.instrument(symbol)
  return list(ctx.venue, symbol)
}

/** Cancels every open order (or algo order) of the mandatory `symbol`. */
function cancelAll(ctx: RequestContext, cancel: (venue: Venue, symbol: string) => void): Record<string, unknown> {
  cancel(ctx.venue, ctx.venue.instrument(required(ctx.params, 'symbol')).symbol)
  return { code: 200, msg: 'The operation of cancel all open order is done.' }
}

/** The trading endpoints. */
export const orderRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/fapi/v1/order',
    security: 'SIGNED',
    weight: w(1),
    order: true,
    handle: (ctx) => newOrder(ctx),
  },
  { method: 'PUT', path: '/fapi/v1/order', security: 'SIGNED', weight: w(1), order: true, handle: amendOrder },
  {
    method: 'POST',
    path: '/fapi/v1/batchOrders',
    security: 'SIGNED',
    weight: w(5),
    order: true,
    handle: (ctx) => batch(ctx, (p) => newOrder(ctx, p)),
  },
  {
    method: 'PUT',
    path: '/fapi/v1/batchOrders',
    security: 'SIGNED',
    weight: w(5),
    order: true,
    handle: (ctx) => batch(ctx, (p) => amendOrder(ctx, p)),
  },
  { method: 'DELETE', path: '/fapi/v1/batchOrders', security: 'SIGNED', weight: w(1), handle: cancelBatch },
  {
    method: 'GET',
    path: '/fapi/v1/order',
    security: 'SIGNED',
    weight: w(1),
    handle: (ctx) => json(ctx.venue, findOrder(ctx, 'NO_SUCH_ORDER_QUERY')),
  },
  {
    method: 'DELETE',
    path: '/fapi/v1/order',
    security: 'SIGNED',
    weight: w(1),
    handle: (ctx) => reply(ctx.venue, ctx.venue.cancelOrder(findOrder(ctx, 'NO_SUCH_ORDER'))),
  },
  {
    method: 'GET',
    path: '/fapi/v1/openOrders',
    security: 'SIGNED',
    weight: bySymbol(1, 40),
    handle: (ctx) => openSymbol(ctx, (v, symbol) => v.openOrders(symbol).map((o) => json(v, o))),
  },
  {
    method: 'DELETE',
    path: '/fapi/v1/allOpenOrders',
    security: 'SIGNED',
    weight: w(1),
    handle: (ctx) => cancelAll(ctx, (v, symbol) => v.openOrders(symbol).forEach((o) => v.cancelOrder(o))),
  },
  {
    method: 'POST',
    path: '/fapi/v1/algoOrder',
    security: 'SIGNED',
    weight: w(1),
    order: true,
    handle: (ctx) => {
      const spec = checkNewAlgo(ctx.params, ruleContext(ctx.venue, ctx.params.get('symbol')))
      return algo(ctx.venue, ctx.venue.placeAlgo(spec))
    },
  },
  {
    method: 'GET',
    path: '/fapi/v1/algoOrder',
    security: 'SIGNED',
    weight: w(1),
    handle: (ctx) => algo(ctx.venue, findAlgo(ctx, 'NO_SUCH_ORDER_QUERY')),
  },
  {
    method: 'DELETE',
    path: '/fapi/v1/algoOrder',
    security: 'SIGNED',
    weight: w(1),
    handle: (ctx) => {
      const a = ctx.venue.cancelAlgo(findAlgo(ctx, 'NO_SUCH_ORDER'))
      return { algoId: a.algoId, clientAlgoId: a.clientAlgoId, code: '200', msg: 'success' }
    },
  },
  {
    method: 'GET',
    path: '/fapi/v1/openAlgoOrders',
    security: 'SIGNED',
    weight: bySymbol(1, 40),
    handle: (ctx) => openSymbol(ctx, (v, symbol) => v.openAlgos(symbol).map((a) => algo(v, a))),
  },
  {
    method: 'DELETE',
    path: '/fapi/v1/algoOpenOrders',
    security: 'SIGNED',
    weight: w(1),
    handle: (ctx) => cancelAll(ctx, (v, symbol) => v.openAlgos(symbol).forEach((a) => v.cancelAlgo(a))),
  },
  { method: 'GET', path: '/fapi/v1/userTrades', security: 'SIGNED', weight: w(5), handle: userTrades },
]
