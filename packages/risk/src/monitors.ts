/**
 * Account measures shared by the guards and the emergency stop: the drawdown since the start of the
 * UTC day, the open (unrealised) loss, and rolling closes for correlations.
 * @packageDocumentation
 */
import type { AccountView } from '@quantum/core'

const DAY_MS = 86_400_000

/**
 * Tracks equity within a UTC day: the reference is the equity at the first mark of the day (the start
 * of day equity, as prop-trading daily loss limits use). Feed it marks in time order.
 * @example const day = new DailyEquity(); day.mark(time, equity); day.drawdown() // 0.031
 */
export class DailyEquity {
  private day = Number.NaN
  private start = Number.NaN
  private last = Number.NaN

  /** Records the equity at `time` (epoch ms); a new UTC day resets the reference. */
  mark(time: number, equity: number): void {
    const day = Math.floor(time / DAY_MS)
    if (day !== this.day || !Number.isFinite(this.start)) {
      this.day = day
      this.start = equity
    }
    this.last = equity
  }

  /** Forgets the reference: the next mark becomes the start of the day (after an emergency stop reset). */
  restart(): void {
    this.start = Number.NaN
  }

  /** Equity at the start of the current day (NaN before the first mark). */
  get dayStart(): number {
    return this.start
  }

  /** Fraction of the start-of-day equity lost so far today (0 when up or before any mark). */
  drawdown(): number {
    if (!(this.start > 0) || !Number.isFinite(this.last)) return 0
    return Math.max(0, (this.start - this.last) / this.start)
  }
}

/** Unrealised loss of every open position as a fraction of equity (0 when the book is in profit or flat). */
export function openLossFraction(account: AccountView): number {
  let pnl = 0
  for (const p of account.getPositions()) pnl += p.unrealizedPnl
  const equity = account.getEquity()
  if (pnl >= 0 || !(equity > 0)) return 0
  return -pnl / (equity - pnl)
}

/**
 * Rolling closes per symbol (a fixed-size ring per symbol) and the Pearson correlation of two symbols'
 * simple returns over their common recent bars.
 */
export class ReturnWindow {
  private readonly rings = new Map<string, { times: Float64Array; closes: Float64Array; next: number; size: number }>()

  /** @param window bars of returns kept per symbol. */
  constructor(private readonly window: number) {}

  /** Records the close of `symbol` at `time` (a repeated time overwrites). */
  push(symbol: string, time: number, close: number): void {
    let ring = this.rings.get(symbol)
    if (ring === undefined) {
      const n = this.window + 1
      ring = { times: new Float64Array(n), closes: new Float64Array(n), next: 0, size: 0 }
      this.rings.set(symbol, ring)
    }
    const n = ring.times.length
    const lastIdx = (ring.next - 1 + n) % n
    if (ring.size > 0 && ring.times[lastIdx] === time) {
      ring.closes[lastIdx] = close
      return
    }
    ring.times[ring.next] = time
    ring.closes[ring.next] = close
    ring.next = (ring.next + 1) % n
    ring.size = Math.min(n, ring.size + 1)
  }

  /** Returns of `symbol` keyed by the time of the later close, oldest first. */
  returns(symbol: string): Map<number, number> {
    const out = new Map<number, number>()
    const ring = this.rings.get(symbol)
    if (ring === undefined) return out
    const n = ring.times.length
    const first = (ring.next - ring.size + n) % n
    for (let k = 1; k < ring.size; k++) {
      const prev = ring.closes[(first + k - 1) % n]!
      const cur = ring.closes[(first + k) % n]!
      out.set(ring.times[(first + k) % n]!, cur / prev - 1)
    }
    return out
  }

  /** Correlation of the two symbols' returns on common times, or undefined with fewer than `minSamples`. */
  correlation(a: string, b: string, minSamples: number): number | undefined {
    const ra = this.returns(a)
    const rb = this.returns(b)
    const xs: number[] = []
    const ys: number[] = []
    for (const [t, x] of ra) {
      const y = rb.get(t)
      if (y !== undefined) {
        xs.push(x)
        ys.push(y)
      }
    }
    if (xs.length < minSamples) return undefined
    return pearson(xs, ys)
  }
}

/** Pearson correlation of two equal-length samples (0 when either is constant). */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length
  let mx = 0
  let my = 0
  for (let i = 0; i < n; i++) {
    mx += xs[i]!
    my += ys[i]!
  }
  mx /= n
  my /= n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx
    const dy = ys[i]! - my
    sxy += dx * dy
    sxx += dx * dx
    syy += dy * dy
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy)
}
