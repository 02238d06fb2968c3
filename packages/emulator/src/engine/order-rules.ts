/**
 * Binance's checks on a new order, in Binance's error codes: parameters, precision (-1111, -4014,
 * -4023), quantity limits (-4003, -4004, -4005), min notional (-4164, reduce-only exempt),
 * reduce-only (-2022), post-only crossing (-5022), triggers that would fire at once (-2021).
 * @packageDocumentation
 * @internal
 */
import { quantize, type Instrument } from '@quantum/core'
import { BinanceApiError } from '../http/api-error.js'
import type { TimeInForce } from './types.js'

/** Request parameters, as sent (query and form body merged). */
export type Params = ReadonlyMap<string, string>

/** What the rules need to know about the market and the account. */
export interface RuleContext {
  readonly instrument: Instrument
  /** Last price, NaN before any market data. */
  readonly lastPrice: number
  /** Signed position size. */
  readonly position: number
  /** Hedge mode (`POST /fapi/v1/positionSide/dual`) is on. */
  readonly dualSidePosition: boolean
}

/** A validated regular order. */
export interface NewOrderSpec {
  readonly symbol: string
  readonly side: 'BUY' | 'SELL'
  readonly type: 'MARKET' | 'LIMIT'
  readonly quantity: number
  readonly price: number
  readonly timeInForce: TimeInForce
  readonly reduceOnly: boolean
  readonly clientOrderId: string | undefined
}

const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/
const DECIMAL = /^\d+(\.\d+)?$/
/** The types that go to `/fapi/v1/algoOrder`. */
export const ALGO_TYPES = new Set(['STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET', 'TRAILING_STOP_MARKET'])

/** The value of a mandatory parameter. */
export function required(params: Params, name: string): string {
  const v = params.get(name)
  if (v === undefined || v === '') throw new BinanceApiError('ILLEGAL_PARAM', name)
  return v
}

function decimals(text: string): number {
  const frac = text.split('.')[1] ?? ''
  return frac.replace(/0+$/, '').length
}

/** Exactly on the step grid (core's decimal arithmetic, no float tolerance). */
function onGrid(value: number, step: number): boolean {
  return quantize(value, step, 'truncate').exact
}

/** An optional decimal parameter (-1102 when malformed). */
export function decimal(params: Params, name: string): number | undefined {
  const text = params.get(name)
  if (text === undefined) return undefined
  if (!DECIMAL.test(text)) throw new BinanceApiError('ILLEGAL_PARAM', name)
  return Number(text)
}

/** The `quantity` parameter, checked against precision, step and limits (-1111, -4003, -4023, -4004, -4005). */
export function checkQuantity(params: Params, ctx: RuleContext, market: boolean): number {
  const text = required(params, 'quantity')
  const q = decimal(params, 'quantity')!
  const i = ctx.instrument
  if (decimals(text) > i.quantityPrecision) throw new BinanceApiError('BAD_PRECISION')
  if (q <= 0) throw new BinanceApiError('QTY_LESS_THAN_ZERO')
  if (!onGrid(q, i.stepSize)) throw new BinanceApiError('QTY_NOT_INCREASED_BY_STEP_SIZE')
  if (q < i.minQty) throw new BinanceApiError('QTY_LESS_THAN_MIN_QTY')
  if (q > (market ? i.maxMarketQty : i.maxQty)) throw new BinanceApiError('QTY_GREATER_THAN_MAX_QTY')
  return q
}

/** A price parameter, checked against precision and tick (-1111, -4014). */
export function checkPrice(params: Params, name: string, ctx: RuleContext): number {
  const text = required(params, name)
  const p = decimal(params, name)!
  if (decimals(text) > ctx.instrument.pricePrecision) throw new BinanceApiError('BAD_PRECISION')
  if (p <= 0 || !onGrid(p, ctx.instrument.tickSize)) throw new BinanceApiError('PRICE_NOT_INCREASED_BY_TICK_SIZE')
  return p
}

/** The mandatory `side` (-1117). */
export function side(params: Params): 'BUY' | 'SELL' {
  const s = required(params, 'side')
  if (s !== 'BUY' && s !== 'SELL') throw new BinanceApiError('INVALID_SIDE')
  return s
}

/** A `true`/`false` parameter, false when absent (-1102 otherwise). */
export function bool(params: Params, name: string): boolean {
  const v = params.get(name)
  if (v === undefined || v === 'false') return false
  if (v === 'true') return true
  throw new BinanceApiError('ILLEGAL_PARAM', name)
}

