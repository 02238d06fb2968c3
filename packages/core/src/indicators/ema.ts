import { parsePeriod } from './parse-period.js'
import type { StreamingKernel } from './types.js'

/**
 * Streaming exponential moving average, TA-Lib convention: seeded with the SMA of the first
 * `period` inputs, then `ema += (x − ema)·α` with `α = 2/(period+1)`.
 *
 * Bit-identical to TA-Lib `EMA` and technicalindicators `EMA` (same seed, same update expression).
 * The reference strategy writes `ema·(1−α) + x·α`: the same number up to the last bit.
 * @example
 * const ema = new Ema(12)
 * for (const close of closes) ema.update(close) // NaN for the first 11 bars
 */
export class Ema implements StreamingKernel {
  /** Number of inputs averaged by the seed; also the warm-up length. */
  readonly period: number
  /** Smoothing factor `2/(period+1)`. */
  readonly alpha: number
  private current = NaN
  private sum = 0
  private count = 0
  private isReady = false

  /**
   * @param period - look-back, an integer ≥ 1.
   * @throws {ConfigError} when `period` is not an integer ≥ 1.
   */
  constructor(period: number) {
    this.period = parsePeriod(period, 'Ema')
    this.alpha = 2 / (this.period + 1)
  }

  /** Feeds one input; returns the EMA, or `NaN` during the first `period − 1` inputs. */
  update(x: number): number {
    if (this.isReady) {
      const v = (x - this.current) * this.alpha + this.current
      this.current = v
      return v
    }
    this.sum += x
    if (++this.count < this.period) return NaN
    this.current = this.sum / this.period
    this.isReady = true
    return this.current
  }

  /** The latest EMA, `NaN` during warm-up. */
  get value(): number {
    return this.current
  }

  /** True once `period` inputs have been seen. */
  get ready(): boolean {
    return this.isReady
  }

  /** Forgets every input. */
  reset(): void {
    this.current = NaN
    this.sum = 0
    this.count = 0
    this.isReady = false
  }
}
