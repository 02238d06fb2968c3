/**
 * The order-request check on the order path: the same rules as `OrderRequestSchema` (which stays the
 * documented contract and is used at external boundaries), hand-written because a zod parse cost more
 * than the rest of order entry together (measured in `npm run bench`). A test keeps the two in step.
 * @packageDocumentation
 * @internal
 */
import { InvalidOrder } from '../errors.js'
import type { OrderRequest } from '../schemas.js'

const SIDES: ReadonlySet<unknown> = new Set(['BUY', 'SELL'])
const TYPES: ReadonlySet<unknown> = new Set(['MARKET', 'LIMIT', 'STOP_MARKET', 'TAKE_PROFIT_MARKET'])
const TIFS: ReadonlySet<unknown> = new Set(['GTC', 'IOC', 'FOK', 'GTX'])
const SYMBOL = /^[A-Z0-9]{2,30}$/
/** The last symbol that passed {@link SYMBOL} (runs trade few symbols: skips the regex on the order path). */
let lastGoodSymbol = ''

/** Shows a bad value in a message (`NaN`, `-1`, `"yes"`, `object`). */
function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? typeof v)
}

function fail(request: Record<string, unknown>, field: string, message: string): never {
  const symbol = typeof request.symbol === 'string' ? request.symbol : undefined
  throw new InvalidOrder(`Invalid order request: ${field}: ${message}`, symbol, field)
}

function positiveOrAbsent(request: Record<string, unknown>, field: string): void {
  const v = request[field]
  if (v === undefined) return
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
    fail(request, field, `expected a finite number > 0, got ${show(v)}`)
}

/**
 * Checks an order request and returns it typed (unknown keys are ignored, as the schema strips them).
 * @throws {InvalidOrder} naming the first bad field.
 */
export function checkOrderRequest(input: unknown): OrderRequest {
  if (typeof input !== 'object' || input === null) throw new InvalidOrder('Invalid order request: expected an object')
  const r = input as Record<string, unknown>
  if (r.symbol !== lastGoodSymbol) {
    if (typeof r.symbol !== 'string' || !SYMBOL.test(r.symbol))
      fail(r, 'symbol', 'expected an upper-case symbol such as BTCUSDT')
    lastGoodSymbol = r.symbol
  }
  if (!SIDES.has(r.side)) fail(r, 'side', `expected BUY or SELL, got ${show(r.side)}`)
  if (!TYPES.has(r.type)) fail(r, 'type', `unknown order type ${show(r.type)}`)
  positiveOrAbsent(r, 'quantity')
  positiveOrAbsent(r, 'quoteQuantity')
  positiveOrAbsent(r, 'price')
  positiveOrAbsent(r, 'triggerPrice')
  if (r.reduceOnly !== undefined && typeof r.reduceOnly !== 'boolean') fail(r, 'reduceOnly', 'expected a boolean')
  if (r.timeInForce !== undefined && !TIFS.has(r.timeInForce))
    fail(r, 'timeInForce', `unknown time in force ${show(r.timeInForce)}`)
  const id = r.clientOrderId
  if (id !== undefined && (typeof id !== 'string' || id.length < 1 || id.length > 36))
    fail(r, 'clientOrderId', 'expected 1 to 36 characters')
  if (r.tag !== undefined && typeof r.tag !== 'string') fail(r, 'tag', 'expected a string')
  if ((r.quantity === undefined) === (r.quoteQuantity === undefined))
    fail(r, 'quantity', 'exactly one of quantity or quoteQuantity is required')
  if (r.type === 'LIMIT' && r.price === undefined) fail(r, 'price', 'LIMIT needs a price')
  if ((r.type === 'STOP_MARKET' || r.type === 'TAKE_PROFIT_MARKET') && r.triggerPrice === undefined) {
    fail(r, 'triggerPrice', 'STOP_MARKET and TAKE_PROFIT_MARKET need a triggerPrice')
  }
  return r as OrderRequest
}
