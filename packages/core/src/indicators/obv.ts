import type { StreamingKernel } from './types.js'

/**
 * Streaming on-balance volume, TA-Lib-exact: `OBV[0] = volume[0]`, then ± volume when the close
 * rises/falls (unchanged on an equal close).
 *
 * technicalindicators' `OBV` starts at bar 1 from 0, i.e. it is TA-Lib's OBV minus `volume[0]`
 * (a constant offset that never decays).
 * @example
 * const obv = new Obv()
 * obv.update(close, volume)
 */
export class Obv implements StreamingKernel {
  private prevClose = NaN
  private current = NaN

  /** Feeds one bar; returns the running OBV (defined from the first bar). */
  update(close: number, volume: number): number {
    const pc = this.prevClose
    this.prevClose = close
    let v = this.current
    if (v !== v) v = volume
    else if (close > pc) v += volume
    else if (close < pc) v -= volume
    this.current = v
    return v
  }

  /** The latest OBV, `NaN` before the first bar. */
  get value(): number {
    return this.current
  }

  /** True from the first bar on. */
  get ready(): boolean {
    return this.current === this.current
  }

  /** Forgets every input. */
  reset(): void {
    this.prevClose = NaN
    this.current = NaN
  }
}
