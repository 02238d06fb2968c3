/**
 * Binance's per-minute budgets: request weight (429 -1003 past it, then 418 after repeated
 * violations) and order count (429 -1015).
 * @packageDocumentation
 * @internal
 */

/** Outcome of charging one request. */
export interface Charge {
  /** `ok`, over the weight or order budget (`limited`), or banned (`banned`). */
  readonly verdict: 'ok' | 'limited' | 'orders' | 'banned'
  /** Weight used in the current minute (the `X-MBX-USED-WEIGHT-1M` header). */
  readonly usedWeight: number
  /** Orders placed in the current minute (the `X-MBX-ORDER-COUNT-1M` header). */
  readonly orderCount: number
  /** End of the ban, epoch ms (when banned). */
  readonly bannedUntil: number
}

/** Budgets of one emulator, in fixed one-minute windows of emulator time. */
export class RateLimiter {
  private minute = Number.NaN
  private weight = 0
  private orders = 0
  private rejected = 0
  private bannedUntil = 0

  constructor(private readonly limits: { weight: number; orders: number; banAfter: number }) {}

  /** Weight used so far in the minute of `now` (without charging anything). */
  used(now: number): number {
    this.roll(now)
    return this.weight
  }

  /** Charges a request of `weight` (and one order when `order`) at time `now`. */
  charge(now: number, weight: number, order: boolean): Charge {
    const minute = this.roll(now)
    const result = (verdict: Charge['verdict']): Charge => ({
      verdict,
      usedWeight: this.weight,
      orderCount: this.orders,
      bannedUntil: this.bannedUntil,
    })
    if (now < this.bannedUntil) return result('banned')
    this.weight += weight
    if (order) this.orders++
    if (this.weight > this.limits.weight) {
      this.rejected++
      if (this.rejected > this.limits.banAfter) {
        this.bannedUntil = (minute + 1) * 60_000
        return result('banned')
      }
      return result('limited')
    }
    if (order && this.orders > this.limits.orders) return result('orders')
    return result('ok')
  }

  private roll(now: number): number {
    const minute = Math.floor(now / 60_000)
    if (minute !== this.minute) {
      this.minute = minute
      this.weight = 0
      this.orders = 0
      this.rejected = 0
    }
    return minute
  }
}
