import type { EventBus, ExchangePort, ExitActions, OrderIntent } from '../../types.js'
import type { OrderRequest } from '../../schemas.js'

/** What the async submit functions need. */
export interface LiveSubmitContext {
  readonly exchange: ExchangePort
  readonly bus: EventBus
  /** The risk chain (the engine's `checkRisk`), for intents that exit policies return. */
  readonly checkRisk: (intent: OrderIntent) => OrderIntent | undefined
}

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)))

/** Places one order; a rejection is an `order-rejected` event. Resolves whether it was accepted. */
export async function submitOrderAsync(ctx: LiveSubmitContext, request: OrderRequest): Promise<boolean> {
  try {
    await ctx.exchange.placeOrder(request)
    return true
  } catch (error) {
    ctx.bus.emit({ type: 'order-rejected', request, error: toError(error) })
    return false
  }
}

async function cancelAsync(ctx: LiveSubmitContext, symbol: string, orderId: string): Promise<void> {
  try {
    await ctx.exchange.cancelOrder(symbol, orderId)
  } catch (error) {
    ctx.bus.emit({ type: 'cancel-rejected', symbol, orderId, error: toError(error) })
  }
}

/** Sends an approved intent: its leverage first (when it asks for one), then the order. */
export async function submitIntentAsync(ctx: LiveSubmitContext, intent: OrderIntent): Promise<void> {
  const { reason: _reason, leverage, ...request } = intent
  if (leverage !== undefined && intent.reduceOnly !== true) {
    try {
      await ctx.exchange.setLeverage(intent.symbol, leverage)
    } catch (error) {
      ctx.bus.emit({ type: 'order-rejected', request, error: toError(error) })
      return
    }
  }
  await submitOrderAsync(ctx, request)
}

/**
 * Applies an exit policy's actions on a live venue in the documented order — cancel all, cancel,
 * replace (the new order is placed and acknowledged **before** the old one is cancelled; a refused new
 * order leaves the old one working), place, then intents through the risk chain.
 */
export async function applyExitActionsAsync(
  ctx: LiveSubmitContext,
  symbol: string,
  actions: ExitActions,
): Promise<void> {
  if (actions.cancelAll === true) {
    try {
      await ctx.exchange.cancelAllOrders(symbol)
    } catch (error) {
      ctx.bus.emit({ type: 'cancel-rejected', symbol, orderId: '*', error: toError(error) })
    }
  }
  for (const orderId of actions.cancel ?? []) await cancelAsync(ctx, symbol, orderId)
  for (const r of actions.replace ?? []) {
    if (await submitOrderAsync(ctx, r.with)) await cancelAsync(ctx, symbol, r.cancel)
  }
  for (const order of actions.place ?? []) await submitOrderAsync(ctx, order)
  for (const intent of actions.intents ?? []) {
    const approved = ctx.checkRisk(intent)
    if (approved !== undefined) await submitIntentAsync(ctx, approved)
  }
}
