import { z } from 'zod'
import { parseOrThrow } from '../validate.js'
import { feeRate, positive, sideSchema } from './schemas.js'
import type { PositionDirection } from './types.js'

/** Input of {@link sizeFromRisk}. */
export interface SizeFromRiskInput {
  /** Account equity (USDT). */
  readonly equity: number
  /** Fraction of equity to lose at the stop: 0.01 = 1 %; in (0, 1]. */
  readonly riskPct: number
  /** Entry price. */
  readonly entry: number
  /** Stop price; below the entry for a long, above for a short. */
  readonly stop: number
  /** Direction; checked against the stop. @default inferred: LONG when `stop < entry` */
  readonly side?: PositionDirection
  /** Fee rate paid on the entry and on the stop fill (0.0004 = 0.04 % taker). @default 0 */
  readonly feeRate?: number
  /** Quantity step (LOT_SIZE `stepSize`); the quantity is rounded **down** to it. @default undefined (no rounding) */
  readonly stepSize?: number
}

const schema = z
  .object({
    equity: positive(),
    riskPct: z.number().finite().gt(0).lte(1),
    entry: positive(),
    stop: positive(),
    side: sideSchema.optional(),
    feeRate: feeRate().default(0),
    stepSize: positive().optional(),
  })
  .refine((o) => o.stop !== o.entry, { message: 'stop must differ from entry', path: ['stop'] })
  .refine((o) => o.side === undefined || (o.side === 'LONG' ? o.stop < o.entry : o.stop > o.entry), {
    message: 'stop is on the wrong side of the entry (LONG: stop < entry, SHORT: stop > entry)',
    path: ['stop'],
  })

/** Number of decimals of a step such as 0.001 or 1e-8. */
function stepDecimals(step: number): number {
  const [mantissa = '', exponent] = step.toString().split('e-')
  const fraction = mantissa.split('.')[1]?.length ?? 0
  return fraction + (exponent === undefined ? 0 : Number(exponent))
}

/**
 * Rounds a quantity down to a multiple of `step` (LOT_SIZE), tolerating binary noise
 * (`0.3 / 0.1` = 2.9999999999999996 → 3 steps) and returning a clean decimal.
 * @internal Not in the barrel: the exchange's `truncateToStep` is the public one.
 * @example floorToStep(0.12345, 0.001) // 0.123
 */
export function floorToStep(quantity: number, step: number): number {
  const steps = Math.floor(quantity / step + 1e-9)
  return Number((steps * step).toFixed(stepDecimals(step)))
}

/**
 * Position size (base quantity) such that the loss at the stop, fees included, equals
 * `riskPct · equity`: `q = riskPct·equity / (|entry − stop| + feeRate·(entry + stop))`, rounded
 * down to `stepSize`. The result may be 0 after rounding; min-quantity / min-notional checks are the
 * caller's.
 * @throws {ConfigError} for non-positive prices or equity, `riskPct` outside (0, 1], or a stop equal
 * to the entry or on the wrong side of it.
 * @example
 * sizeFromRisk({ equity: 10_000, riskPct: 0.01, entry: 50_000, stop: 49_000, stepSize: 0.001 }) // 0.1
 */
export function sizeFromRisk(input: SizeFromRiskInput): number {
  const o = parseOrThrow(schema, input, 'sizeFromRisk input')
  const lossPerUnit = Math.abs(o.entry - o.stop) + o.feeRate * (o.entry + o.stop)
  const quantity = (o.riskPct * o.equity) / lossPerUnit
  return o.stepSize === undefined ? quantity : floorToStep(quantity, o.stepSize)
}
