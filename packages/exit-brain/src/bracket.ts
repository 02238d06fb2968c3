import type { OrderRequest, PluginContext, Position } from '@quantum/core'

/** Distances of a stop and a target from the entry price, in price units (both > 0). */
export interface BracketDistances {
  /** Stop distance from the entry (adverse side). */
  readonly stop: number
  /** Take-profit distance from the entry (favourable side). */
  readonly target: number
}

/**
 * A reduce-only STOP_MARKET (tag `stop`) and TAKE_PROFIT_MARKET (tag `take-profit`) for the whole
 * position, at `entry ∓ stop` and `entry ± target`. Prices are raw: the exchange rounds them.
 * @example bracketOrders(position, { stop: 2 * atr, target: 3 * atr })
 */
export function bracketOrders(position: Position, distances: BracketDistances): OrderRequest[] {
  const dir = position.side === 'LONG' ? 1 : -1
  const side = dir > 0 ? 'SELL' : 'BUY'
  const { symbol, quantity, entryPrice } = position
  const base = { symbol, side, quantity, reduceOnly: true } as const
  return [
    { ...base, type: 'STOP_MARKET', triggerPrice: entryPrice - dir * distances.stop, tag: 'stop' },
    { ...base, type: 'TAKE_PROFIT_MARKET', triggerPrice: entryPrice + dir * distances.target, tag: 'take-profit' },
  ]
}

/** Ids of the working reduce-only orders of `symbol` (the exits a policy replaces or cancels). */
export function workingExitIds(ctx: PluginContext, symbol: string): string[] {
  return ctx.account
    .getOpenOrders(symbol)
    .filter((o) => o.reduceOnly)
    .map((o) => o.id)
}
