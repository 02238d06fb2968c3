/**
 * The paper exchange's memory of finished orders (bounded by `keepClosedOrders`), kept in columns.
 * One order finishes per order placed, and a ring of order objects kept every one of them alive past a
 * few young-generation collections: the collector then copied and promoted them all (a third of the
 * per-order time in `npm run bench`). Columns of numbers and shared strings hold the same facts without
 * keeping an object per order; an order is rebuilt only when asked for (a cancel of a finished order).
 * @packageDocumentation
 * @internal
 */
import {
  OrderSideSchema,
  OrderStatusSchema,
  OrderTypeSchema,
  TimeInForceSchema,
  type Order,
  type TimeInForce,
} from '../schemas.js'

const SIDES = OrderSideSchema.options
const TYPES = OrderTypeSchema.options
const STATUSES = OrderStatusSchema.options
const TIFS: readonly (TimeInForce | undefined)[] = [undefined, ...TimeInForceSchema.options]
/** Position of each value in its list (a keyed load, cheaper than `indexOf` on every order). */
function codesOf<T extends string>(values: readonly T[]): Record<T, number> {
  return Object.fromEntries(values.map((v, i) => [v, i])) as Record<T, number>
}
const SIDE_CODE = codesOf(SIDES)
const TYPE_CODE = codesOf(TYPES)
const STATUS_CODE = codesOf(STATUSES)
const TIF_CODE = codesOf(TimeInForceSchema.options)
const NUMBERS = 9
const [ID, QTY, QUOTE, PRICE, TRIGGER, FILLED, AVG, CREATED, UPDATED] = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const
const FIRST_CAPACITY = 1024

/**
 * The positive integer `id` is the decimal of, when `String` of that number gives `id` back (then the
 * number alone restores it), else NaN. One pass, no string-to-number conversion.
 */
export function countOf(id: string): number {
  const n = id.length
  if (n === 0 || n > 15 || id.charCodeAt(0) === 48) return Number.NaN
  let value = 0
  for (let i = 0; i < n; i++) {
    const c = id.charCodeAt(i)
    if (c < 48 || c > 57) return Number.NaN
    value = value * 10 + (c - 48)
  }
  return value
}

/** Whether `clientOrderId` is the paper exchange's default for order `id` (`paper-<id>`). */
export function isDefaultClientId(clientOrderId: string, id: string): boolean {
  return clientOrderId.length === id.length + 6 && clientOrderId.startsWith('paper-') && clientOrderId.endsWith(id)
}

/** A ring of the last `capacity` finished orders, newest overwriting oldest. */
export class ClosedOrders {
  private numbers = new Float64Array(0)
  private codes = new Uint8Array(0)
  private readonly symbols: string[] = []
  /** The id when it is not a plain count (restored state), else undefined. */
  private readonly ids: (string | undefined)[] = []
  /** The clientOrderId when it is not `paper-<id>`, else undefined. */
  private readonly clientIds: (string | undefined)[] = []
  private readonly tags: (string | undefined)[] = []
  private readonly reasons: (string | undefined)[] = []
  private size = 0
  private next = 0

  /** @param capacity - how many finished orders to keep (0 keeps none). */
  constructor(private readonly capacity: number) {}

  /** Remembers `order` in its final state (later changes to the object are not seen). */
  add(order: Order): void {
    if (this.capacity === 0) return
    if (this.size < this.capacity && this.size === this.codes.length / 5) this.grow()
    const i = this.next
    const num = this.numbers
    const at = i * NUMBERS
    const count = countOf(order.id)
    const plain = !Number.isNaN(count)
    num[at + ID] = plain ? count : 0
    num[at + QTY] = order.quantity
    num[at + QUOTE] = order.quoteQuantity ?? Number.NaN
    num[at + PRICE] = order.price ?? Number.NaN
    num[at + TRIGGER] = order.triggerPrice ?? Number.NaN
    num[at + FILLED] = order.filledQuantity
    num[at + AVG] = order.averagePrice
    num[at + CREATED] = order.createdAt
    num[at + UPDATED] = order.updatedAt
    const c = i * 5
    this.codes[c] = SIDE_CODE[order.side]
    this.codes[c + 1] = TYPE_CODE[order.type]
    this.codes[c + 2] = STATUS_CODE[order.status]
    this.codes[c + 3] = order.timeInForce === undefined ? 0 : TIF_CODE[order.timeInForce] + 1
    this.codes[c + 4] = order.reduceOnly ? 1 : 0
    this.symbols[i] = order.symbol
    this.ids[i] = plain ? undefined : order.id
    this.clientIds[i] = isDefaultClientId(order.clientOrderId, order.id) ? undefined : order.clientOrderId
    this.tags[i] = order.tag
    this.reasons[i] = order.reason
    if (this.size < this.capacity) this.size++
    this.next = (i + 1) % this.capacity
  }

  /** The newest remembered order with this id or clientOrderId, rebuilt; undefined when not kept. */
  find(idOrClientId: string): Order | undefined {
    for (let k = 1; k <= this.size; k++) {
      const i = (this.next - k + this.capacity) % this.capacity
      const id = this.idAt(i)
      if (id === idOrClientId || (this.clientIds[i] ?? `paper-${id}`) === idOrClientId) return this.orderAt(i, id)
    }
    return undefined
  }

  private idAt(i: number): string {
    return this.ids[i] ?? String(this.numbers[i * NUMBERS + ID])
  }

  private orderAt(i: number, id: string): Order {
    const num = this.numbers
    const at = i * NUMBERS
    const opt = (x: number): number | undefined => (Number.isNaN(x) ? undefined : x)
    const c = i * 5
    return {
      id,
      clientOrderId: this.clientIds[i] ?? `paper-${id}`,
      symbol: this.symbols[i]!,
      side: SIDES[this.codes[c]!]!,
      type: TYPES[this.codes[c + 1]!]!,
      status: STATUSES[this.codes[c + 2]!]!,
      quantity: num[at + QTY]!,
      quoteQuantity: opt(num[at + QUOTE]!),
      price: opt(num[at + PRICE]!),
      triggerPrice: opt(num[at + TRIGGER]!),
      reduceOnly: this.codes[c + 4] === 1,
      timeInForce: TIFS[this.codes[c + 3]!],
      filledQuantity: num[at + FILLED]!,
      averagePrice: num[at + AVG]!,
      createdAt: num[at + CREATED]!,
      updatedAt: num[at + UPDATED]!,
      tag: this.tags[i],
      reason: this.reasons[i],
    }
  }

  /** Doubles the columns (up to the capacity): a small `keepClosedOrders` costs little, a large one grows as used. */
  private grow(): void {
    const rows = Math.min(this.capacity, Math.max(FIRST_CAPACITY, this.size * 2))
    const numbers = new Float64Array(rows * NUMBERS)
    numbers.set(this.numbers)
    const codes = new Uint8Array(rows * 5)
    codes.set(this.codes)
    this.numbers = numbers
    this.codes = codes
  }
}
