/**
 * History and lookup endpoints that reconciliation and funding accounting use: every order of a symbol
 * (`allOrders`, `allAlgoOrders`), one open order (`openOrder`), the wallet's income (`income`) and the
 * isolated margin history (`positionMargin/history`). Parameters are read strictly (see `params.ts`).
 * @packageDocumentation
 * @internal
 */
import { algoJson, num, orderJson } from '../engine/format.js'
import { required } from '../engine/order-rules.js'
import type { IncomeRecord, IncomeType } from '../engine/types.js'
import { BinanceApiError } from './api-error.js'
import { findOrder } from './order-routes.js'
import { checkKnown, limitOf, long, pick, timeWindow } from './params.js'
import { w, type RequestContext, type Route } from './route.js'

const DAY = 86_400_000

/** Binance's income types (`GET /fapi/v1/income?incomeType=`); the emulator books TRANSFER, REALIZED_PNL, COMMISSION, FUNDING_FEE and INSURANCE_CLEAR. */
const INCOME_TYPES = new Set([
  'TRANSFER',
  'REALIZED_PNL',
  'COMMISSION',
  'FUNDING_FEE',
  'WELCOME_BONUS',
  'INSURANCE_CLEAR',
  'REFERRAL_KICKBACK',
  'COMMISSION_REBATE',
  'API_REBATE',
  'CONTEST_REWARD',
  'CROSS_COLLATERAL_TRANSFER',
  'OPTIONS_PREMIUM_FEE',
  'OPTIONS_SETTLE_PROFIT',
  'INTERNAL_TRANSFER',
  'AUTO_EXCHANGE',
  'DELIVERED_SETTELMENT',
  'COIN_SWAP_DEPOSIT',
  'COIN_SWAP_WITHDRAW',
  'POSITION_LIMIT_INCREASE_FEE',
  'STRATEGY_UMFUTURES_TRANSFER',
  'FEE_RETURN',
  'BFUSD_REWARD',
])

/** The mandatory `symbol`, listed (-1102, -1121). */
function symbolOf(ctx: RequestContext): string {
  return ctx.venue.instrument(required(ctx.params, 'symbol')).symbol
}

/**
 * `GET /fapi/v1/allOrders`: the symbol's orders by id, oldest first. With `orderId`, the first `limit`
 * from that id on; else those created in the `startTime`/`endTime` window (at most 7 days; the last 7
 * days by default). Orders Binance no longer finds (cancelled or expired unfilled, older than 3 days)
 * are left out.
 */
function allOrders(ctx: RequestContext): unknown[] {
  checkKnown(ctx.params, ['symbol', 'orderId', 'startTime', 'endTime', 'limit'])
  const symbol = symbolOf(ctx)
  const { venue, params } = ctx
  const fromId = long(params, 'orderId')
  const window = timeWindow(params, ctx.now, { span: 7 * DAY })
  const limit = limitOf(params, 500, 1000)
  const mine = [...venue.orders.values()]
    .filter((o) => o.symbol === symbol && venue.isQueryable(o, ctx.now))
    .sort((a, b) => a.orderId - b.orderId)
  const rows =
    fromId === undefined
      ? pick(mine, (o) => o.time, { window, limit })
      : mine.filter((o) => o.orderId >= fromId).slice(0, limit)
  const i = venue.instrument(symbol)
  return rows.map((o) => orderJson(o, i, 'query'))
}

/** `GET /fapi/v1/allAlgoOrders`: the symbol's conditional orders, as {@link allOrders} (by `algoId`). */
function allAlgoOrders(ctx: RequestContext): unknown[] {
  checkKnown(ctx.params, ['symbol', 'algoId', 'startTime', 'endTime', 'page', 'limit'])
  const symbol = symbolOf(ctx)
  const { venue, params } = ctx
  const fromId = long(params, 'algoId')
  long(params, 'page')
  const window = timeWindow(params, ctx.now, { span: 7 * DAY })
  const limit = limitOf(params, 500, 1000)
  const mine = [...venue.algos.values()].filter((a) => a.symbol === symbol).sort((a, b) => a.algoId - b.algoId)
  const rows =
    fromId === undefined
      ? pick(mine, (a) => a.createTime, { window, limit })
      : mine.filter((a) => a.algoId >= fromId).slice(0, limit)
  const i = venue.instrument(symbol)
  return rows.map((a) => algoJson(a, i))
}

