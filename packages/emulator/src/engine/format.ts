/**
 * Binance's JSON shapes for the emulator's records: numbers as decimal strings, every field the
 * research note lists (`../shared/research/exchange.md` §7 and §4).
 * @packageDocumentation
 * @internal
 */
import type { Instrument, Position } from '@quantum/core'
import type { AlgoOrder, VenueOrder, VenueTrade } from './types.js'

/** A number as Binance writes it: fixed decimals, no exponent (`0` stays `"0"` when `decimals` is 0). */
export function num(value: number, decimals = 8): string {
  if (!Number.isFinite(value)) return '0'
  const fixed = value.toFixed(decimals)
  return fixed === `-${(0).toFixed(decimals)}` ? (0).toFixed(decimals) : fixed
}

/** Quantity with the instrument's quantity precision. */
export function qty(instrument: Instrument, value: number): string {
  return num(value, instrument.quantityPrecision)
}

/** Price with the instrument's price precision. */
export function px(instrument: Instrument, value: number): string {
  return num(value, instrument.pricePrecision)
}

/** `POST/GET/DELETE /fapi/v1/order` body. */
export function orderJson(order: VenueOrder, instrument: Instrument): Record<string, unknown> {
  const avg = order.executedQty > 0 ? order.cumQuote / order.executedQty : 0
  return {
    orderId: order.orderId,
    symbol: order.symbol,
    status: order.status,
    clientOrderId: order.clientOrderId,
    price: px(instrument, order.price),
    avgPrice: num(avg, Math.max(instrument.pricePrecision, 5)),
    origQty: qty(instrument, order.origQty),
    executedQty: qty(instrument, order.executedQty),
    cumQty: qty(instrument, order.executedQty),
    cumQuote: num(order.cumQuote, 5),
    timeInForce: order.timeInForce,
    type: order.type,
    reduceOnly: order.reduceOnly,
    closePosition: order.closePosition,
    side: order.side,
    positionSide: 'BOTH',
    stopPrice: px(instrument, order.stopPrice),
    workingType: order.workingType,
    priceProtect: false,
    origType: order.origType,
    priceMatch: 'NONE',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    goodTillDate: 0,
    time: order.time,
    updateTime: order.updateTime,
  }
}

/** `/fapi/v1/algoOrder` body. */
export function algoJson(algo: AlgoOrder, instrument: Instrument): Record<string, unknown> {
  return {
    algoId: algo.algoId,
    clientAlgoId: algo.clientAlgoId,
    algoType: 'CONDITIONAL',
    orderType: algo.orderType,
    symbol: algo.symbol,
    side: algo.side,
    positionSide: 'BOTH',
    timeInForce: algo.timeInForce,
    quantity: qty(instrument, algo.quantity),
    algoStatus: algo.algoStatus,
    actualOrderId: algo.orderId === undefined ? '' : String(algo.orderId),
    actualPrice: px(instrument, algo.avgPrice),
    triggerPrice: px(instrument, algo.triggerPrice),
    price: px(instrument, algo.price),
    ...trailingJson(algo, instrument),
    icebergQuantity: null,
    tpTriggerPrice: px(instrument, 0),
    tpPrice: px(instrument, 0),
    slTriggerPrice: px(instrument, 0),
    slPrice: px(instrument, 0),
    tpOrderType: '',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    workingType: algo.workingType,
    priceMatch: 'NONE',
    closePosition: algo.closePosition,
    priceProtect: false,
    reduceOnly: algo.reduceOnly,
    createTime: algo.createTime,
    updateTime: algo.updateTime,
    triggerTime: algo.triggerTime,
    goodTillDate: 0,
  }
}

/** `activatePrice` and `callbackRate` of a TRAILING_STOP_MARKET order (nothing for other types). */
function trailingJson(algo: AlgoOrder, instrument: Instrument): Record<string, string> {
  if (algo.orderType !== 'TRAILING_STOP_MARKET') return {}
  return { activatePrice: px(instrument, algo.triggerPrice), callbackRate: String(algo.callbackRate) }
}

/** `/fapi/v1/userTrades` row. */
export function tradeJson(trade: VenueTrade, instrument: Instrument): Record<string, unknown> {
  return {
    symbol: trade.symbol,
    id: trade.id,
    orderId: trade.orderId,
    side: trade.side,
    price: px(instrument, trade.price),
    qty: qty(instrument, trade.qty),
    realizedPnl: num(trade.realizedPnl),
    quoteQty: num(trade.price * trade.qty, 5),
    commission: num(trade.commission),
    commissionAsset: 'USDT',
    time: trade.time,
    positionSide: 'BOTH',
    maker: trade.maker,
    buyer: trade.side === 'BUY',
  }
}