/** An optional client id (-4015 when malformed). */
export function clientId(params: Params, name: string): string | undefined {
  const id = params.get(name)
  if (id === undefined) return undefined
  if (!CLIENT_ID.test(id)) throw new BinanceApiError('INVALID_CL_ORD_ID_LEN')
  return id
}

/** -2022: a reduce-only order needs a position on the other side (a larger one is cut to the position by the engine). */
export function checkReduceOnly(ctx: RuleContext, s: 'BUY' | 'SELL'): void {
  const reducible = ctx.position !== 0 && ctx.position > 0 === (s === 'SELL')
  if (!reducible) throw new BinanceApiError('REDUCE_ONLY_REJECT')
}

/** -4164 below the symbol's min notional. */
export function checkNotional(ctx: RuleContext, notional: number): void {
  if (notional < ctx.instrument.minNotional) throw new BinanceApiError('MIN_NOTIONAL', ctx.instrument.minNotional)
}

/**
 * `positionSide` against the account's position mode: -4061 when it does not match; in hedge mode
 * LONG/SHORT are refused with -2010 (hedge-mode trading is not emulated).
 */
export function checkPositionSide(params: Params, ctx: RuleContext): void {
  const ps = params.get('positionSide') ?? 'BOTH'
  if (ps !== 'BOTH' && ps !== 'LONG' && ps !== 'SHORT') throw new BinanceApiError('ILLEGAL_PARAM', 'positionSide')
  if ((ps === 'BOTH') === ctx.dualSidePosition) throw new BinanceApiError('POSITION_SIDE_NOT_MATCH')
  if (ctx.dualSidePosition) throw new BinanceApiError('NEW_ORDER_REJECTED', 'hedge-mode orders are not emulated')
}

/** -5022: a post-only (GTX) limit at `price` would cross the last price. */
export function checkPostOnly(ctx: RuleContext, s: 'BUY' | 'SELL', price: number): void {
  if (!Number.isFinite(ctx.lastPrice)) return
  const crosses = s === 'BUY' ? price >= ctx.lastPrice + ctx.instrument.tickSize : price <= ctx.lastPrice
  if (crosses) throw new BinanceApiError('POST_ONLY_REJECT')
}

/** The `timeInForce` of a limit order (-1115). */
export function timeInForce(params: Params, fallback?: TimeInForce): TimeInForce {
  const tif = fallback === undefined ? required(params, 'timeInForce') : (params.get('timeInForce') ?? fallback)
  if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK' && tif !== 'GTX') throw new BinanceApiError('INVALID_TIF')
  return tif
}

/**
 * Checks a `POST /fapi/v1/order` request.
 * @throws {BinanceApiError} with Binance's code for the first rule broken.
 */
export function checkNewOrder(params: Params, ctx: RuleContext): NewOrderSpec {
  const s = side(params)
  checkPositionSide(params, ctx)
  const type = required(params, 'type')
  if (ALGO_TYPES.has(type)) throw new BinanceApiError('ALGO_ONLY_ORDER_TYPE')
  if (type !== 'MARKET' && type !== 'LIMIT') throw new BinanceApiError('INVALID_ORDER_TYPE')
  const clientOrderId = clientId(params, 'newClientOrderId')
  const quantity = checkQuantity(params, ctx, type === 'MARKET')
  const reduceOnly = bool(params, 'reduceOnly')
  let price = 0
  let tif: TimeInForce = 'GTC'
  if (type === 'LIMIT') {
    price = checkPrice(params, 'price', ctx)
    tif = timeInForce(params)
  } else if (params.has('price')) {
    throw new BinanceApiError('BAD_COMBINATION', "Parameter 'price' sent when not required.")
  }
  if (reduceOnly) checkReduceOnly(ctx, s)
  const ref = type === 'LIMIT' ? price : ctx.lastPrice
  if (!reduceOnly && Number.isFinite(ref)) checkNotional(ctx, quantity * ref)
  if (type === 'MARKET' && !Number.isFinite(ctx.lastPrice)) {
    throw new BinanceApiError('NEW_ORDER_REJECTED', 'no market price yet (push a bar first)')
  }
  if (tif === 'GTX') checkPostOnly(ctx, s, price)
  return {
    symbol: ctx.instrument.symbol,
    side: s,
    type,
    quantity,
    price,
    timeInForce: tif,
    reduceOnly,
    clientOrderId,
  }
}
