/** Binance USD-M request weight per minute (the `REQUEST_WEIGHT` rate limit of exchangeInfo). */
export const USDM_WEIGHT_PER_MINUTE = 2400

/**
 * What a call is for, as the weight budget sees it: `protective` calls (stops, reduce-only closes,
 * cancels) are never held below the venue's own limit; `normal` calls (entries, reads, leverage) wait
 * for the next minute above the threshold (or are refused, see the adapter's `overBudget`).
 */
export type WeightLane = 'protective' | 'normal'

/** Options of {@link UsedWeight}. */
export interface UsedWeightOptions {
  /** Weight budget per minute. @default 2400 */
  readonly limit?: number
  /** Fraction of the budget above which calls wait for the next minute. @default 0.8 */
  readonly threshold?: number
}

/**
 * Tracks Binance's `X-MBX-USED-WEIGHT-1M` response header (ccxt exposes it but does not act on it) and
 * tells how long to wait before the next call so the budget is not exhausted: 0 below the threshold,
 * else until the next minute boundary of the venue's clock.
 * @example weight.observe(exchange.last_response_headers, Date.now()); await sleep(weight.delay(Date.now()))
 */
export class UsedWeight {
  private used = 0
  private minute = -1
  private readonly limit: number
  private readonly threshold: number

  constructor(options: UsedWeightOptions = {}) {
    this.limit = options.limit ?? USDM_WEIGHT_PER_MINUTE
    this.threshold = options.threshold ?? 0.8
  }

  /** Reads the used weight from a response's headers (any letter case); ignores replies without it. */
  observe(headers: Readonly<Record<string, unknown>> | undefined, now: number): void {
    if (headers === undefined) return
    const key = Object.keys(headers).find((k) => k.toLowerCase() === 'x-mbx-used-weight-1m')
    const value = key === undefined ? Number.NaN : Number(headers[key])
    if (!Number.isFinite(value) || value < 0) return
    this.used = value
    this.minute = Math.floor(now / 60_000)
  }

  /** Weight used in the current minute as last reported (0 once the minute has passed). */
  current(now: number): number {
    return Math.floor(now / 60_000) === this.minute ? this.used : 0
  }

  /**
   * Milliseconds to wait before the next call of `lane`: 0 under the threshold; a `protective` call waits
   * only once the whole budget is used (the venue would refuse it anyway), so a stop is never held back
   * for the sake of entries and reads.
   */
  delay(now: number, lane: WeightLane = 'normal'): number {
    const ceiling = lane === 'protective' ? this.limit : this.limit * this.threshold
    if (this.current(now) < ceiling) return 0
    return (this.minute + 1) * 60_000 - now
  }
}
