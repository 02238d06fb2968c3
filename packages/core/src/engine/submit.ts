import type { EngineContext } from './engine-context.js'
import { checkRisk } from './operators/apply-risk.js'
import type { ExitActions, OrderIntent } from '../types.js'
import type { OrderRequest } from '../schemas.js'

/**
 * Sends one order request to the simulated exchange (synchronously: no promise per order, and a
 * rejection is reported before the next bar). A rejection becomes an `order-rejected` event; it never
 * escapes into the stream. Returns whether the order was accepted.
 */
export function submitOrder(engine: EngineContext, request: OrderRequest): boolean {
  try {
    engine.exchange.placeOrderSync(request)
    return true
  } catch (error) {
    engine.bus.emit({ type: 'order-rejected', request, error: toError(error) })
    return false
  }
}

/** Sends an approved intent: sets the leverage it asks for, then places the order. */
export function submitIntent(engine: EngineContext, intent: OrderIntent): void {
  const { reason: _reason, leverage, ...request } = intent
  if (leverage !== undefined && !intent.reduceOnly) {
    try {
      engine.exchange.setLeverageSync(intent.symbol, leverage)
    } catch (error) {
      engine.bus.emit({ type: 'order-rejected', request, error: toError(error) })
      return
    }
  }
  submitOrder(engine, request)
}

/** Applies an exit policy's actions for `symbol`, in the order {@link ExitActions} documents. */
export function applyExitActions(engine: EngineContext, symbol: string, actions: ExitActions): void {
  const { exchange } = engine
  if (actions.cancelAll === true) exchange.cancelAllOrdersSync(symbol)
  for (const orderId of actions.cancel ?? []) cancel(engine, symbol, orderId)
  for (const r of actions.replace ?? []) {
    // Place first: if the venue refuses the new order, the old one keeps protecting the position.
    if (submitOrder(engine, r.with)) cancel(engine, symbol, r.cancel)
  }
  for (const order of actions.place ?? []) submitOrder(engine, order)
  for (const intent of actions.intents ?? []) {
    const approved = checkRisk(engine, intent)
    if (approved !== undefined) submitIntent(engine, approved)
  }
}

function cancel(engine: EngineContext, symbol: string, orderId: string): void {
  try {
    engine.exchange.cancelOrderSync(symbol, orderId)
  } catch (error) {
    engine.bus.emit({ type: 'cancel-rejected', symbol, orderId, error: toError(error) })
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
