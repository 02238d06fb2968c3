import { parsePeriod } from './parse-period.js'
import type { StreamingKernel } from './types.js'

/**
 * Streaming Wilder moving average (RMA, SMMA): seeded with the SMA of the first `period` inputs,
 * then `rma = (rma·(period−1) + x) / period` — TA-Lib's evaluation order for ATR and RSI.
 *
 * Also exported as `Wilder`. technicalindicators' `WEMA` computes `rma + (x − rma)/period`, equal up
 * to rounding (≈1e-15 relative).
 * @example
 * const rma = new Rma(14)
 * rma.update(trueRange)
 */
export class Rma implements StreamingKernel {
  /** Smoothing length; also the warm-up length. */
  readonly period: number
  private current = NaN
  private sum = 0
  private count = 0
  private isReady = false

  /**
   * @param period - smoothing length, an integer ≥ 1.
   * @throws {ConfigError} when `period` is not an integer ≥ 1.
   */
  constructor(period: number) {
    this.period = parsePeriod(period, 'Rma')
  }

  /** Feeds one input; returns the smoothed value, `NaN` during the first `period − 1` inputs. */
  update(x: number): number {
    const n = this.period
    if (this.isReady) {
      const v = (this.current * (n - 1) + x) / n
      this.current = v
      return v
    }
    this.sum += x
    if (++this.count < n) return NaN
    this.current = this.sum / n
    this.isReady = true
    return this.current
  }

  /** The latest value, `NaN` during warm-up. */
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
