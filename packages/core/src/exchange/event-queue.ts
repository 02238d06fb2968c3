/**
 * Delivers exchange events in the order they happened, also when a listener reacts to one event by
 * placing or cancelling orders (whose events then follow the current one instead of overtaking it).
 * @packageDocumentation
 * @internal
 */
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
