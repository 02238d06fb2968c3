/**
 * Signed account endpoints: account, positions, leverage brackets, symbol config, leverage,
 * margin type, position mode; and the user-data stream's listenKey.
 * @packageDocumentation
 * @internal
 */
import { InvalidOrder, type LeverageBracket, type Position } from '@quantum/core'
import {
  crossFigures,
  marginFigures,
  num,
  positionRiskJson,
  positionRiskV2Json,
  qty,
  type PositionExtras,
} from '../engine/format.js'
import { required } from '../engine/order-rules.js'
import type { Venue } from '../engine/venue.js'
import { BinanceApiError } from './api-error.js'
import { bySymbol, w, type RequestContext, type Route } from './route.js'

/** Brackets of `symbol` (the paper exchange's fallback for symbols missing from the table). */
function bracketsOf(venue: Venue, symbol: string): readonly LeverageBracket[] {
  return (
    venue.brackets[symbol] ?? [
      { bracket: 1, initialLeverage: 125, notionalFloor: 0, notionalCap: 50_000, maintMarginRatio: 0.004, cum: 0 },
    ]
  )
}

function maintMargin(venue: Venue, symbol: string, notional: number): number {
  const b = bracketsOf(venue, symbol).find((x) => notional >= x.notionalFloor && notional < x.notionalCap)
  return b === undefined ? 0 : Math.max(0, notional * b.maintMarginRatio - b.cum)
}

/** Largest notional allowed at `leverage`: the cap of the last bracket that still allows it. */
function maxNotional(venue: Venue, symbol: string, leverage: number): number {
  const allowed = bracketsOf(venue, symbol).filter((b) => b.initialLeverage >= leverage)
  return allowed.reduce((m, b) => Math.max(m, b.notionalCap), 0)
}

/** What the position shapes need beyond the engine's position. */
function extras(venue: Venue, p: Position): PositionExtras {
  return {
    instrument: venue.instrument(p.symbol),
    marginType: venue.marginTypeOf(p.symbol),
    maintMargin: maintMargin(venue, p.symbol, p.quantity * p.markPrice),
    maxNotional: maxNotional(venue, p.symbol, p.leverage),
    takerFee: venue.takerFee,
    time: p.openedAt,
  }
}

/** The positions of the `symbol` parameter (every listed symbol without it), non-zero ones unless `all`. */
function positionsOf(ctx: RequestContext, all: boolean): Position[] {
  const { venue } = ctx
  const symbol = ctx.params.get('symbol')
  const symbols = symbol === undefined ? [...venue.instruments.keys()] : [venue.instrument(symbol).symbol]
  return symbols.map((s) => venue.paper.account.getPosition(s)).filter((p) => all || p.quantity > 0)
}

/** The money part of both account versions, one USDT asset. */
function accountMoney(ctx: RequestContext): { totals: Record<string, string>; asset: Record<string, unknown> } {
  const { venue } = ctx
  const b = venue.paper.account.getBalance()
  const positions = venue.paper.account.getPositions()
  const upnl = positions.reduce((s, p) => s + p.unrealizedPnl, 0)
  const positionMargin = positions.reduce((s, p) => s + marginFigures(p, extras(venue, p)).initialMargin, 0)
  const engineMargin = positions.reduce((s, p) => s + p.margin, 0)
  const initial = positionMargin + Math.max(0, b.wallet - b.available - engineMargin)
  const maint = positions.reduce((s, p) => s + maintMargin(venue, p.symbol, p.quantity * p.markPrice), 0)
  const cross = crossFigures(venue.paper.account, {
    marginType: (s) => venue.marginTypeOf(s),
    takerFee: venue.takerFee,
  })
  const m = {
    walletBalance: num(b.wallet),
    unrealizedProfit: num(upnl),
    marginBalance: num(b.wallet + upnl),
    maintMargin: num(maint),
    initialMargin: num(initial),
    positionInitialMargin: num(positionMargin),
    openOrderInitialMargin: num(initial - positionMargin),
    crossWalletBalance: num(cross.crossWallet),
    crossUnPnl: num(cross.crossUnPnl),
    availableBalance: num(b.available),
    maxWithdrawAmount: num(b.available),
  }
  const totals = {
    totalInitialMargin: m.initialMargin,
    totalMaintMargin: m.maintMargin,
    totalWalletBalance: m.walletBalance,
    totalUnrealizedProfit: m.unrealizedProfit,
    totalMarginBalance: m.marginBalance,
    totalPositionInitialMargin: m.positionInitialMargin,
    totalOpenOrderInitialMargin: m.openOrderInitialMargin,
    totalCrossWalletBalance: m.crossWalletBalance,
    totalCrossUnPnl: m.crossUnPnl,
    availableBalance: m.availableBalance,
    maxWithdrawAmount: m.maxWithdrawAmount,
  }
  return { totals, asset: { asset: 'USDT', ...m } }
}

