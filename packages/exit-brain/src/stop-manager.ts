import { breakEvenPrice } from '@quantum/core'

/** Direction of the position a stop protects. */
export type StopSide = 'LONG' | 'SHORT'

/** Input of {@link breakEvenStop}. */
export interface BreakEvenStopInput {
  readonly side: StopSide
  /** Average entry price of the position. */
  readonly entry: number
  /** Taker fee rate paid on entry and on the stop's exit. @default 0.0005 */
  readonly feeRate?: number
  /** Tick size: the raw price is padded by half a tick so the exchange's half-up rounding never lands on the losing side. @default 0 */
  readonly tickSize?: number
}

/**
 * Break-even-plus-fees stop: the price at which closing the remaining size nets zero after the entry
 * fee and the exit fee, both at `feeRate` — long `entry·(1 + f)/(1 − f)`, short `entry·(1 − f)/(1 + f)`
 * — padded by half a tick towards profit.
 * @example breakEvenStop({ side: 'LONG', entry: 100, feeRate: 0.0005 }) // 100.1000500…
 */
export function breakEvenStop(input: BreakEvenStopInput): number {
  const { side, entry, feeRate = 0.0005, tickSize = 0 } = input
  const price = breakEvenPrice({ side, entry, takerFee: feeRate })
  return side === 'LONG' ? price + tickSize / 2 : price - tickSize / 2
}

/** Trailing-stop variants. */
export type TrailingType = 'atr' | 'percent' | 'chandelier'

/** Input of {@link trailingStop}. */
export interface TrailingStopInput {
  readonly type: TrailingType
  readonly side: StopSide
  /** Best price since entry: highest high (long) or lowest low (short). Used by `atr` and `percent`. */
  readonly best: number
  /** Highest high (long) / lowest low (short) over the chandelier window. */
  readonly extreme?: number
  /** Current ATR (price units); needed by `atr` and `chandelier`. */
  readonly atr?: number
  /** k of `k·ATR`. @default 2 */
  readonly atrMultiple?: number
  /** Distance in percent of the best price for `percent`. @default 1 */
  readonly percent?: number
}

/**
 * Candidate trailing stop: `atr` = best ∓ k·ATR, `percent` = best·(1 ∓ p/100), `chandelier` =
 * highest high over N bars − k·ATR (lowest low + k·ATR for shorts). NaN when an input is missing.
 * @example trailingStop({ type: 'percent', side: 'LONG', best: 110, percent: 1 }) // 108.9
 */
export function trailingStop(input: TrailingStopInput): number {
  const { type, side, best, atr = Number.NaN, atrMultiple = 2, percent = 1 } = input
  const dir = side === 'LONG' ? 1 : -1
  if (type === 'percent') return best * (1 - (dir * percent) / 100)
  const anchor = type === 'chandelier' ? (input.extreme ?? Number.NaN) : best
  return anchor - dir * atrMultiple * atr
}

/**
 * A stop never widens: returns the tighter of `current` and `candidate` (higher for a long, lower
 * for a short); a NaN candidate keeps `current`.
 * @example tightenStop({ side: 'LONG', current: 98, candidate: 97 }) // 98
 */
export function tightenStop(input: { side: StopSide; current: number; candidate: number }): number {
  const { side, current, candidate } = input
  if (!Number.isFinite(candidate)) return current
  return side === 'LONG' ? Math.max(current, candidate) : Math.min(current, candidate)
}

/** Input of {@link extendRunner}. */
export interface ExtendRunnerInput {
  readonly side: StopSide
  /** The bar's close. */
  readonly close: number
  /** Trigger of the leg before the runner (TP3 in a four-leg plan). */
  readonly previousTarget: number
  /** Current trigger of the runner. */
  readonly runnerTarget: number
  readonly atr: number
  readonly adx: number
  readonly ema: number
  /** Minimum ADX for a trend. @default 25 */
  readonly adxThreshold?: number
  /** The runner is kept at least `atrMultiple`·ATR beyond the close. @default 1 */
  readonly atrMultiple?: number
}

/**
 * Trend-following extension of the runner: when the close is beyond the previous leg's target, ADX is
 * at least `adxThreshold` and the close is on the trend side of the EMA, the runner target becomes
 * `close ± atrMultiple·ATR` if that is further out than it is now (it only ever moves out). Returns the
 * new target, or `undefined` when nothing changes.
 * @example extendRunner({ side: 'LONG', close: 106, previousTarget: 103.5, runnerTarget: 106.5, atr: 1, adx: 30, ema: 100 }) // 107
 */
export function extendRunner(input: ExtendRunnerInput): number | undefined {
  const { side, close, previousTarget, runnerTarget, atr, adx, ema, adxThreshold = 25, atrMultiple = 1 } = input
  if (![close, atr, adx, ema].every(Number.isFinite) || adx < adxThreshold) return undefined
  const dir = side === 'LONG' ? 1 : -1
  if (dir * (close - previousTarget) <= 0 || dir * (close - ema) <= 0) return undefined
  const target = close + dir * atrMultiple * atr
  return dir * (target - runnerTarget) > 0 ? target : undefined
}

/**
 * Rolling highest high and lowest low over the last `length` bars (the chandelier window), in a
 * fixed ring buffer.
 * @example const w = new ExtremeWindow(22); w.push(high, low); w.highest
 */
export class ExtremeWindow {
  private readonly highs: Float64Array
  private readonly lows: Float64Array
  private count = 0

  /** Creates a window of `length` bars. */
  constructor(private readonly length: number) {
    this.highs = new Float64Array(length)
    this.lows = new Float64Array(length)
  }

  /** Adds one bar's high and low, dropping the oldest when full. */
  push(high: number, low: number): void {
    const i = this.count % this.length
    this.highs[i] = high
    this.lows[i] = low
    this.count++
  }

  /** Highest high in the window (NaN when empty). */
  get highest(): number {
    const n = Math.min(this.count, this.length)
    return n === 0 ? Number.NaN : Math.max(...this.highs.subarray(0, n))
  }

  /** Lowest low in the window (NaN when empty). */
  get lowest(): number {
    const n = Math.min(this.count, this.length)
    return n === 0 ? Number.NaN : Math.min(...this.lows.subarray(0, n))
  }
}
