import { parsePeriod } from './parse-period.js'
import type { StreamingKernel } from './types.js'

/**
 * Streaming simple moving average over a ring buffer (no allocation after construction).
 *
 * Keeps TA-Lib's running-sum evaluation order (`partial + x`, then drop the oldest), so results
 * are bit-identical to TA-Lib `SMA`. The running sum accumulates rounding error of the order of
 * 1e-16 relative per update, which stays far below any practical tolerance.
 * @example
 * const sma = new Sma(20)
 * const mid = sma.update(close)
 */
export class Sma implements StreamingKernel {
  /** Window length. */
  readonly period: number
  private readonly buffer: Float64Array
  private head = 0
  private count = 0
  private partial = 0
  private current = NaN

  /**
   * @param period - window length, an integer ≥ 1.
   * @throws {ConfigError} when `period` is not an integer ≥ 1.
   */
  constructor(period: number) {
    this.period = parsePeriod(period, 'Sma')
    this.buffer = new Float64Array(this.period)
  }

  /** Feeds one input; returns the mean of the last `period` inputs, `NaN` before `period` inputs. */
  update(x: number): number {
    const p = this.period
    const buffer = this.buffer
    const h = this.head
    buffer[h] = x
    const next = h + 1 === p ? 0 : h + 1
    this.head = next
    const total = this.partial + x
    if (this.count < p - 1) {
      this.count++
      this.partial = total
      return NaN
    }
    this.count = p
    // buffer[next] is the oldest value of the current window: it leaves before the next input.
    this.partial = total - (buffer[next] as number)
    const v = total / p
    this.current = v
    return v
  }

  /** The latest mean, `NaN` during warm-up. */
  get value(): number {
    return this.current
  }

  /** True once `period` inputs have been seen. */
  get ready(): boolean {
    return this.count === this.period
  }

  /** Forgets every input. */
  reset(): void {
    this.buffer.fill(0)
    this.head = 0
    this.count = 0
    this.partial = 0
    this.current = NaN
  }
}
