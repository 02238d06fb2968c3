/**
 * Shared arithmetic of the guards: the reference price and notional of an intent, the signed position
 * it leads to, and the one resize rule (truncate to the instrument's step, deny below its minimums).
 * @packageDocumentation
 */
import { truncateToStep } from '@quantum/core'
import type { Instrument, OrderIntent, PluginContext, Position, RiskVerdict } from '@quantum/core'

/** The verdict that lets an intent through unchanged. */
export const APPROVE: RiskVerdict = Object.freeze({ action: 'approve' })

/** A deny verdict with `reason`. */
export function deny(reason: string): RiskVerdict {
  return { action: 'deny', reason }
}

/**
 * The price limits are checked at: the intent's limit price, else its trigger price, else the last
 * price of the symbol (NaN when none is known yet).
 */
export function referencePrice(intent: OrderIntent, ctx: PluginContext): number {
  return intent.price ?? intent.triggerPrice ?? ctx.account.getLastPrice(intent.symbol)
}

/** The quantity of an intent at `price` (a quote-sized intent is converted at that price). */
export function intentQuantity(intent: OrderIntent, price: number): number {
  return intent.quantity ?? (intent.quoteQuantity ?? 0) / price
}

/** Signed size of a position: long > 0, short < 0, flat 0. */
export function signedQuantity(position: Position): number {
  return position.side === 'LONG' ? position.quantity : position.side === 'SHORT' ? -position.quantity : 0
}

/**
 * Signed notional-in-waiting of the working entry orders (not reduce-only) of `symbol`, in base units:
 * buys > 0, sells < 0, plus the entries on their way to a venue (queued, in flight, or executed with
 * fills still to come: the account's `getPendingOrders`). A quote-sized order counts at `price`.
 * Guards add it to the position so that entries checked before either fills (two symbols on the same
 * bar, a burst of 40 on a live venue) cannot together pass a limit each would pass alone.
 */
export function pendingQuantity(ctx: PluginContext, symbol: string, price: number): number {
  let q = 0
  for (const o of ctx.account.getOpenOrders(symbol)) {
    if (o.reduceOnly) continue
    const left = o.quantity > 0 ? o.quantity - o.filledQuantity : (o.quoteQuantity ?? 0) / (o.price ?? price)
    q += (o.side === 'BUY' ? 1 : -1) * Math.max(0, left)
  }
  for (const o of ctx.account.getPendingOrders?.(symbol) ?? NONE_PENDING) {
    const left = o.quantity ?? (o.quoteQuantity ?? 0) / (o.price ?? price)
    q += (o.side === 'BUY' ? 1 : -1) * Math.max(0, left)
  }
  return q
}

/** +1 for BUY, -1 for SELL. */
export function sideSign(intent: OrderIntent): 1 | -1 {
  return intent.side === 'BUY' ? 1 : -1
}

/** How an intent changes the position of its symbol, at the reference price. */
export interface IntentEffect {
  /** The reference price (finite and > 0). */
  readonly price: number
  /** The intent's quantity at that price. */
  readonly quantity: number
  /** Signed position before, with the working entry orders of the symbol. */
  readonly before: number
  /** Signed position after the intent fills. */
  readonly after: number
  /** True when the absolute position grows or flips (adds risk). */
  readonly increases: boolean
  /** +1 for a buy, -1 for a sell. */
  readonly sign: 1 | -1
}

/** Largest quantity of the effect's side that keeps `|after| * price <= cap` (0 when none). */
export function roomFor(effect: IntentEffect, cap: number): number {
  const limit = cap / effect.price
  const b = effect.before
  return Math.max(0, effect.sign * b >= 0 ? limit - Math.abs(b) : Math.abs(b) + limit)
}

/**
 * The effect of `intent` on its symbol's position, or a deny verdict when no usable price is known.
 * Reduce-only intents never increase the position.
 */
export function intentEffect(intent: OrderIntent, ctx: PluginContext): IntentEffect | RiskVerdict {
  const price = referencePrice(intent, ctx)
  if (!(Number.isFinite(price) && price > 0)) return deny(`no price known for ${intent.symbol}`)
  const quantity = intentQuantity(intent, price)
  const held = signedQuantity(ctx.account.getPosition(intent.symbol))
  const sign = sideSign(intent)
  if (intent.reduceOnly === true) {
    const after = held - Math.sign(held) * Math.min(quantity, Math.abs(held))
    return { price, quantity, before: held, after, increases: false, sign }
  }
  const before = held + pendingQuantity(ctx, intent.symbol, price)
  const after = before + sign * quantity
  const increases = Math.abs(after) > Math.abs(before) + 1e-12
  return { price, quantity, before, after, increases, sign }
}

