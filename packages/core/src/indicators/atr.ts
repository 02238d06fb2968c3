import { parsePeriod } from './parse-period.js'
import { Rma } from './rma.js'
import { TrueRange } from './true-range.js'
import type { StreamingKernel } from './types.js'

/**
 * Streaming average true range with Wilder smoothing, TA-Lib convention: TR from bar 1,
 * `ATR[period] = mean(TR[1..period])`, then `ATR = (ATR·(period−1) + TR) / period` — the
 * {@link TrueRange} kernel fed into the {@link Rma} kernel.
 *
 * Bit-identical to TA-Lib `ATR` on the fixtures; technicalindicators' `ATR` and the reference
 * strategy's ATR(14) (`atr·(1−1/n) + tr/n`) differ by rounding only (≤ 1e-15 relative).
 * @example
 * const atr = new Atr(14)
 * const a = atr.update(high, low, close) // NaN for bars 0..13
 */
export class Atr implements StreamingKernel {
  /** Smoothing length. */
  readonly period: number
  private readonly tr = new TrueRange()
  private readonly rma: Rma

  /**
   * @param period - smoothing length, an integer ≥ 1.
   * @throws {ConfigError} when `period` is not an integer ≥ 1.
   */
  constructor(period: number) {
    this.period = parsePeriod(period, 'Atr')
    this.rma = new Rma(this.period)
  }

  /** Feeds one bar; returns the ATR, `NaN` for the first `period` bars (indices 0..period−1). */
  update(high: number, low: number, close: number): number {
    const tr = this.tr.update(high, low, close)
    return tr === tr ? this.rma.update(tr) : NaN
  }

  /** The latest ATR, `NaN` during warm-up. */
  get value(): number {
    return this.rma.value
  }

  /** True once `period + 1` bars have been seen. */
  get ready(): boolean {
    return this.rma.ready
  }

  /** Forgets every input. */
  reset(): void {
    this.tr.reset()
    this.rma.reset()
  }
}
