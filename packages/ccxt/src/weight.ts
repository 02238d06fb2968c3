/** Binance USD-M request weight per minute (the `REQUEST_WEIGHT` rate limit of exchangeInfo). */
export const USDM_WEIGHT_PER_MINUTE = 2400

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

  /** Milliseconds to wait before the next call (0 when under the threshold). */
  delay(now: number): number {
    if (this.current(now) < this.limit * this.threshold) return 0
    return (this.minute + 1) * 60_000 - now
  }
}