/** True when `value` is an {@link IntentEffect} rather than a verdict. */
export function isEffect(value: IntentEffect | RiskVerdict): value is IntentEffect {
  return !('action' in value)
}

/** The leverage an intent trades at: its own, else the open position's, else `fallback`. */
export function effectiveLeverage(intent: OrderIntent, ctx: PluginContext, fallback: number): number {
  if (intent.leverage !== undefined) return intent.leverage
  const position = ctx.account.getPosition(intent.symbol)
  return position.side === 'FLAT' ? fallback : position.leverage
}

const NONE_PENDING: readonly never[] = Object.freeze([])

/** The last price of `symbol`, else `fallback`. */
function priceOf(ctx: PluginContext, symbol: string, fallback: number): number {
  const last = ctx.account.getLastPrice(symbol)
  return Number.isFinite(last) ? last : fallback
}

/**
 * Signed notional per symbol at the last prices (mark price when no last price): open positions plus
 * working entry orders (see {@link pendingQuantity}).
 */
export function signedExposure(ctx: PluginContext): Map<string, number> {
  const out = new Map<string, number>()
  for (const p of ctx.account.getPositions()) {
    const price = priceOf(ctx, p.symbol, p.markPrice)
    out.set(p.symbol, signedQuantity(p) * price)
  }
  const open = ctx.account.getOpenOrders()
  const pending = ctx.account.getPendingOrders?.() ?? NONE_PENDING
  if (open.length === 0 && pending.length === 0) return out
  const withOrders = new Set<string>()
  for (const o of open) if (!o.reduceOnly) withOrders.add(o.symbol)
  for (const o of pending) withOrders.add(o.symbol)
  for (const symbol of withOrders) {
    const price = priceOf(ctx, symbol, Number.NaN)
    if (!Number.isFinite(price)) continue
    out.set(symbol, (out.get(symbol) ?? 0) + pendingQuantity(ctx, symbol, price) * price)
  }
  return out
}

/** Gross notional (longs plus shorts) of every symbol but `exceptSymbol`, positions and working entries. */
export function grossExposure(ctx: PluginContext, exceptSymbol?: string): number {
  let total = 0
  for (const [symbol, n] of signedExposure(ctx)) if (symbol !== exceptSymbol) total += Math.abs(n)
  return total
}

/** The instrument of `symbol`, or undefined when the exchange does not know it. */
export function instrumentOf(ctx: PluginContext, symbol: string): Instrument | undefined {
  try {
    return ctx.exchange.instrument(symbol)
  } catch {
    return undefined
  }
}

/** What {@link resizeTo} needs. */
export interface ResizeRequest {
  /** The intent being resized. */
  readonly intent: OrderIntent
  /** Its effect (for the price). */
  readonly effect: IntentEffect
  /** The largest quantity allowed (before rounding). */
  readonly maxQuantity: number
  /** Why (the limit), e.g. `position notional above the cap 1000`. */
  readonly why: string
}

/**
 * Resizes an intent down to `maxQuantity`, truncated to the instrument's step, or denies it when the
 * rounded quantity is 0, below `minQty` or below the min notional (at the reference price).
 */
export function resizeTo(request: ResizeRequest, ctx: PluginContext): RiskVerdict {
  const { intent, effect, maxQuantity, why } = request
  const instrument = instrumentOf(ctx, intent.symbol)
  const step = instrument?.stepSize ?? 0
  const quantity = truncateToStep(Math.max(0, maxQuantity), step)
  const notional = quantity * effect.price
  if (quantity <= 0) return deny(`${why}; no room left`)
  if (instrument !== undefined && (quantity < instrument.minQty || notional < instrument.minNotional)) {
    return deny(
      `${why}; the room left (${quantity} ${intent.symbol}, ${notional.toFixed(2)} USDT) is below the minimum ` +
        `(minQty ${instrument.minQty}, min notional ${instrument.minNotional})`,
    )
  }
  return { action: 'resize', quantity, reason: `${why}; resized to ${quantity} (${notional.toFixed(2)} USDT)` }
}
