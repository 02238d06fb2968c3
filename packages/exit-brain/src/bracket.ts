import type { ExitActions, Order, OrderRequest, PluginContext, Position } from '@quantum/core'
import { z } from 'zod'

/**
 * How take-profit targets go to the exchange: `market` = a reduce-only TAKE_PROFIT_MARKET (taker fee,
 * fills at the open when price gaps through), `limit` = a reduce-only GTC LIMIT resting at the target
 * (maker fee when it rests; filled only when price trades through it).
 */
export const TargetTypeSchema = z.enum(['market', 'limit'])

/** See {@link TargetTypeSchema}. */
export type TargetType = z.output<typeof TargetTypeSchema>

/**
 * A reduce-only take-profit order at `price`: TAKE_PROFIT_MARKET (`market`) or GTC LIMIT (`limit`).
 * @example targetOrder({ symbol: 'BTCUSDT', side: 'SELL', quantity: 0.01, price: 105_000, tag: 'tp1' }, 'limit')
 */
export function targetOrder(
  o: { symbol: string; side: 'BUY' | 'SELL'; quantity: number; price: number; tag: string },
  type: TargetType = 'market',
): OrderRequest {
  const { symbol, side, quantity, price, tag } = o
  return type === 'limit'
    ? { symbol, side, quantity, reduceOnly: true, type: 'LIMIT', price, timeInForce: 'GTC', tag }
    : { symbol, side, quantity, reduceOnly: true, type: 'TAKE_PROFIT_MARKET', triggerPrice: price, tag }
}

/** The level of a working stop or target: its trigger price, or its limit price. */
export function levelOf(order: Order): number | undefined {
  return order.triggerPrice ?? order.price
}

/** Distances of a stop and a target from the entry price, in price units (both > 0). */
export interface BracketDistances {
  /** Stop distance from the entry (adverse side). */
  readonly stop: number
  /** Take-profit distance from the entry (favourable side). */
  readonly target: number
}

/**
 * A reduce-only STOP_MARKET (tag `stop`) and a take-profit (tag `take-profit`, see {@link targetOrder})
 * for the whole position, at `entry ∓ stop` and `entry ± target`. Prices are raw: the exchange rounds them.
 * @example bracketOrders(position, { stop: 2 * atr, target: 3 * atr })
 */
export function bracketOrders(
  position: Position,
  distances: BracketDistances,
  target: TargetType = 'market',
): OrderRequest[] {
  const dir = position.side === 'LONG' ? 1 : -1
  const side = dir > 0 ? 'SELL' : 'BUY'
  const { symbol, quantity, entryPrice } = position
  // Literals rather than a spread of a shared base: this runs on every entry fill.
  const stop: OrderRequest = {
    symbol,
    side,
    quantity,
    reduceOnly: true,
    type: 'STOP_MARKET',
    triggerPrice: entryPrice - dir * distances.stop,
    tag: 'stop',
  }
  return [
    stop,
    targetOrder({ symbol, side, quantity, price: entryPrice + dir * distances.target, tag: 'take-profit' }, target),
  ]
}

/** Ids of the working reduce-only orders of `symbol` (the exits a policy replaces or cancels). */
export function workingExitIds(ctx: PluginContext, symbol: string): string[] {
  const ids: string[] = []
  for (const o of ctx.account.getOpenOrders(symbol)) if (o.reduceOnly) ids.push(o.id)
  return ids
}

/**
 * The actions that swap a position's working exits for a new bracket without a gap in protection: the
 * old stop is **replaced** (the new stop is placed and accepted before the old one is cancelled), the
 * other working exits are cancelled, and the new take-profit is placed.
 * @example rebracket(ctx, symbol, bracketOrders(position, { stop: 2 * atr, target: 3 * atr }))
 */
export function rebracket(ctx: PluginContext, symbol: string, orders: readonly OrderRequest[]): ExitActions {
  const working = ctx.account.getOpenOrders(symbol).filter((o) => o.reduceOnly)
  const [stop, ...rest] = orders
  const old = working.find((o) => o.type === 'STOP_MARKET' && o.side === stop?.side)
  if (stop === undefined || old === undefined) return { cancel: working.map((o) => o.id), place: [...orders] }
  return {
    cancel: working.filter((o) => o !== old).map((o) => o.id),
    replace: [{ cancel: old.id, with: stop }],
    place: rest,
  }
}
