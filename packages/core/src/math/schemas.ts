/**
 * zod building blocks of the trading-math functions (validated once per call, off the hot path).
 * @internal
 * @packageDocumentation
 */
import { z } from 'zod'

/** Position direction of a linear perpetual. */
export const sideSchema = z.enum(['LONG', 'SHORT'])
/** A finite number > 0. */
export const positive = () => z.number().finite().positive()
/** A finite number ≥ 0. */
export const nonNegative = () => z.number().finite().nonnegative()
/** A fee rate as a fraction (0.0004 = 0.04 %), from 0 to 10 %. */
export const feeRate = () => z.number().finite().min(0).max(0.1)

/** A number, or a numeric string as Binance sends (`"0.004"`). */
export const numeric = () =>
  z.union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, 'expected a numeric string')
      .transform(Number),
  ])

/** Direction sign: +1 for LONG, −1 for SHORT. */
export function sign(side: 'LONG' | 'SHORT'): 1 | -1 {
  return side === 'LONG' ? 1 : -1
}
