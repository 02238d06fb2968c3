/**
 * Binance's checks on a new conditional (algo) order: STOP_MARKET / TAKE_PROFIT_MARKET, the limit
 * variants STOP / TAKE_PROFIT (`price` once triggered) and TRAILING_STOP_MARKET (`callbackRate` 0.1–10 %,
 * optional `activatePrice`), in Binance's error codes.
 * @packageDocumentation
 * @internal
 */
import { BinanceApiError } from '../http/api-error.js'
import {
  bool,
  checkNotional,
  checkPositionSide,
  checkPrice,
  checkQuantity,
  clientId,
  decimal,
  required,
  side,
  timeInForce,
  type Params,
  type RuleContext,
} from './order-rules.js'
import type { AlgoType, TimeInForce } from './types.js'

/** A validated conditional (algo) order. */
export interface NewAlgoSpec {
  readonly symbol: string
  readonly side: 'BUY' | 'SELL'
  readonly type: AlgoType
  /** 0 with closePosition. */
  readonly quantity: number
  /** Trigger price; for TRAILING_STOP_MARKET the activation price (0 when not sent). */
  readonly triggerPrice: number
  /** Limit price of STOP / TAKE_PROFIT, else 0. */
  readonly price: number
  readonly timeInForce: TimeInForce
  /** TRAILING_STOP_MARKET retracement in percent, else 0. */
  readonly callbackRate: number
  readonly reduceOnly: boolean
  readonly closePosition: boolean
  readonly workingType: 'CONTRACT_PRICE' | 'MARK_PRICE'
  readonly clientAlgoId: string | undefined
}

const TYPES: ReadonlySet<string> = new Set<AlgoType>([
  'STOP_MARKET',
  'TAKE_PROFIT_MARKET',
  'STOP',
  'TAKE_PROFIT',
  'TRAILING_STOP_MARKET',
])

/** Binance's callbackRate range, percent. */
const CALLBACK_RATE = { min: 0.1, max: 10 }

/** True when a stop of this type and side fires on a price at or above its trigger. */
export function firesAbove(type: AlgoType, s: 'BUY' | 'SELL'): boolean {
  const stop = type === 'STOP_MARKET' || type === 'STOP' || type === 'TRAILING_STOP_MARKET'
  return stop === (s === 'BUY')
}

function checkCallbackRate(params: Params): number {
  const rate = decimal(params, 'callbackRate')
  if (rate === undefined) throw new BinanceApiError('ILLEGAL_PARAM', 'callbackRate')
  if (rate < CALLBACK_RATE.min || rate > CALLBACK_RATE.max) {
    throw new BinanceApiError('INVALID_PARAMETER', 'callbackRate')
  }
  return rate
}

/** TRAILING_STOP_MARKET: `activatePrice` (Binance's algo name; ccxt's `activationPrice` is not read). */
function checkActivatePrice(params: Params, ctx: RuleContext, s: 'BUY' | 'SELL'): number {
  if (!params.has('activatePrice')) return 0
  const p = checkPrice(params, 'activatePrice', ctx)
  // A SELL trailing stop protects a long: it activates when the price rises to activatePrice.
  if (Number.isFinite(ctx.lastPrice) && (s === 'SELL' ? p <= ctx.lastPrice : p >= ctx.lastPrice)) {
    throw new BinanceApiError('INVALID_ACTIVATION_PRICE')
  }
  return p
}

/**
 * Checks a `POST /fapi/v1/algoOrder` request (`algoType=CONDITIONAL`).
 * @throws {BinanceApiError} with Binance's code for the first rule broken.
 */
export function checkNewAlgo(params: Params, ctx: RuleContext): NewAlgoSpec {
  if (required(params, 'algoType') !== 'CONDITIONAL') throw new BinanceApiError('ILLEGAL_PARAM', 'algoType')
  const s = side(params)
  checkPositionSide(params, ctx)
  const type = required(params, 'type')
  if (!TYPES.has(type)) throw new BinanceApiError('INVALID_ORDER_TYPE')
  const t = type as AlgoType
  const limit = t === 'STOP' || t === 'TAKE_PROFIT'
  const trailing = t === 'TRAILING_STOP_MARKET'
  const clientAlgoId = clientId(params, 'clientAlgoId')
  const callbackRate = trailing ? checkCallbackRate(params) : 0
  const triggerPrice = trailing ? checkActivatePrice(params, ctx, s) : checkPrice(params, 'triggerPrice', ctx)
  const price = limit ? checkPrice(params, 'price', ctx) : 0
  const tif = limit ? timeInForce(params, 'GTC') : 'GTC'
  const closePosition = bool(params, 'closePosition')
  const reduceOnly = bool(params, 'reduceOnly')
  if (closePosition && (limit || trailing)) throw new BinanceApiError('TARGET_STRATEGY_INVALID', t, 'true')
  if (closePosition && (params.has('quantity') || reduceOnly)) {
    throw new BinanceApiError('BAD_COMBINATION', 'closePosition cannot be sent with quantity or reduceOnly.')
  }
  const quantity = closePosition ? 0 : checkQuantity(params, ctx, !limit)
  const wt = params.get('workingType') ?? 'CONTRACT_PRICE'
  if (wt !== 'CONTRACT_PRICE' && wt !== 'MARK_PRICE') throw new BinanceApiError('ILLEGAL_PARAM', 'workingType')
  const reference = limit ? price : trailing ? ctx.lastPrice : triggerPrice
  if (!reduceOnly && !closePosition && Number.isFinite(reference)) checkNotional(ctx, quantity * reference)
  const last = ctx.lastPrice
  if (!trailing && Number.isFinite(last) && (firesAbove(t, s) ? triggerPrice <= last : triggerPrice >= last)) {
    throw new BinanceApiError('ORDER_WOULD_IMMEDIATELY_TRIGGER')
  }
  return {
    symbol: ctx.instrument.symbol,
    side: s,
    type: t,
    quantity,
    triggerPrice,
    price,
    timeInForce: tif,
    callbackRate,
    reduceOnly,
    closePosition,
    workingType: wt,
    clientAlgoId,
  }
}