/** `GET /fapi/v3/account`: totals, assets (no `marginAvailable`) and the non-zero positions' short rows. */
function accountV3(ctx: RequestContext): Record<string, unknown> {
  const { totals, asset } = accountMoney(ctx)
  return {
    ...totals,
    assets: [{ ...asset, updateTime: ctx.now }],
    positions: positionsOf(ctx, false).map((p) => {
      const m = marginFigures(p, extras(ctx.venue, p))
      const r = positionRiskJson(p, extras(ctx.venue, p))
      return {
        symbol: p.symbol,
        positionSide: 'BOTH',
        positionAmt: r.positionAmt,
        unrealizedProfit: r.unRealizedProfit,
        isolatedMargin: r.isolatedMargin,
        notional: num(m.notional),
        isolatedWallet: r.isolatedWallet,
        initialMargin: r.initialMargin,
        maintMargin: r.maintMargin,
        updateTime: r.updateTime,
      }
    }),
  }
}

/**
 * `GET /fapi/v2/account`: the account flags first (`feeTier`, `canTrade`, … as recorded), assets with
 * `marginAvailable`, and v2 position rows for the symbols with a position or open orders.
 */
function accountV2(ctx: RequestContext): Record<string, unknown> {
  const { venue } = ctx
  const { totals, asset } = accountMoney(ctx)
  const withOrders = new Set([...venue.openOrders(), ...venue.openAlgos()].map((o) => o.symbol))
  const positions = positionsOf(ctx, true).filter((p) => p.quantity > 0 || withOrders.has(p.symbol))
  return {
    feeTier: 0,
    canTrade: true,
    canDeposit: true,
    canWithdraw: true,
    tradeGroupId: -1,
    updateTime: 0,
    multiAssetsMargin: false,
    ...totals,
    assets: [{ ...asset, marginAvailable: true, updateTime: ctx.now }],
    positions: positions.map((p) => {
      const x = extras(venue, p)
      const m = marginFigures(p, x)
      return {
        symbol: p.symbol,
        initialMargin: num(m.initialMargin),
        maintMargin: num(x.maintMargin),
        unrealizedProfit: num(p.unrealizedPnl),
        positionInitialMargin: num(m.initialMargin),
        openOrderInitialMargin: num(0),
        leverage: String(p.leverage),
        isolated: x.marginType === 'ISOLATED',
        entryPrice: num(p.entryPrice),
        breakEvenPrice: num(m.breakEvenPrice),
        maxNotional: num(x.maxNotional, 0),
        bidNotional: num(0),
        askNotional: num(0),
        positionSide: 'BOTH',
        positionAmt: qty(x.instrument, p.side === 'SHORT' ? -p.quantity : p.quantity),
        updateTime: x.time,
      }
    }),
  }
}

/** `GET /fapi/v2/balance` and `/fapi/v3/balance` (one shape): one row per asset. */
function balance(ctx: RequestContext): Record<string, unknown>[] {
  const { asset } = accountMoney(ctx)
  return [
    {
      accountAlias: 'emulator',
      asset: 'USDT',
      balance: asset.walletBalance,
      crossWalletBalance: asset.crossWalletBalance,
      crossUnPnl: asset.crossUnPnl,
      availableBalance: asset.availableBalance,
      maxWithdrawAmount: asset.maxWithdrawAmount,
      marginAvailable: true,
      updateTime: ctx.now,
    },
  ]
}

function leverageBracket(ctx: RequestContext): unknown {
  const row = (symbol: string): Record<string, unknown> => ({
    symbol,
    notionalCoef: 1.0,
    brackets: bracketsOf(ctx.venue, symbol).map((b) => ({ ...b })),
  })
  const symbol = ctx.params.get('symbol')
  if (symbol !== undefined) return row(ctx.venue.instrument(symbol).symbol)
  return [...ctx.venue.instruments.keys()].map(row)
}

function symbolConfig(ctx: RequestContext): unknown[] {
  const symbol = ctx.params.get('symbol')
  const symbols = symbol === undefined ? [...ctx.venue.instruments.keys()] : [ctx.venue.instrument(symbol).symbol]
  return symbols.map((s) => {
    const leverage = ctx.venue.paper.account.getPosition(s).leverage
    return {
      symbol: s,
      marginType: ctx.venue.marginTypeOf(s),
      isAutoAddMargin: false,
      leverage,
      maxNotionalValue: num(maxNotional(ctx.venue, s, leverage), 0),
    }
  })
}

function setLeverage(ctx: RequestContext): Record<string, unknown> {
  const symbol = ctx.venue.instrument(required(ctx.params, 'symbol')).symbol
  const text = required(ctx.params, 'leverage')
  const leverage = Number(text)
  if (!/^\d+$/.test(text) || leverage < 1) throw new BinanceApiError('INVALID_LEVERAGE', text)
  try {
    ctx.venue.paper.setLeverageSync(symbol, leverage)
  } catch (error) {
    if (error instanceof InvalidOrder) throw new BinanceApiError('INVALID_LEVERAGE', text)
    throw error
  }
  return { leverage, maxNotionalValue: num(maxNotional(ctx.venue, symbol, leverage), 0), symbol }
}

