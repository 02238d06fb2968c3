import { z } from 'zod'
import { parseOrThrow } from '../validate.js'
import { Ema } from './ema.js'
import type { StreamingKernel } from './types.js'

const macdSchema = z
  .object({ fast: z.number().int().min(1), slow: z.number().int().min(2), signal: z.number().int().min(1) })
  .refine((o) => o.fast < o.slow, { message: 'fast period must be shorter than slow period', path: ['fast'] })

/**
 * Streaming MACD, TA-Lib-exact: the slow EMA is seeded with the SMA of closes `0..slow−1`, the fast
 * EMA with the SMA of closes `slow−fast..slow−1` (so both start at bar `slow−1`), and the signal EMA
 * with the SMA of the first `signal` MACD values; all three outputs start at bar `slow+signal−2`
 * (33 for 12/26/9), as TA-Lib `MACD`.
 *
 * Bit-identical to TA-Lib on the fixtures. technicalindicators' `MACD` seeds the fast EMA on closes
 * `0..fast−1` instead: up to 28 % (line) / 43 % (signal) off at bar 33, within 1e-6 of TA-Lib only
 * from about bar 92–123.
 * @example
 * const macd = new Macd(12, 26, 9)
 * macd.update(close)
 * if (macd.ready) use(macd.macd, macd.signal, macd.histogram)
 */
export class Macd implements StreamingKernel {
  private readonly fastEma: Ema
  private readonly slowEma: Ema
  private readonly signalEma: Ema
  private readonly skip: number
  private skipped = 0
  private line = NaN
  private sig = NaN
  private hist = NaN

  /**
   * @param fast - fast EMA period. @default 12
   * @param slow - slow EMA period, greater than `fast`. @default 26
   * @param signal - signal EMA period. @default 9
   * @throws {ConfigError} when a period is not a positive integer or `fast >= slow`.
   */
  constructor(fast = 12, slow = 26, signal = 9) {
    const o = parseOrThrow(macdSchema, { fast, slow, signal }, 'periods of Macd')
    this.fastEma = new Ema(o.fast)
    this.slowEma = new Ema(o.slow)
    this.signalEma = new Ema(o.signal)
    this.skip = o.slow - o.fast
  }

  /** Feeds one close; returns the MACD line, `NaN` until all three outputs exist. */
  update(x: number): number {
    const slow = this.slowEma.update(x)
    if (this.skipped < this.skip) {
      this.skipped++
      return NaN
    }
    const fast = this.fastEma.update(x)
    if (slow !== slow) return NaN
    const line = fast - slow
    const sig = this.signalEma.update(line)
    if (sig !== sig) return NaN
    this.line = line
    this.sig = sig
    this.hist = line - sig
    return line
  }

  /** The MACD line (fast EMA − slow EMA), `NaN` during warm-up. */
  get value(): number {
    return this.line
  }

  /** The MACD line (same as {@link Macd.value}). */
  get macd(): number {
    return this.line
  }

  /** The signal line (EMA of the MACD line). */
  get signal(): number {
    return this.sig
  }

  /** MACD line − signal line. */
  get histogram(): number {
    return this.hist
  }

  /** True from bar `slow + signal − 2` on. */
  get ready(): boolean {
    return this.line === this.line
  }

  /** Forgets every input. */
  reset(): void {
    this.fastEma.reset()
    this.slowEma.reset()
    this.signalEma.reset()
    this.skipped = 0
    this.line = NaN
    this.sig = NaN
    this.hist = NaN
  }
}
