import type { Fill, Order } from '../../schemas.js'
import type { AccountView, OrderIntent, PendingOrder } from '../../types.js'

/** One entry on its way (internal to the sink). */
export interface PendingEntry {
  readonly intent: OrderIntent
  state: PendingOrder['state']
  /** Base quantity executed and not yet seen as fills (state `unfilled`). */
  unseen: number
  orderId: string
  /** When it was answered (epoch ms, state `unfilled`). */
  ackedAt: number
}

/** Fills remembered by order id for executions reported before their order's answer. */
const RECENT_FILLS = 1000

/**
 * The entries a venue sink has taken and the account does not show yet: queued, in flight, or executed
 * with fills still on their way. The live engine's account view adds them ({@link withPendingOrders}),
 * so risk guards count the true exposure. An executed entry whose fills never arrive (a dropped stream)
 * is let go after `ttlMs`; reconciliation brings the position in.
 */
export class PendingEntries {
  private readonly entries = new Set<PendingEntry>()
  private readonly recentFills = new Map<string, number>()

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = 30_000,
  ) {}

  /** Takes an intent the sink has queued. */
  add(intent: OrderIntent): PendingEntry {
    const entry: PendingEntry = { intent, state: 'queued', unseen: 0, orderId: '', ackedAt: 0 }
    this.entries.add(entry)
    return entry
  }

  /** The entry is being sent. */
  sending(entry: PendingEntry): void {
    entry.state = 'in-flight'
  }

  /**
   * The venue's answer: what is still working shows on the book (the account's open orders count it);
   * what executed waits here until its fills are seen. `undefined` (refused) drops the entry.
   */
  answered(entry: PendingEntry, order: Order | undefined): void {
    const unseen = order === undefined ? 0 : order.filledQuantity - (this.recentFills.get(order.id) ?? 0)
    if (order === undefined || unseen <= 1e-12) {
      this.entries.delete(entry)
      return
    }
    entry.state = 'unfilled'
    entry.unseen = unseen
    entry.orderId = order.id
    entry.ackedAt = this.now()
  }

  /** A fill from the venue: the executed quantity is now in the position. */
  onFill(fill: Fill): void {
    for (const entry of this.entries) {
      if (entry.state !== 'unfilled' || entry.orderId !== fill.orderId) continue
      entry.unseen -= fill.quantity
      if (entry.unseen <= 1e-12) this.entries.delete(entry)
      return
    }
    this.recentFills.set(fill.orderId, (this.recentFills.get(fill.orderId) ?? 0) + fill.quantity)
    if (this.recentFills.size > RECENT_FILLS) this.recentFills.delete(this.recentFills.keys().next().value!)
  }

  /** Entries still on their way, optionally of one symbol. */
  list(symbol?: string): PendingOrder[] {
    const out: PendingOrder[] = []
    const expired = this.now() - this.ttlMs
    for (const entry of this.entries) {
      if (entry.state === 'unfilled' && entry.ackedAt < expired) {
        this.entries.delete(entry)
        continue
      }
      const i = entry.intent
      if (symbol !== undefined && i.symbol !== symbol) continue
      const price = i.price ?? i.triggerPrice
      const quantity = entry.state === 'unfilled' ? entry.unseen : i.quantity
      out.push({
        symbol: i.symbol,
        side: i.side,
        state: entry.state,
        ...(quantity === undefined ? {} : { quantity }),
        ...(quantity === undefined && i.quoteQuantity !== undefined ? { quoteQuantity: i.quoteQuantity } : {}),
        ...(price === undefined ? {} : { price }),
      })
    }
    return out
  }
}

/** `account` with {@link AccountView.getPendingOrders} answered from `pending` (the live engine's view). */
export function withPendingOrders(account: AccountView, pending: PendingEntries): AccountView {
  return {
    getPosition: (symbol) => account.getPosition(symbol),
    getPositions: () => account.getPositions(),
    getBalance: () => account.getBalance(),
    getOpenOrders: (symbol) => account.getOpenOrders(symbol),
    getLastPrice: (symbol) => account.getLastPrice(symbol),
    getEquity: () => account.getEquity(),
    getPendingOrders: (symbol) => pending.list(symbol),
  }
}
