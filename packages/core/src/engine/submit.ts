import type { EngineContext } from './engine-context.js'
import type { ExitActions, OrderIntent } from '../types.js'
import type { OrderRequest } from '../schemas.js'

/**
 * Sends one order request to the exchange. A rejection (thrown or as a rejected promise) becomes an
 * `order-rejected` event; it never escapes into the stream.
 */
export function submitOrder(engine: EngineContext, request: OrderRequest): void {
  const reject = (error: unknown): void => {
    engine.bus.emit({ type: 'order-rejected', request, error: toError(error) })
  }
  try {
    engine.exchange.placeOrder(request).then(undefined, reject)
  } catch (error) {
    reject(error)
  }
}

/** Sends an approved intent: sets the leverage it asks for, then places the order. */
export function submitIntent(engine: EngineContext, intent: OrderIntent): void {
  const { reason: _reason, leverage, ...request } = intent
  if (leverage !== undefined && !intent.reduceOnly) {
    swallow(engine, request, () => engine.exchange.setLeverage(intent.symbol, leverage))
  }
  submitOrder(engine, request)
}

/** Applies an exit policy's actions for `symbol`: cancellations first, then new orders. */
export function applyExitActions(engine: EngineContext, symbol: string, actions: ExitActions): void {
  const request = { symbol, side: 'SELL', type: 'MARKET', quantity: 1 } as const
  if (actions.cancelAll === true) swallow(engine, request, () => engine.exchange.cancelAllOrders(symbol))
  for (const id of actions.cancel ?? []) swallow(engine, request, () => engine.exchange.cancelOrder(symbol, id))
  for (const order of actions.place ?? []) submitOrder(engine, order)
}

function swallow(engine: EngineContext, request: OrderRequest, call: () => Promise<unknown>): void {
  const reject = (error: unknown): void => {
    engine.bus.emit({ type: 'order-rejected', request, error: toError(error) })
  }
  try {
    call().then(undefined, reject)
  } catch (error) {
    reject(error)
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
