/**
 * The shared internals of one paper exchange (config, account, event queue, id counters) and the
 * order lifecycle helpers every part uses.
 * @packageDocumentation
 * @internal
 */
import type { Order, OrderStatus } from '../schemas.js'
import type { AccountBook } from './account.js'
import type { ClosedOrders } from './closed-orders.js'
import type { EventQueue } from './event-queue.js'
import type { ResolvedOptions } from './options.js'
import type { SymbolState, WorkingOrder } from './state.js'

/** Internals of one paper exchange, passed to the matching and fill functions. */
export interface Core {
  readonly config: ResolvedOptions
  readonly book: AccountBook
  readonly events: EventQueue
  /** Counters for order, fill and liquidation ids (deterministic per exchange). */
  readonly ids: { order: number; fill: number; liquidation: number }
  /**
   * Working orders by clientOrderId, for ids the caller chose (duplicates of working orders are refused).
   * Default ids (`paper-<id>`) stay out: one Map insert and delete per order showed in the per-order bench.
   */
  readonly clientIds: Map<string, WorkingOrder>
  /**
   * Recently finished orders in a ring (bounded by `keepClosedOrders`). A ring rather than a Map:
   * they are only looked up when a finished order is cancelled (rare), while one is added per order.
   */
  readonly closed: ClosedOrders
}

/** A copy of an order for events and return values (the working record keeps changing). */
export function snapshot(order: Order): Order {
  return { ...order }
}

/** A remembered finished order by id or clientOrderId, if still in the ring. */
export function findClosed(core: Core, idOrClientId: string): Order | undefined {
  return core.closed.find(idOrClientId)
}

/** Emits the order's current state as an `order` event (a rejection to any listener, else only when wanted). */
export function emitOrder(core: Core, order: Order): void {
  const events = core.events
  if (order.status === 'REJECTED' ? events.listening : events.ordersWanted)
    events.emit({ type: 'order', order: snapshot(order) })
}

/** Exchange time for order timestamps: the configured clock, else the latest bar open time. */
export function nowOf(core: Core): number {
  return core.config.clock === undefined ? core.book.time : core.config.clock.now()
}

/** Moves a working order to a final status, with why, and emits it. */
export function finishOrder(
  core: Core,
  target: { s: SymbolState; w: WorkingOrder },
  end: { status: Exclude<OrderStatus, 'NEW' | 'PARTIALLY_FILLED'>; reason?: string; time?: number },
): void {
  const { s, w } = target
  if (!w.working) return
  const o = w.order
  w.working = false
  s.working--
  o.status = end.status
  o.updatedAt = end.time ?? nowOf(core)
  if (end.reason !== undefined) o.reason = end.reason
  if (core.clientIds.get(o.clientOrderId) === w) core.clientIds.delete(o.clientOrderId)
  core.closed.add(o)
  core.book.touch(s)
  emitOrder(core, o)
}

/** Removes finished orders from a symbol's list (only between bars or at the end of one). */
export function compactOrders(s: SymbolState): void {
  if (s.orders.length === s.working) return
  let k = 0
  for (const w of s.orders) if (w.working) s.orders[k++] = w
  s.orders.length = k
}
