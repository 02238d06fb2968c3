/**
 * Time for the emulator: a real clock (wall time) or a manual clock that only moves when a test
 * says so, both able to run callbacks at a given time (delayed fills, replayed bars, listenKey expiry).
 * @packageDocumentation
 */

/** Cancels a scheduled callback. */
export type CancelTimer = () => void

/** A source of time that can also run callbacks at a given time. */
export interface EmulatorClock {
  /** Current time, epoch ms. */
  now(): number
  /**
   * Runs `fn` once when the clock reaches `at` (epoch ms); at once (on a later turn) if it already has.
   * Returns a function that cancels it.
   */
  schedule(at: number, fn: () => void): CancelTimer
  /** Cancels every pending callback (called by `close()`). */
  dispose(): void
}

/** The wall clock (`Date.now()`), with `setTimeout` timers that never keep the process alive. */
export class RealClock implements EmulatorClock {
  private readonly timers = new Set<NodeJS.Timeout>()

  /** Current wall time, epoch ms. */
  now(): number {
    return Date.now()
  }

  /** Runs `fn` at wall time `at`. */
  schedule(at: number, fn: () => void): CancelTimer {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer)
        fn()
      },
      Math.max(0, at - Date.now()),
    )
    timer.unref()
    this.timers.add(timer)
    return () => {
      clearTimeout(timer)
      this.timers.delete(timer)
    }
  }

  /** Clears every pending timer. */
  dispose(): void {
    for (const t of this.timers) clearTimeout(t)
    this.timers.clear()
  }
}

interface Timer {
  readonly at: number
  readonly seq: number
  readonly fn: () => void
}

/**
 * A clock that stands still until {@link ManualClock.advance} or {@link ManualClock.set} moves it;
 * callbacks that fall due run synchronously, in time order (then scheduling order), each with the
 * clock set to its own time. Deterministic: tests never wait for wall time.
 * @example
 * const clock = new ManualClock(Date.UTC(2026, 0, 1))
 * clock.schedule(clock.now() + 1000, () => console.log('one second later'))
 * clock.advance(1000) // logs
 */
export class ManualClock implements EmulatorClock {
  private time: number
  private seq = 0
  private readonly timers: Timer[] = []

  /** @param start - the initial time, epoch ms */
  constructor(start: number) {
    this.time = start
  }

  /** Current (manual) time, epoch ms. */
  now(): number {
    return this.time
  }

  /** Runs `fn` when the clock reaches `at` (on the next `advance`/`set`, even by 0, if already due). */
  schedule(at: number, fn: () => void): CancelTimer {
    const timer: Timer = { at, seq: this.seq++, fn }
    this.timers.push(timer)
    return () => {
      const i = this.timers.indexOf(timer)
      if (i >= 0) this.timers.splice(i, 1)
    }
  }

  /** Moves the clock forward by `ms` (>= 0), running every callback that falls due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: expected ms >= 0, got ${ms}`)
    this.set(this.time + ms)
  }

  /** Moves the clock to `time` (never backwards), running every callback that falls due on the way. */
  set(time: number): void {
    if (time < this.time) throw new RangeError(`ManualClock.set: ${time} is before the current time ${this.time}`)
    for (;;) {
      const next = this.nextDue(time)
      if (next === undefined) break
      this.timers.splice(this.timers.indexOf(next), 1)
      if (next.at > this.time) this.time = next.at
      next.fn()
    }
    this.time = time
  }

  /** Number of pending callbacks. */
  get pending(): number {
    return this.timers.length
  }

  /** Drops every pending callback. */
  dispose(): void {
    this.timers.length = 0
  }

  private nextDue(limit: number): Timer | undefined {
    let best: Timer | undefined
    for (const t of this.timers) {
      if (t.at > limit) continue
      if (best === undefined || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t
    }
    return best
  }
}
