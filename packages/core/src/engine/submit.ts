import type { EngineContext } from './engine-context.js'
import type { ExitActions, OrderIntent } from '../types.js'
import type { OrderRequest } from '../schemas.js'

/**
 * Sends one order request to the simulated exchange (synchronously: no promise per order, and a
 * rejection is reported before the next bar). A rejection becomes an `order-rejected` event; it never
 * escapes into the stream.
 */
export function submitOrder(engine: EngineContext, request: OrderRequest): void {
  try {
    engine.exchange.placeOrderSync(request)
  } catch (error) {
    engine.bus.emit({ type: 'order-rejected', request, error: toError(error) })
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

/** Applies an exit policy's actions for `symbol`: cancellations first, then new orders. */
export function applyExitActions(engine: EngineContext, symbol: string, actions: ExitActions): void {
  const { exchange, bus } = engine
  if (actions.cancelAll === true) exchange.cancelAllOrdersSync(symbol)
  for (const orderId of actions.cancel ?? []) {
    try {
      exchange.cancelOrderSync(symbol, orderId)
    } catch (error) {
      bus.emit({ type: 'cancel-rejected', symbol, orderId, error: toError(error) })
    }
  }
  for (const order of actions.place ?? []) submitOrder(engine, order)
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
