import { parsePeriod } from './parse-period.js'
import type { StreamingKernel } from './types.js'

/** TA-Lib's `TA_IS_ZERO` threshold. */
const ZERO = 1e-8

/**
 * Streaming relative strength index, TA-Lib-exact: average gain/loss seeded with the mean of the
 * first `period` changes, then Wilder-smoothed; `RSI = 100·gain/(gain+loss)`, and 0 when
 * `gain + loss` is (near) zero (TA-Lib's rule for a flat window).
 *
 * technicalindicators' `RSI` rounds every value to 2 decimals (up to 0.005 off TA-Lib) and returns
 * 100 for a flat window; use this kernel when TA-Lib agreement matters.
 * @example
 * const rsi = new Rsi(14)
 * rsi.update(close) // NaN for bars 0..13
 */
export class Rsi implements StreamingKernel {
  /** Smoothing length. */
  readonly period: number
  private prev = 0
  private hasPrev = false
  private gain = 0
  private loss = 0
  private count = 0
  private isReady = false
  private current = NaN

  /**
   * @param period - smoothing length, an integer ≥ 1.
   * @throws {ConfigError} when `period` is not an integer ≥ 1.
   */
  constructor(period: number) {
    this.period = parsePeriod(period, 'Rsi')
  }

  /** Feeds one close; returns the RSI (0..100), `NaN` for the first `period` closes. */
  update(x: number): number {
    if (!this.hasPrev) {
      this.hasPrev = true
      this.prev = x
      return NaN
    }
    const diff = x - this.prev
    this.prev = x
    const n = this.period
    if (this.isReady) {
      this.gain = (this.gain * (n - 1) + (diff > 0 ? diff : 0)) / n
      this.loss = (this.loss * (n - 1) + (diff < 0 ? -diff : 0)) / n
    } else {
      if (diff < 0) this.loss -= diff
      else this.gain += diff
      if (++this.count < n) return NaN
      this.gain /= n
      this.loss /= n
      this.isReady = true
    }
    const total = this.gain + this.loss
    const v = total > -ZERO && total < ZERO ? 0 : 100 * (this.gain / total)
    this.current = v
    return v
  }

  /** The latest RSI, `NaN` during warm-up. */
  get value(): number {
    return this.current
  }

  /** True once `period + 1` closes have been seen. */
  get ready(): boolean {
    return this.isReady
  }

  /** Forgets every input. */
  reset(): void {
    this.prev = 0
    this.hasPrev = false
    this.gain = 0
    this.loss = 0
    this.count = 0
    this.isReady = false
    this.current = NaN
  }
}
