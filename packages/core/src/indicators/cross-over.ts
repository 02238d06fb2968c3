import type { StreamingKernel } from './types.js'

/**
 * Streaming crossover detector with the last-non-zero-difference rule (backtrader `CrossOver`, the
 * reference strategy's `nzd`): with `d = a − b`, a bull cross (+1) when the last non-zero `d` was
 * negative and `d > 0` now, a bear cross (−1) when it was positive and `d < 0` now, else 0.
 *
 * Inputs that are `NaN` (e.g. an EMA still warming up) are skipped and return `NaN`; the first
 * finite difference only seeds the state (it is the reference's `nzd[25]`) and also returns `NaN`.
 * @example
 * const cross = new CrossOver()
 * const signal = cross.update(ema12.update(close), ema26.update(close)) // +1 | -1 | 0 | NaN
 */
export class CrossOver implements StreamingKernel {
  private nzd = 0
  private seeded = false
  private current = NaN

  /** Feeds the two series' latest values; returns +1 (bull), −1 (bear), 0, or `NaN` while warming up. */
  update(a: number, b: number): number {
    const d = a - b
    if (d !== d) return NaN
    if (!this.seeded) {
      this.seeded = true
      this.nzd = d
      return NaN
    }
    const last = this.nzd
    const v = last < 0 && d > 0 ? 1 : last > 0 && d < 0 ? -1 : 0
    if (d !== 0) this.nzd = d
    this.current = v
    return v
  }

  /** The latest signal (+1, −1, 0), `NaN` until two finite differences have been seen. */
  get value(): number {
    return this.current
  }

  /** True once a signal can be produced (second finite difference). */
  get ready(): boolean {
    return this.current === this.current
  }

  /** Forgets every input. */
  reset(): void {
    this.nzd = 0
    this.seeded = false
    this.current = NaN
  }
}
