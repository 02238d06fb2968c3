import { z } from 'zod'
import { parseOrThrow } from '../validate.js'
import { feeRate, nonNegative, positive, sideSchema, sign } from './schemas.js'
import type { PositionDirection } from './types.js'

/** Input of {@link pnl}. */
export interface PnlInput {
  /** Position direction. */
  readonly side: PositionDirection
  /** Entry price. */
  readonly entry: number
  /** Exit (or mark) price. */
  readonly exit: number
  /** Base quantity, ≥ 0 (the direction is `side`). */
  readonly quantity: number
  /** Fee rate charged on both fills' notional, subtracted from the result. @default 0 (gross PnL) */
  readonly feeRate?: number
}

const schema = z.object({
  side: sideSchema,
  entry: positive(),
  exit: positive(),
  quantity: nonNegative(),
  feeRate: feeRate().default(0),
})

/**
 * PnL of a linear (USDⓈ-M) position in quote currency: `dir·(exit − entry)·quantity`, minus
 * `feeRate·quantity·(entry + exit)` when a fee rate is given.
 * @throws {ConfigError} for a negative quantity, non-positive prices or a bad side.
 * @example pnl({ side: 'SHORT', entry: 100, exit: 90, quantity: 2 }) // 20
 */
export function pnl(input: PnlInput): number {
  const o = parseOrThrow(schema, input, 'pnl input')
  const gross = sign(o.side) * (o.exit - o.entry) * o.quantity
  return o.feeRate === 0 ? gross : gross - o.feeRate * o.quantity * (o.entry + o.exit)
}
