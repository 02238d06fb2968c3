import { queueScheduler, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs'
import type { Clock } from '../types.js'

/**
 * A clock driven by the engine: `now()` is the open time of the bar being processed. Its scheduler
 * runs work synchronously (queue semantics) and reports simulated time, so time-based operators see
 * the market's time, not the wall clock, and a backtest stays deterministic.
 */
export class SimulatedClock implements Clock {
  private time: number
  /** RxJS scheduler whose `now()` is the simulated time. */
  readonly scheduler: SchedulerLike

  constructor(start = 0) {
    this.time = start
    this.scheduler = {
      now: () => this.time,
      schedule: <T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription =>
        queueScheduler.schedule(work, delay, state),
    }
  }

  /** Current simulated time (epoch ms). */
  now(): number {
    return this.time
  }

  /** Moves the clock to `time`. Engine-only; time never goes backwards. */
  set(time: number): void {
    if (time > this.time) this.time = time
  }
}
