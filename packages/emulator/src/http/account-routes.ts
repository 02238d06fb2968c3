/**
 * Signed account endpoints: account, positions, leverage brackets, symbol config, leverage,
 * margin type, position mode; and the user-data stream's listenKey.
 * @packageDocumentation
 * @internal
 */
import { InvalidOrder, type LeverageBracket } from '@quantum/core'
import { num, positionRiskJson } from '../engine/format.js'
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

function positionRows(ctx: RequestContext, all: boolean): Record<string, unknown>[] {
  const { venue } = ctx
  const symbol = ctx.params.get('symbol')
  const symbols = symbol === undefined ? [...venue.instruments.keys()] : [venue.instrument(symbol).symbol]
  return symbols
    .map((s) => venue.paper.account.getPosition(s))
    .filter((p) => all || p.quantity > 0)
    .map((p) =>
      positionRiskJson(p, {
        instrument: venue.instrument(p.symbol),
        marginType: venue.marginTypes.get(p.symbol) ?? 'CROSSED',
        maintMargin: maintMargin(venue, p.symbol, p.quantity * p.markPrice),
        maxNotional: maxNotional(venue, p.symbol, p.leverage),
        time: p.openedAt,
      }),
    )
}

function account(ctx: RequestContext): Record<string, unknown> {
  const { venue } = ctx
  const b = venue.paper.account.getBalance()
  const positions = venue.paper.account.getPositions()
  const upnl = positions.reduce((s, p) => s + p.unrealizedPnl, 0)
  const positionMargin = positions.reduce((s, p) => s + p.margin, 0)
  const initial = b.wallet - b.available
  const maint = positions.reduce((s, p) => s + maintMargin(venue, p.symbol, p.quantity * p.markPrice), 0)
  const money = {
    walletBalance: num(b.wallet),
    unrealizedProfit: num(upnl),
    marginBalance: num(b.wallet + upnl),
    maintMargin: num(maint),
    initialMargin: num(initial),
    positionInitialMargin: num(positionMargin),
    openOrderInitialMargin: num(initial - positionMargin),
    crossWalletBalance: num(b.wallet),
    crossUnPnl: num(0),
    availableBalance: num(b.available),
    maxWithdrawAmount: num(b.available),
  }
  return {
    totalInitialMargin: money.initialMargin,
    totalMaintMargin: money.maintMargin,
    totalWalletBalance: money.walletBalance,
    totalUnrealizedProfit: money.unrealizedProfit,
    totalMarginBalance: money.marginBalance,
    totalPositionInitialMargin: money.positionInitialMargin,
    totalOpenOrderInitialMargin: money.openOrderInitialMargin,
    totalCrossWalletBalance: money.crossWalletBalance,
    totalCrossUnPnl: money.crossUnPnl,
    availableBalance: money.availableBalance,
    maxWithdrawAmount: money.maxWithdrawAmount,
    assets: [{ asset: 'USDT', ...money, marginAvailable: true, updateTime: ctx.now }],
    positions: positionRows(ctx, false).map((p) => ({
      symbol: p.symbol,
      positionSide: 'BOTH',
      positionAmt: p.positionAmt,
      unrealizedProfit: p.unRealizedProfit,
      isolatedMargin: p.isolatedMargin,
      notional: p.notional,
      isolatedWallet: p.isolatedWallet,
      initialMargin: p.initialMargin,
      maintMargin: p.maintMargin,
      updateTime: p.updateTime,
    })),
  }
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
      marginType: ctx.venue.marginTypes.get(s) ?? 'CROSSED',
      isAutoAddMargin: 'false',
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
  { method: 'GET', path: '/fapi/v3/account', security: 'SIGNED', weight: w(5), handle: account },
  { method: 'GET', path: '/fapi/v2/account', security: 'SIGNED', weight: w(5), handle: account },
  {
    method: 'GET',
    path: '/fapi/v3/balance',
    security: 'SIGNED',
    weight: w(5),
    handle: (ctx) => {
      const a = account(ctx).assets as Record<string, unknown>[]
      return a.map((x) => ({
        accountAlias: 'emulator',
        ...x,
        balance: x.walletBalance,
        crossWalletBalance: x.walletBalance,
      }))
    },
  },
  {
    method: 'GET',
    path: '/fapi/v3/positionRisk',
    security: 'SIGNED',
    weight: w(5),
    handle: (ctx) => positionRows(ctx, false),
  },
  {
    method: 'GET',
    path: '/fapi/v2/positionRisk',
    security: 'SIGNED',
    weight: w(5),
    handle: (ctx) => positionRows(ctx, true),
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
