/**
 * The paper exchange's account as data: what a paper run with a state store journals and what a
 * restart puts back (wallet and ledger totals, positions, working orders, id counters, the last bar).
 * @packageDocumentation
 */
import { z } from 'zod'
import { DataError } from '../errors.js'
import { OrderSchema } from '../schemas.js'
import type { Core } from './core.js'
import type { WorkingOrder } from './state.js'

const finite = z.number().refine(Number.isFinite, 'must be finite')

/** A paper account, as stored (JSON): validated with this schema when it is read back. */
export const PaperAccountStateSchema = z.strictObject({
  version: z.literal(1),
  /** The latest bar open time the exchange had seen (epoch ms). */
  time: finite,
  ledger: z.strictObject({
    startBalance: finite,
    realizedPnl: finite,
    fees: finite,
    liquidationFees: finite,
    funding: finite,
    wallet: finite,
    fills: z.number().int().min(0),
    fundingPayments: z.number().int().min(0),
  }),
  positions: z.array(
    z.strictObject({
      symbol: z.string(),
      /** Signed size (long > 0). */
      quantity: finite,
      entryPrice: finite,
      margin: finite,
      openedAt: finite,
      liquidationPrice: finite,
      markPrice: finite,
      lastPrice: z.number().nullable(),
    }),
  ),
  leverage: z.record(z.string(), finite),
  orders: z.array(OrderSchema),
  ids: z.strictObject({ order: z.number().int(), fill: z.number().int(), liquidation: z.number().int() }),
})

/** A paper account, as stored. */
export type PaperAccountState = z.infer<typeof PaperAccountStateSchema>

/** The account of `core` now. */
export function exportAccount(core: Core): PaperAccountState {
  const book = core.book
  const positions: PaperAccountState['positions'] = []
  const leverage: Record<string, number> = {}
  const orders: PaperAccountState['orders'] = []
  for (const s of book.list) {
    leverage[s.symbol] = s.leverage
    if (s.posQty !== 0) {
      positions.push({
        symbol: s.symbol,
        quantity: s.posQty,
        entryPrice: s.entryPrice,
        margin: s.margin,
        openedAt: s.openedAt,
        liquidationPrice: s.liqPrice,
        markPrice: s.markPrice,
        lastPrice: Number.isFinite(s.lastPrice) ? s.lastPrice : null,
      })
    }
    for (const w of s.orders) if (w.working) orders.push({ ...w.order })
  }
  return {
    version: 1,
    time: book.time,
    ledger: book.ledger.snapshot(),
    positions,
    leverage,
    orders,
    ids: { ...core.ids },
  }
}

/**
 * Puts a stored account into a fresh exchange (`core` with no fills or orders yet): balance and
 * ledger, positions, working orders (active from the next bar), id counters; funding up to the stored
 * time counts as settled.
 * @throws {DataError} when `state` is not a paper account, or names a symbol the exchange does not know.
 */
export function restoreAccount(core: Core, state: unknown, source: string): void {
  const parsed = PaperAccountStateSchema.safeParse(state)
  if (!parsed.success) {
    throw new DataError(
      source,
      parsed.error.issues.map((i) => ({ kind: 'parse' as const, message: `${i.path.join('.')}: ${i.message}` })),
    )
  }
  const account = parsed.data
  const book = core.book
  const stateOf = (symbol: string) => {
    const s = book.states.get(symbol)
    if (s === undefined) throw new DataError(source, [{ kind: 'parse', message: `unknown symbol ${symbol}` }])
    return s
  }
  book.ledger.restore(account.ledger)
  book.time = account.time
  for (const [symbol, leverage] of Object.entries(account.leverage)) {
    if (book.states.has(symbol)) stateOf(symbol).leverage = leverage
  }
  for (const p of account.positions) {
    const s = stateOf(p.symbol)
    s.posQty = p.quantity
    s.entryPrice = p.entryPrice
    s.margin = p.margin
    s.openedAt = p.openedAt
    s.liqPrice = p.liquidationPrice
    s.markPrice = p.markPrice
    s.lastPrice = p.lastPrice ?? Number.NaN
  }
  for (const order of account.orders) {
    const s = stateOf(order.symbol)
    const w: WorkingOrder = {
      order: { ...order },
      activeFrom: 0,
      seenOpen: true,
      checkNotionalAtFill: false,
      working: true,
    }
    s.orders.push(w)
    s.working++
    if (order.clientOrderId !== '') core.clientIds.set(order.clientOrderId, w)
  }
  for (const s of book.list) {
    if (s.funding !== undefined) {
      while (s.funding.nextTime <= account.time) s.funding.advance()
      s.nextFundingTime = s.funding.nextTime
    }
    book.touch(s)
  }
  Object.assign(core.ids, account.ids)
  book.version++
}
