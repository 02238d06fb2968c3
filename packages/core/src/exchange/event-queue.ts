/**
 * Delivers exchange events in the order they happened, also when a listener reacts to one event by
 * placing or cancelling orders (whose events then follow the current one instead of overtaking it).
 * @packageDocumentation
 * @internal
 */
import { Observable } from 'rxjs'
import { Broadcast } from '../broadcast.js'
import type { ExchangeEvent } from '../types.js'

/** A FIFO in front of a {@link Broadcast}; `hold`/`release` make a multi-event change visible only once complete. */
export class EventQueue {
  /** The stream listeners subscribe to. */
  readonly subject = new Broadcast<ExchangeEvent>()
  private readonly queue: ExchangeEvent[] = []
  private head = 0
  private holds = 0
  private draining = false

  /**
   * Whether a listener is subscribed: events are copies of live records, so callers skip building
   * them when nobody would receive them (a Subject delivers nothing to later subscribers anyway).
   */
  get listening(): boolean {
    return this.subject.observed
  }

  /** What each subscriber of {@link EventQueue.lean} says about order events (asked per event). */
  private readonly leanWants: (() => boolean)[] = []

  /**
   * Whether an `order` event of a working order (placed, filled, cancelled, expired) would reach
   * someone who reads it: a subscriber of {@link EventQueue.subject}, or a {@link EventQueue.lean} one
   * that wants them now. Rejected orders go to every listener regardless.
   */
  get ordersWanted(): boolean {
    if (this.subject.count > this.leanWants.length) return true
    for (const wants of this.leanWants) if (wants()) return true
    return false
  }

  /**
   * The events, for a subscriber that needs the order events of working orders only while
   * `wantsOrders()` says so: while no subscriber wants them, they are not built (a copy of the order
   * per status change). It still receives whatever is emitted, fills and rejections always.
   */
  lean(wantsOrders: () => boolean): Observable<ExchangeEvent> {
    return new Observable<ExchangeEvent>((subscriber) => {
      this.leanWants.push(wantsOrders)
      const subscription = this.subject.observable.subscribe(subscriber)
      return () => {
        subscription.unsubscribe()
        this.leanWants.splice(this.leanWants.indexOf(wantsOrders), 1)
      }
    })
  }

  /** Queues an event and delivers it now unless a change is in progress or a delivery is running. */
  emit(event: ExchangeEvent): void {
    this.queue.push(event)
    if (this.holds === 0) this.flush()
  }

  /** Starts a change: events queue up until the matching {@link release}. */
  hold(): void {
    this.holds++
  }

  /** Ends a change and delivers what it queued. */
  release(): void {
    this.holds--
    if (this.holds === 0 && this.queue.length > 0) this.flush()
  }

  private flush(): void {
    if (this.draining) return
    this.draining = true
    try {
      while (this.head < this.queue.length) this.subject.next(this.queue[this.head++]!)
    } finally {
      this.queue.length = 0
      this.head = 0
      this.draining = false
    }
  }
}
