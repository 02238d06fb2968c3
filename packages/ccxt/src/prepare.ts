import { checkMinNotional, InvalidOrder, OrderRequestSchema, roundOrder } from '@quantum/core'
import type { Instrument, OrderRequest } from '@quantum/core'

/** An order request ready for the venue: on precision, above the minimums, with a base quantity and a client id. */
export type PreparedOrder = OrderRequest & { readonly quantity: number; readonly clientOrderId: string }

/** Input of {@link prepareOrder}. */
export interface PrepareInput {
  readonly request: unknown
  readonly instrument: Instrument
  /** Last traded price: converts `quoteQuantity` and values market orders for the min-notional check. */
  readonly lastPrice: number
  /** Makes the client order id when the request has none. */
  readonly nextClientId: () => string
}

/**
 * Checks and rounds an order before it is sent (ccxt does not check minimums): the request's shape,
 * `quoteQuantity` → quantity at the last price, quantity truncated to the step and prices rounded to the
 * tick by core's `roundOrder` (the same rule as the paper exchange), min quantity, max quantity and
 * MIN_NOTIONAL (reduce-only exempt), and a client order id (≤ 36 characters) for idempotent retries.
 * @throws {InvalidOrder} naming the field, before anything reaches the venue.
 * @example prepareOrder({ request, instrument, lastPrice: 60_000, nextClientId: ids.next })
 */
export function prepareOrder(input: PrepareInput): PreparedOrder {
  const parsed = OrderRequestSchema.safeParse(input.request)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path.join('.') ?? ''
    const symbol = (input.request as { symbol?: unknown } | null)?.symbol
    throw new InvalidOrder(
      `Invalid order request: ${field}: ${issue?.message ?? ''}`,
      typeof symbol === 'string' ? symbol : undefined,
      field,
    )
  }
  const request = parsed.data
  const { instrument, lastPrice } = input
  const reference = request.type === 'LIMIT' ? (request.price ?? lastPrice) : (request.triggerPrice ?? lastPrice)
  let quantity = request.quantity
  if (quantity === undefined) {
    if (!(lastPrice > 0)) {
      throw new InvalidOrder(
        `${request.symbol}: quoteQuantity needs a last price, none known yet`,
        request.symbol,
        'quoteQuantity',
      )
    }
    quantity = (request.quoteQuantity ?? 0) / reference
  }
  const rounded = roundOrder(instrument, {
    type: request.type,
    quantity,
    price: request.price,
    triggerPrice: request.triggerPrice,
  })
  const finalQuantity = rounded.quantity ?? quantity
  const price = rounded.type === 'LIMIT' ? (rounded.price ?? reference) : (rounded.triggerPrice ?? reference)
  if (price > 0) {
    checkMinNotional(instrument, {
      notional: finalQuantity * price,
      reduceOnly: request.reduceOnly === true,
      field: request.quantity === undefined ? 'quoteQuantity' : 'quantity',
    })
  }
  const clientOrderId = request.clientOrderId ?? input.nextClientId()
  const { quoteQuantity: _drop, ...rest } = request
  return {
    ...rest,
    quantity: finalQuantity,
    ...(rounded.price === undefined ? {} : { price: rounded.price }),
    ...(rounded.triggerPrice === undefined ? {} : { triggerPrice: rounded.triggerPrice }),
    clientOrderId,
  }
}

/**
 * Client order ids `qt-<run>-<n>`: a per-process run prefix (base-36 start time) and a counter, unique
 * across restarts and at most 36 characters (Binance's limit).
 * @example const ids = clientIds(Date.now()); ids.next() // 'qt-m3x1k2a0-1'
 */
export function clientIds(start: number, prefix = 'qt'): { next: () => string } {
  const run = Math.floor(start).toString(36)
  let n = 0
  return { next: () => `${prefix}-${run}-${(++n).toString(36)}`.slice(0, 36) }
}