/** `GET /fapi/v1/openOrder`: one open order by `orderId` or `origClientOrderId`; -2013 once it is closed. */
function openOrder(ctx: RequestContext): Record<string, unknown> {
  checkKnown(ctx.params, ['symbol', 'orderId', 'origClientOrderId'])
  long(ctx.params, 'orderId')
  const order = findOrder(ctx, 'NO_SUCH_ORDER_QUERY')
  if (!ctx.venue.isOpen(order)) throw new BinanceApiError('NO_SUCH_ORDER_QUERY')
  return orderJson(order, ctx.venue.instrument(order.symbol), 'query')
}

function incomeJson(r: IncomeRecord): Record<string, unknown> {
  return {
    symbol: r.symbol,
    incomeType: r.incomeType,
    income: num(r.income),
    asset: 'USDT',
    info: r.incomeType,
    time: r.time,
    tranId: r.tranId,
    tradeId: r.tradeId,
  }
}

/**
 * `GET /fapi/v1/income`: the wallet's changes, oldest first, optionally of one `symbol` and one
 * `incomeType` (-1130 for a type Binance does not have); the `startTime`/`endTime` window (the last 7
 * days by default, any length when both are sent), `limit` (100, at most 1000) rows per `page` (from 1).
 */
function income(ctx: RequestContext): unknown[] {
  const { params, venue } = ctx
  checkKnown(params, ['symbol', 'incomeType', 'startTime', 'endTime', 'page', 'limit'])
  const symbol = params.has('symbol') ? symbolOf(ctx) : undefined
  const type = params.get('incomeType')
  if (type !== undefined && !INCOME_TYPES.has(type)) throw new BinanceApiError('INVALID_PARAMETER', 'incomeType')
  const page = long(params, 'page') ?? 1
  if (page < 1) throw new BinanceApiError('INVALID_PARAMETER', 'page')
  const limit = limitOf(params, 100, 1000)
  // Binance: the last 7 days without times; any window otherwise (it keeps 3 months)
  const window = timeWindow(params, ctx.now, { span: 7 * DAY, max: Number.POSITIVE_INFINITY })
  const rows = venue.income.filter(
    (r) =>
      (symbol === undefined || r.symbol === symbol) &&
      (type === undefined || r.incomeType === (type as IncomeType)) &&
      r.time >= window.from &&
      r.time <= window.to,
  )
  const n = rows.length
  const slice = window.fromStart
    ? rows.slice((page - 1) * limit, page * limit)
    : rows.slice(Math.max(0, n - page * limit), n - (page - 1) * limit)
  return slice.map(incomeJson)
}

/**
 * `GET /fapi/v1/positionMargin/history`: margin moved into (`type` 1) and out of (2) the symbol's
 * ISOLATED position by trades (`deltaType` TRADE), in the `startTime`/`endTime` window (at most 30 days;
 * the last 30 days by default), oldest first, `limit` 500.
 */
function marginHistory(ctx: RequestContext): unknown[] {
  const { params, venue } = ctx
  checkKnown(params, ['symbol', 'type', 'startTime', 'endTime', 'limit', 'positionSide'])
  const symbol = symbolOf(ctx)
  const type = long(params, 'type')
  if (type !== undefined && type !== 1 && type !== 2) throw new BinanceApiError('INVALID_PARAMETER', 'type')
  const side = params.get('positionSide')
  if (side !== undefined && side !== 'BOTH') throw new BinanceApiError('INVALID_PARAMETER', 'positionSide')
  const window = timeWindow(params, ctx.now, { span: 30 * DAY })
  const rows = venue.marginHistory.filter((m) => m.symbol === symbol && (type === undefined || m.type === type))
  return pick(rows, (m) => m.time, { window, limit: limitOf(params, 500, 1000) }).map((m) => ({
    symbol: m.symbol,
    type: m.type,
    deltaType: m.deltaType,
    amount: num(m.amount),
    asset: 'USDT',
    time: m.time,
    positionSide: 'BOTH',
    clientTranId: '',
  }))
}

/** The history and lookup endpoints. */
export const historyRoutes: readonly Route[] = [
  { method: 'GET', path: '/fapi/v1/allOrders', security: 'SIGNED', weight: w(5), handle: allOrders },
  { method: 'GET', path: '/fapi/v1/allAlgoOrders', security: 'SIGNED', weight: w(5), handle: allAlgoOrders },
  { method: 'GET', path: '/fapi/v1/openOrder', security: 'SIGNED', weight: w(1), handle: openOrder },
  { method: 'GET', path: '/fapi/v1/income', security: 'SIGNED', weight: w(30), handle: income },
  { method: 'GET', path: '/fapi/v1/positionMargin/history', security: 'SIGNED', weight: w(1), handle: marginHistory },
]
