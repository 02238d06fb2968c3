import { ExchangeError, OrderSchema } from '@quantum/core'
import type { Order, OrderRequest, OrderStatus, OrderType, TimeInForce } from '@quantum/core'
import { z } from 'zod'

/** The arguments of ccxt's `createOrder(symbol, type, side, amount, price, params)`. */
export interface CcxtOrderArgs {
  readonly symbol: string
  readonly type: string
  readonly side: 'buy' | 'sell'
  readonly amount: number
  readonly price: number | undefined
  readonly params: Readonly<Record<string, string | number | boolean>>
}

/** Conditional orders live in Binance's algo service (`/fapi/v1/algoOrder`) and need `{ trigger: true }` to cancel or list. */
export function isConditional(type: OrderType): boolean {
  return type === 'STOP_MARKET' || type === 'TAKE_PROFIT_MARKET'
}

/**
 * Maps an SDK order request (already rounded, with a base `quantity` and a client id) to ccxt's
 * `createOrder` arguments for binanceusdm: MARKET / LIMIT (GTX → `postOnly`) on `/fapi/v1/order`,
 * STOP_MARKET / TAKE_PROFIT_MARKET with `triggerPrice` (ccxt routes them to `/fapi/v1/algoOrder`).
 * @example toCcxtOrder({ ...request, quantity: 0.002, clientOrderId: 'qt-1' }, 'BTC/USDT:USDT')
 */
export function toCcxtOrder(
  request: OrderRequest & { readonly quantity: number; readonly clientOrderId: string },
  unifiedSymbol: string,
): CcxtOrderArgs {
  const params: Record<string, string | number | boolean> = { clientOrderId: request.clientOrderId }
  if (request.reduceOnly === true) params['reduceOnly'] = true
  const side = request.side === 'BUY' ? 'buy' : 'sell'
  const base = { symbol: unifiedSymbol, side, amount: request.quantity } as const
  switch (request.type) {
    case 'MARKET':
      return { ...base, type: 'market', price: undefined, params }
    case 'LIMIT': {
      const tif = request.timeInForce ?? 'GTC'
      if (tif === 'GTX') params['postOnly'] = true
      else params['timeInForce'] = tif
      return { ...base, type: 'limit', price: request.price, params }
    }
    case 'STOP_MARKET':
    case 'TAKE_PROFIT_MARKET':
      return {
        ...base,
        type: request.type,
        price: undefined,
        params: { ...params, triggerPrice: request.triggerPrice ?? 0 },
      }
  }
}

const num = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?(e-?\d+)?$/i)
    .transform(Number),
])
const optionalNum = num.nullish().transform((v) => (v === null || v === undefined || Number.isNaN(v) ? undefined : v))

/** The fields of a ccxt order this adapter reads (a reply missing one is malformed). */
const CcxtOrderSchema = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  clientOrderId: z.string().nullish(),
  timestamp: optionalNum,
  lastUpdateTimestamp: optionalNum,
  side: z.enum(['buy', 'sell']),
  amount: num,
  filled: optionalNum,
  average: optionalNum,
  price: optionalNum,
  triggerPrice: optionalNum,
  stopPrice: optionalNum,
  reduceOnly: z.boolean().nullish(),
  timeInForce: z.string().nullish(),
  // REST replies use long keys; user-data stream events (`ORDER_TRADE_UPDATE.o`, `ALGO_UPDATE.o`) short ones.
  info: z.looseObject({
    symbol: z.string().min(1).optional(),
    s: z.string().min(1).optional(),
    status: z.string().optional(),
    algoStatus: z.string().optional(),
    X: z.string().optional(),
    type: z.string().optional(),
    orderType: z.string().optional(),
    origType: z.string().optional(),
    o: z.string().optional(),
  }),
})

const STATUS: Readonly<Record<string, OrderStatus>> = {
  NEW: 'NEW',
  PARTIALLY_FILLED: 'PARTIALLY_FILLED',
  FILLED: 'FILLED',
  CANCELED: 'CANCELED',
  CANCELLED: 'CANCELED',
  REJECTED: 'REJECTED',
  EXPIRED: 'EXPIRED',
  EXPIRED_IN_MATCH: 'EXPIRED',
  // Algo service statuses: a triggered conditional order became a market order (its fills follow).
  TRIGGERING: 'FILLED',
  TRIGGERED: 'FILLED',
  FINISHED: 'FILLED',
}

const TYPES: Readonly<Record<string, OrderType>> = {
  MARKET: 'MARKET',
  LIMIT: 'LIMIT',
  STOP_MARKET: 'STOP_MARKET',
  TAKE_PROFIT_MARKET: 'TAKE_PROFIT_MARKET',
}

const TIME_IN_FORCE: Readonly<Record<string, TimeInForce>> = {
  GTC: 'GTC',
  IOC: 'IOC',
  FOK: 'FOK',
  GTX: 'GTX',
  PO: 'GTX',
}

/** What the SDK keeps about an order that ccxt does not echo (its tag, the request's time). */
export interface OrderContext {
  readonly tag?: string
  /** Used when the reply has no timestamp. */
  readonly now: number
}

/**
 * Maps a ccxt order (regular or algo) to the SDK's {@link Order}, from Binance's raw `info` where
 * ccxt's unified fields are ambiguous (status, type, symbol id).
 * @throws {ExchangeError} naming the field when the reply is malformed or has an unknown status/type.
 */
export function fromCcxtOrder(raw: unknown, context: OrderContext): Order {
  const parsed = CcxtOrderSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ExchangeError(
      `binanceusdm order reply malformed at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
    )
  }
  const o = parsed.data
  const symbol = o.info.symbol ?? o.info.s
  if (symbol === undefined) throw new ExchangeError('binanceusdm order reply malformed at info.symbol: missing')
  const rawStatus = o.info.algoStatus ?? o.info.status ?? o.info.X ?? ''
  const rawType = o.info.orderType ?? o.info.origType ?? o.info.type ?? o.info.o ?? ''
  const status = STATUS[rawStatus]
  const type = TYPES[rawType]
  if (status === undefined || type === undefined) {
    throw new ExchangeError(
      `binanceusdm order reply: unknown ${status === undefined ? `status "${rawStatus}"` : `type "${rawType}"`}`,
      symbol,
    )
  }
  const created = o.timestamp ?? context.now
  const trigger = o.triggerPrice ?? o.stopPrice
  const tif = o.timeInForce === null || o.timeInForce === undefined ? undefined : TIME_IN_FORCE[o.timeInForce]
  const order: Order = {
    id: o.id,
    clientOrderId: o.clientOrderId ?? '',
    symbol,
    side: o.side === 'buy' ? 'BUY' : 'SELL',
    type,
    status,
    quantity: o.amount,
    ...(type === 'LIMIT' && o.price !== undefined && o.price > 0 ? { price: o.price } : {}),
    ...(isConditional(type) && trigger !== undefined && trigger > 0 ? { triggerPrice: trigger } : {}),
    reduceOnly: o.reduceOnly === true,
    ...(type === 'LIMIT' && tif !== undefined ? { timeInForce: tif } : {}),
    filledQuantity: o.filled ?? 0,
    averagePrice: o.average ?? 0,
    createdAt: created,
    updatedAt: o.lastUpdateTimestamp ?? created,
    ...(context.tag === undefined ? {} : { tag: context.tag }),
  }
  const checked = OrderSchema.safeParse(order)
  if (!checked.success) {
    const issue = checked.error.issues[0]
    throw new ExchangeError(
      `binanceusdm order reply invalid at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
      symbol,
    )
  }
  return checked.data
}
