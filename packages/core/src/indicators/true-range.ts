import type { StreamingKernel } from './types.js'

/**
 * Streaming true range: `max(high, prevClose) − min(low, prevClose)`, defined from the second bar
 * (bar 0 has no previous close and yields `NaN`), as TA-Lib `TRANGE` and technicalindicators.
 * @example
 * const tr = new TrueRange()
 * tr.update(high, low, close)
 */
export class TrueRange implements StreamingKernel {
  private prevClose = NaN
  private hasPrev = false
  private current = NaN

  /** Feeds one bar; returns its true range, `NaN` on the first bar. */
  update(high: number, low: number, close: number): number {
    const pc = this.prevClose
    this.prevClose = close
    if (!this.hasPrev) {
      this.hasPrev = true
      return NaN
    }
    const v = (high > pc ? high : pc) - (low < pc ? low : pc)
    this.current = v
    return v
  }

  /** The latest true range, `NaN` until the second bar. */
  get value(): number {
    return this.current
  }

  /** True from the second bar on. */
  get ready(): boolean {
    return this.current === this.current
  }

  /** Forgets every input. */
  reset(): void {
    this.prevClose = NaN
    this.hasPrev = false
    this.current = NaN
  }
}
