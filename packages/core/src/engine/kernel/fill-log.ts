/**
 * A run's fills, kept in columns. Every fill of a run stays in its result, and an array of fill objects
 * kept them all alive: each outlived the young generation, was copied and promoted (in the per-signal
 * bench, a quarter of the time went to the collector; without the array, a third more signals per
 * second). Columns of numbers and shared strings hold the same facts; the objects are built once, when
 * the result's `fills` are first read.
 * @packageDocumentation
 * @internal
 */
import type { Fill } from '../../schemas.js'
import { countOf, isDefaultClientId } from '../../exchange/closed-orders.js'
import { RowChunks } from '../../row-chunks.js'

const NUMBERS = 8
const [ID, ORDER_ID, PRICE, QTY, FEE, PNL, TIME, DECISION] = [0, 1, 2, 3, 4, 5, 6, 7] as const
/** Bits of a fill's code byte. */
const BUY = 1
const MAKER = 2
const REDUCE_ONLY = 4
const HAS_TAG = 8
const HAS_LIQUIDATION = 16
const LIQUIDATION = 32
const HAS_DECISION = 64

/** Strings a fill's numbers cannot restore: ids that are not plain counts, a client id not `paper-<orderId>`. */
interface OddIds {
  id?: string
  orderId?: string
  clientOrderId?: string
}

/** Fills in arrival order; read them with {@link FillLog.toArray} (built once, then extended). */
export class FillLog {
  private readonly rows = new RowChunks({ numbers: NUMBERS, bytes: 1, strings: 2 })
  private readonly odd = new Map<number, OddIds>()
  private built: Fill[] = []

  /** Fills recorded. */
  get length(): number {
    return this.rows.length
  }

  /** Records `fill` as it is now. */
  push(fill: Fill): void {
    const rows = this.rows
    const i = rows.append()
    const num = rows.numbers
    const at = rows.numberAt
    const id = countOf(fill.id)
    const orderId = countOf(fill.orderId)
    const plainId = !Number.isNaN(id)
    const plainOrder = !Number.isNaN(orderId)
    num[at + ID] = plainId ? id : 0
    num[at + ORDER_ID] = plainOrder ? orderId : 0
    num[at + PRICE] = fill.price
    num[at + QTY] = fill.quantity
    num[at + FEE] = fill.fee
    num[at + PNL] = fill.realizedPnl
    num[at + TIME] = fill.time
    num[at + DECISION] = fill.decisionPrice ?? 0
    rows.bytes[rows.byteAt] =
      (fill.side === 'BUY' ? BUY : 0) |
      (fill.liquidity === 'maker' ? MAKER : 0) |
      (fill.reduceOnly ? REDUCE_ONLY : 0) |
      ('tag' in fill ? HAS_TAG : 0) |
      (fill.liquidation === undefined ? 0 : HAS_LIQUIDATION) |
      (fill.liquidation === true ? LIQUIDATION : 0) |
      (fill.decisionPrice === undefined ? 0 : HAS_DECISION)
    rows.strings[rows.stringAt] = fill.symbol
    rows.strings[rows.stringAt + 1] = fill.tag
    const defaultClient = isDefaultClientId(fill.clientOrderId, fill.orderId)
    if (!plainId || !plainOrder || !defaultClient) {
      this.odd.set(i, {
        ...(plainId ? {} : { id: fill.id }),
        ...(plainOrder ? {} : { orderId: fill.orderId }),
        ...(defaultClient ? {} : { clientOrderId: fill.clientOrderId }),
      })
    }
  }

  /** Every fill, oldest first: one array, extended with the fills recorded since the last call. */
  toArray(): Fill[] {
    const built = this.built
    for (let i = built.length; i < this.rows.length; i++) built.push(this.fillAt(i))
    return built
  }

  private fillAt(i: number): Fill {
    const rows = this.rows
    rows.seek(i)
    const num = rows.numbers
    const at = rows.numberAt
    const code = rows.bytes[rows.byteAt]!
    const odd = this.odd.get(i)
    const orderId = odd?.orderId ?? String(num[at + ORDER_ID])
    const fill: Fill = {
      id: odd?.id ?? String(num[at + ID]),
      orderId,
      clientOrderId: odd?.clientOrderId ?? `paper-${orderId}`,
      symbol: rows.strings[rows.stringAt]!,
      side: code & BUY ? 'BUY' : 'SELL',
      price: num[at + PRICE]!,
      quantity: num[at + QTY]!,
      fee: num[at + FEE]!,
      liquidity: code & MAKER ? 'maker' : 'taker',
      realizedPnl: num[at + PNL]!,
      time: num[at + TIME]!,
      reduceOnly: (code & REDUCE_ONLY) !== 0,
    }
    if (code & HAS_TAG) fill.tag = rows.strings[rows.stringAt + 1]
    if (code & HAS_LIQUIDATION) fill.liquidation = (code & LIQUIDATION) !== 0
    if (code & HAS_DECISION) fill.decisionPrice = num[at + DECISION]!
    return fill
  }
}