function setMarginType(ctx: RequestContext): Record<string, unknown> {
  const symbol = ctx.venue.instrument(required(ctx.params, 'symbol')).symbol
  const type = required(ctx.params, 'marginType')
  if (type !== 'ISOLATED' && type !== 'CROSSED') throw new BinanceApiError('ILLEGAL_PARAM', 'marginType')
  if (ctx.venue.marginTypes.get(symbol) === type) throw new BinanceApiError('NO_NEED_TO_CHANGE_MARGIN_TYPE')
  if (ctx.venue.paper.account.getPosition(symbol).quantity > 0) throw new BinanceApiError('MARGIN_TYPE_POSITION')
  if (ctx.venue.openOrders(symbol).length + ctx.venue.openAlgos(symbol).length > 0) {
    throw new BinanceApiError('MARGIN_TYPE_OPEN_ORDERS')
  }
  ctx.venue.marginTypes.set(symbol, type)
  return { code: 200, msg: 'success' }
}

/** Switches one-way / hedge mode: -4059 when unchanged, -4067 with open orders, -4068 with a position. */
function setDualSide(ctx: RequestContext): Record<string, unknown> {
  const { venue } = ctx
  const text = required(ctx.params, 'dualSidePosition')
  if (text !== 'true' && text !== 'false') throw new BinanceApiError('ILLEGAL_PARAM', 'dualSidePosition')
  const dual = text === 'true'
  if (dual === venue.dualSidePosition) throw new BinanceApiError('NO_NEED_TO_CHANGE_POSITION_SIDE')
  if (venue.openOrders().length + venue.openAlgos().length > 0) throw new BinanceApiError('POSITION_SIDE_OPEN_ORDERS')
  if (venue.paper.account.getPositions().some((p) => p.quantity > 0)) {
    throw new BinanceApiError('POSITION_SIDE_POSITION')
  }
  venue.dualSidePosition = dual
  return { code: 200, msg: 'success' }
}

function apiKeyOf(ctx: RequestContext): string {
  return ctx.apiKey ?? ''
}

/** The account endpoints. */
export const accountRoutes: readonly Route[] = [
  { method: 'GET', path: '/fapi/v3/account', security: 'SIGNED', weight: w(5), handle: accountV3 },
  { method: 'GET', path: '/fapi/v2/account', security: 'SIGNED', weight: w(5), handle: accountV2 },
  { method: 'GET', path: '/fapi/v3/balance', security: 'SIGNED', weight: w(5), handle: balance },
  { method: 'GET', path: '/fapi/v2/balance', security: 'SIGNED', weight: w(5), handle: balance },
  {
    method: 'GET',
    path: '/fapi/v3/positionRisk',
    security: 'SIGNED',
    weight: w(5),
    handle: (ctx) => positionsOf(ctx, false).map((p) => positionRiskJson(p, extras(ctx.venue, p))),
  },
  {
    method: 'GET',
    path: '/fapi/v2/positionRisk',
    security: 'SIGNED',
    weight: w(5),
    handle: (ctx) => positionsOf(ctx, true).map((p) => positionRiskV2Json(p, extras(ctx.venue, p))),
  },
  { method: 'GET', path: '/fapi/v1/leverageBracket', security: 'SIGNED', weight: w(1), handle: leverageBracket },
  { method: 'GET', path: '/fapi/v1/symbolConfig', security: 'SIGNED', weight: bySymbol(5, 5), handle: symbolConfig },
  { method: 'POST', path: '/fapi/v1/leverage', security: 'SIGNED', weight: w(1), handle: setLeverage },
  { method: 'POST', path: '/fapi/v1/marginType', security: 'SIGNED', weight: w(1), handle: setMarginType },
  {
    method: 'GET',
    path: '/fapi/v1/positionSide/dual',
    security: 'SIGNED',
    weight: w(30),
    handle: (ctx) => ({ dualSidePosition: ctx.venue.dualSidePosition }),
  },
  { method: 'POST', path: '/fapi/v1/positionSide/dual', security: 'SIGNED', weight: w(1), handle: setDualSide },
  {
    method: 'POST',
    path: '/fapi/v1/listenKey',
    security: 'USER_STREAM',
    weight: w(1),
    handle: (ctx) => ({ listenKey: ctx.listenKeys.open(apiKeyOf(ctx)) }),
  },
  {
    method: 'PUT',
    path: '/fapi/v1/listenKey',
    security: 'USER_STREAM',
    weight: w(1),
    handle: (ctx) => {
      const key = ctx.listenKeys.keepAlive(apiKeyOf(ctx))
      if (key === undefined) throw new BinanceApiError('INVALID_LISTEN_KEY')
      return { listenKey: key }
    },
  },
  {
    method: 'DELETE',
    path: '/fapi/v1/listenKey',
    security: 'USER_STREAM',
    weight: w(1),
    handle: (ctx) => {
      ctx.listenKeys.close(apiKeyOf(ctx))
      return {}
    },
  },
]