/** What the position and account shapes need beyond the engine's {@link Position}. */
export interface PositionExtras {
  readonly instrument: Instrument
  readonly marginType: 'ISOLATED' | 'CROSSED'
  readonly maintMargin: number
  readonly maxNotional: number
  readonly time: number
}

/** `GET /fapi/v3/positionRisk` row (v2 fields included). */
export function positionRiskJson(p: Position, x: PositionExtras): Record<string, unknown> {
  const signed = p.side === 'SHORT' ? -p.quantity : p.quantity
  const notional = signed * p.markPrice
  return {
    symbol: p.symbol,
    positionSide: 'BOTH',
    positionAmt: qty(x.instrument, signed),
    entryPrice: num(p.entryPrice),
    breakEvenPrice: num(p.entryPrice),
    markPrice: num(p.markPrice),
    unRealizedProfit: num(p.unrealizedPnl),
    liquidationPrice: num(p.liquidationPrice),
    isolatedMargin: num(p.margin + p.unrealizedPnl),
    notional: num(notional),
    marginAsset: 'USDT',
    isolatedWallet: num(p.margin),
    initialMargin: num(p.margin),
    maintMargin: num(x.maintMargin),
    positionInitialMargin: num(p.margin),
    openOrderInitialMargin: num(0),
    adl: 0,
    bidNotional: num(0),
    askNotional: num(0),
    updateTime: x.time,
    leverage: String(p.leverage),
    marginType: x.marginType === 'ISOLATED' ? 'isolated' : 'cross',
    isAutoAddMargin: 'false',
    maxNotionalValue: num(x.maxNotional, 0),
  }
}

/** `ORDER_TRADE_UPDATE.o` for an order update, with the fill when there is one. */
export function orderUpdateJson(
  order: VenueOrder,
  instrument: Instrument,
  exec: { x: string; trade?: VenueTrade },
): Record<string, unknown> {
  const t = exec.trade
  const avg = order.executedQty > 0 ? order.cumQuote / order.executedQty : 0
  return {
    s: order.symbol,
    c: order.clientOrderId,
    S: order.side,
    o: order.type,
    f: order.timeInForce,
    q: qty(instrument, order.origQty),
    p: px(instrument, order.price),
    ap: num(avg, Math.max(instrument.pricePrecision, 5)),
    sp: px(instrument, order.stopPrice),
    x: exec.x,
    X: order.status,
    i: order.orderId,
    l: qty(instrument, t?.qty ?? 0),
    z: qty(instrument, order.executedQty),
    L: px(instrument, t?.price ?? 0),
    N: 'USDT',
    n: num(t?.commission ?? 0),
    T: order.updateTime,
    t: t?.id ?? 0,
    b: num(0),
    a: num(0),
    m: t?.maker ?? false,
    R: order.reduceOnly,
    wt: order.workingType,
    ot: order.origType,
    ps: 'BOTH',
    cp: order.closePosition,
    rp: num(t?.realizedPnl ?? 0),
    pP: false,
    si: 0,
    ss: 0,
    V: 'EXPIRE_MAKER',
    pm: 'NONE',
    gtd: 0,
  }
}

/** `ALGO_UPDATE.o`. */
export function algoUpdateJson(algo: AlgoOrder, instrument: Instrument): Record<string, unknown> {
  return {
    caid: algo.clientAlgoId,
    aid: algo.algoId,
    at: 'CONDITIONAL',
    o: algo.orderType,
    s: algo.symbol,
    S: algo.side,
    ps: 'BOTH',
    f: algo.timeInForce,
    q: qty(instrument, algo.quantity),
    X: algo.algoStatus,
    ai: algo.orderId === undefined ? '' : String(algo.orderId),
    ap: px(instrument, algo.avgPrice),
    aq: qty(instrument, algo.executedQty),
    act: algo.orderId === undefined ? '0' : algo.price > 0 ? 'LIMIT' : 'MARKET',
    tp: px(instrument, algo.triggerPrice),
    p: px(instrument, algo.price),
    V: 'EXPIRE_MAKER',
    wt: algo.workingType,
    pm: 'NONE',
    cp: algo.closePosition,
    pP: false,
    R: algo.reduceOnly,
    tt: algo.triggerTime,
    gtd: 0,
  }
}
