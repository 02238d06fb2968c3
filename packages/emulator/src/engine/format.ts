/**
 * Binance's JSON shapes for the emulator's records: numbers as decimal strings, every field the
 * research note lists (`../shared/research/exchange.md` §7 and §4).
 * @packageDocumentation
 * @internal
 */
import type { AccountView, Instrument, Position } from '@quantum/core'
import type { AlgoOrder, VenueOrder, VenueTrade } from './types.js'

/**
 * Self-trade prevention mode of every order: `NONE`, the default of a USD-M account as ccxt's recorded
 * real order replies (2024, 2025) show it.
 */
export const STP_MODE = 'NONE'

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

/**
 * Which of Binance's two order bodies: `reply` answers a new, modified or cancelled order (`POST`, `PUT`,
 * `DELETE /fapi/v1/order`, `batchOrders`: `cumQty`, no `time`); `query` answers a lookup (`GET order`,
 * `openOrder`, `openOrders`, `allOrders`: `time`, no `cumQty`), as ccxt's recorded real replies show.
 */
export type OrderBody = 'reply' | 'query'

/** An order body of `/fapi/v1/order` and friends (see {@link OrderBody}). */
export function orderJson(
  order: VenueOrder,
  instrument: Instrument,
  body: OrderBody = 'query',
): Record<string, unknown> {
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
    ...(body === 'reply' ? { cumQty: qty(instrument, order.executedQty) } : {}),
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
    selfTradePreventionMode: STP_MODE,
    goodTillDate: 0,
    ...(body === 'query' ? { time: order.time } : {}),
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
    selfTradePreventionMode: STP_MODE,
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
    marginAsset: 'USDT',
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
  /** Taker fee rate, for the break-even price. */
  readonly takerFee: number
  readonly time: number
}

/** A position's margin figures as Binance reports them for its margin type. */
export interface MarginFigures {
  /** Signed notional at the mark price. */
  readonly notional: number
  /** Initial margin at the mark price: |notional| / leverage. */
  readonly initialMargin: number
  /** Isolated wallet (the margin put into the position); 0 for a cross position. */
  readonly isolatedWallet: number
  /** Isolated wallet plus unrealised PnL; 0 for a cross position. */
  readonly isolatedMargin: number
  /**
   * Entry price moved by the taker fee of closing (`entry × (1 ± takerFee)`, + for a long), 0 when flat:
   * the model that reproduces both break-even prices of ccxt's recorded real positions.
   */
  readonly breakEvenPrice: number
}

/**
 * The margin figures of `p`: the engine keeps an isolated margin for every position; a CROSSED symbol
 * reports none of it (Binance: `isolatedMargin` and `isolatedWallet` "0", which is also how ccxt tells a
 * cross position from an isolated one in v3 replies).
 */
export function marginFigures(p: Position, x: Pick<PositionExtras, 'marginType' | 'takerFee'>): MarginFigures {
  const signed = p.side === 'SHORT' ? -p.quantity : p.quantity
  const notional = signed * p.markPrice
  const isolated = x.marginType === 'ISOLATED'
  const sign = p.side === 'SHORT' ? -1 : 1
  return {
    notional,
    initialMargin: p.leverage > 0 ? Math.abs(notional) / p.leverage : 0,
    isolatedWallet: isolated ? p.margin : 0,
    isolatedMargin: isolated ? p.margin + p.unrealizedPnl : 0,
    breakEvenPrice: p.quantity > 0 ? p.entryPrice * (1 + sign * x.takerFee) : 0,
  }
}

/** The cross-margin part of the account: wallet less the isolated wallets, and the cross positions' PnL. */
export function crossFigures(
  account: AccountView,
  x: { readonly marginType: (symbol: string) => 'ISOLATED' | 'CROSSED'; readonly takerFee: number },
): { readonly crossWallet: number; readonly crossUnPnl: number } {
  let isolatedWallets = 0
  let crossUnPnl = 0
  for (const p of account.getPositions()) {
    const marginType = x.marginType(p.symbol)
    if (marginType === 'ISOLATED')
      isolatedWallets += marginFigures(p, { marginType, takerFee: x.takerFee }).isolatedWallet
    else crossUnPnl += p.unrealizedPnl
  }
  return { crossWallet: account.getBalance().wallet - isolatedWallets, crossUnPnl }
}

/** `GET /fapi/v3/positionRisk` row: the v3 fields only (no leverage, margin type, auto-add or max notional). */
export function positionRiskJson(p: Position, x: PositionExtras): Record<string, unknown> {
  const signed = p.side === 'SHORT' ? -p.quantity : p.quantity
  const m = marginFigures(p, x)
  return {
    symbol: p.symbol,
    positionSide: 'BOTH',
    positionAmt: qty(x.instrument, signed),
    entryPrice: num(p.entryPrice),
    breakEvenPrice: num(m.breakEvenPrice),
    markPrice: num(p.markPrice),
    unRealizedProfit: num(p.unrealizedPnl),
    liquidationPrice: num(p.liquidationPrice),
    isolatedMargin: num(m.isolatedMargin),
    notional: num(m.notional),
    marginAsset: 'USDT',
    isolatedWallet: num(m.isolatedWallet),
    initialMargin: num(m.initialMargin),
    maintMargin: num(x.maintMargin),
    positionInitialMargin: num(m.initialMargin),
    openOrderInitialMargin: num(0),
    adl: 0,
    bidNotional: num(0),
    askNotional: num(0),
    updateTime: x.time,
  }
}

/** `GET /fapi/v2/positionRisk` row (Binance's v2 field set: leverage, margin type and auto-add as strings). */
export function positionRiskV2Json(p: Position, x: PositionExtras): Record<string, unknown> {
  const signed = p.side === 'SHORT' ? -p.quantity : p.quantity
  const m = marginFigures(p, x)
  return {
    entryPrice: num(p.entryPrice),
    breakEvenPrice: num(m.breakEvenPrice),
    marginType: x.marginType === 'ISOLATED' ? 'isolated' : 'cross',
    isAutoAddMargin: 'false',
    isolatedMargin: num(m.isolatedMargin),
    leverage: String(p.leverage),
    liquidationPrice: num(p.liquidationPrice),
    markPrice: num(p.markPrice),
    maxNotionalValue: num(x.maxNotional, 0),
    positionAmt: qty(x.instrument, signed),
    notional: num(m.notional),
    isolatedWallet: num(m.isolatedWallet),
    symbol: p.symbol,
    unRealizedProfit: num(p.unrealizedPnl),
    positionSide: 'BOTH',
    updateTime: x.time,
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
    V: STP_MODE,
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
    V: STP_MODE,
    wt: algo.workingType,
    pm: 'NONE',
    cp: algo.closePosition,
    pP: false,
    R: algo.reduceOnly,
    tt: algo.triggerTime,
    gtd: 0,
  }
}
