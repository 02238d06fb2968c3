/**
 * A synchronous multicast with the Subject's contract where the engine uses it (exchange events, the
 * event bus), and none of its per-value cost: RxJS's `Subject.next` wraps each delivery in a new closure
 * and walks its observers with an iterator, two allocations per event per subject, and an order's fill
 * passes through both subjects several times (measured in the per-signal bench's allocation profile).
 * @packageDocumentation
 * @internal
 */
import { Observable, type Subscriber } from 'rxjs'

/**
 * Delivers each value to the subscribers present when it is emitted, in subscription order. A
 * subscriber added or removed during a delivery takes effect from the next value (the list is copied on
 * change, never on emit). After {@link Broadcast.complete}, values are ignored and late subscribers
 * complete at once, as with a completed Subject.
 */
export class Broadcast<T> {
  private subscribers: readonly Subscriber<T>[] = []
  private stopped = false

  /** The values as an Observable (what `events$` streams expose). */
  readonly observable: Observable<T> = new Observable<T>((subscriber) => {
    if (this.stopped) {
      subscriber.complete()
      return undefined
    }
    this.subscribers = [...this.subscribers, subscriber]
    return () => {
      this.subscribers = this.subscribers.filter((s) => s !== subscriber)
    }
  })

  /** Whether someone is subscribed (emitters skip building values nobody receives). */
  get observed(): boolean {
    return this.subscribers.length > 0
  }

  /** How many are subscribed. */
  get count(): number {
    return this.subscribers.length
  }

  /** Delivers `value` to every current subscriber. */
  next(value: T): void {
    if (this.stopped) return
    const subscribers = this.subscribers
    for (let i = 0; i < subscribers.length; i++) subscribers[i]!.next(value)
  }

  /** Completes every subscriber; later values are ignored. */
  complete(): void {
    if (this.stopped) return
    this.stopped = true
    const subscribers = this.subscribers
    this.subscribers = []
    for (const s of subscribers) s.complete()
  }
}
