import { parsePeriod } from './parse-period.js'
import type { StreamingKernel } from './types.js'

/**
 * Streaming money flow index, TA-Lib-exact: typical price `(h+l+c)/3`, raw flow `tp·volume`
 * counted positive when `tp` rises, negative when it falls, in neither when unchanged; `MFI =
 * 100·pos/(pos+neg)` over the last `period` flows, and 0 when `pos + neg < 1` (TA-Lib's rule).
 *
 * technicalindicators' `MFI` rounds to 2 decimals and counts an unchanged typical price as
 * negative flow (off TA-Lib by up to 1.8 on the TA-Lib reference series).
 * @example
 * const mfi = new Mfi(14)
 * mfi.update(high, low, close, volume) // NaN for bars 0..13
 */
export class Mfi implements StreamingKernel {
  /** Window length, in flows. */
  readonly period: number
  private readonly positive: Float64Array
  private readonly negative: Float64Array
  private head = 0
  private flows = 0
  private posSum = 0
  private negSum = 0
  private prevTp = NaN
  private current = NaN

  /**
   * @param period - window length, an integer ≥ 1. @default 14
   * @throws {ConfigError} when `period` is not an integer ≥ 1.
   */
  constructor(period = 14) {
    this.period = parsePeriod(period, 'Mfi')
    this.positive = new Float64Array(this.period)
    this.negative = new Float64Array(this.period)
  }

  /**
   * Feeds one bar; returns the MFI (0..100), `NaN` for bars `0..period−1`. Four positional
   * numbers by design: the hot path takes no per-bar object.
   */
  // eslint-disable-next-line max-params -- hot-path kernel: positional numbers, no per-bar object
  update(high: number, low: number, close: number, volume: number): number {
    const tp = (high + low + close) / 3
    const prev = this.prevTp
    this.prevTp = tp
    if (prev !== prev) return NaN
    const flow = tp * volume
    const pos = tp > prev ? flow : 0
    const neg = tp < prev ? flow : 0
    const h = this.head
    this.posSum = this.posSum - (this.positive[h] as number) + pos
    this.negSum = this.negSum - (this.negative[h] as number) + neg
    this.positive[h] = pos
    this.negative[h] = neg
    this.head = h + 1 === this.period ? 0 : h + 1
    if (this.flows < this.period && ++this.flows < this.period) return NaN
    const total = this.posSum + this.negSum
    const v = total < 1 ? 0 : 100 * (this.posSum / total)
    this.current = v
    return v
  }

  /** The latest MFI, `NaN` during warm-up. */
  get value(): number {
    return this.current
  }

  /** True once `period` money flows (bars `1..period`) have been seen. */
  get ready(): boolean {
    return this.current === this.current
  }

  /** Forgets every input. */
  reset(): void {
    this.positive.fill(0)
    this.negative.fill(0)
    this.head = 0
    this.flows = 0
    this.posSum = 0
    this.negSum = 0
    this.prevTp = NaN
    this.current = NaN
  }
}
