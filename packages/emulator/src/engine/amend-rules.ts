/**
 * Binance's checks on `PUT /fapi/v1/order` (Modify Order): LIMIT orders only (-5025), `side` required
 * but not applied (ccxt's recorded real `editOrders` reply keeps a SELL order SELL after a `side=BUY`
 * amendment), `quantity` and `price` both required and checked like a new order's (precision, step, limits,
 * min notional, reduce-only), a change required (-5027).
 * @packageDocumentation
 * @internal
 */
import { BinanceApiError } from '../http/api-error.js'
import {
  checkNotional,
  checkPrice,
  checkQuantity,
  checkReduceOnly,
  side,
  type Params,
  type RuleContext,
} from './order-rules.js'
import type { VenueOrder } from './types.js'

/** A validated amendment: the order's new total quantity and price. */
export interface AmendSpec {
  readonly quantity: number
  readonly price: number
}

/**
 * Checks a `PUT /fapi/v1/order` request against the open `order`.
 * @throws {BinanceApiError} with Binance's code for the first rule broken (the order is unchanged).
 */
export function checkAmend(params: Params, order: VenueOrder, ctx: RuleContext): AmendSpec {
  side(params) // validated (-1102, -1117); the order keeps its own side
  if (order.type !== 'LIMIT') throw new BinanceApiError('ONLY_LIMIT_ORDER')
  if (params.has('priceMatch')) throw new BinanceApiError('BAD_COMBINATION', 'priceMatch is not emulated.')
  const quantity = checkQuantity(params, ctx, false)
  const price = checkPrice(params, 'price', ctx)
  if (quantity === order.origQty && price === order.price) throw new BinanceApiError('NO_NEED_TO_MODIFY')
  if (order.reduceOnly) checkReduceOnly(ctx, order.side)
  else checkNotional(ctx, quantity * price)
  return { quantity, price }
}
