import { z } from 'zod'
import { parseOrThrow } from '../validate.js'
import { feeRate, positive, sideSchema } from './schemas.js'
import type { PositionDirection } from './types.js'

/** Input of {@link breakEvenPrice}. */
export interface BreakEvenPriceInput {
  /** Position direction. */
  readonly side: PositionDirection
  /** Entry price. */
  readonly entry: number
  /** Fee rate of the entry fill (taker; 0.0004 = 0.04 %). Also the exit rate unless `makerFee` is given. */
  readonly takerFee: number
  /** Fee rate of the exit fill when it rests as a maker order. @default `takerFee` */
  readonly makerFee?: number
}

const schema = z.object({ side: sideSchema, entry: positive(), takerFee: feeRate(), makerFee: feeRate().optional() })

/**
 * Exit price at which a linear position's PnL exactly pays the entry fee (`takerFee`) and the exit
 * fee (`makerFee`, default `takerFee`): long `entry·(1 + fIn)/(1 − fOut)`, short
 * `entry·(1 − fIn)/(1 + fOut)`. Independent of the quantity.
 * @throws {ConfigError} for a non-positive entry or fee rates outside [0, 10 %].
 * @example breakEvenPrice({ side: 'LONG', entry: 100, takerFee: 0.0004 }) // 100.08003…
 */
export function breakEvenPrice(input: BreakEvenPriceInput): number {
  const o = parseOrThrow(schema, input, 'breakEvenPrice input')
  const feeIn = o.takerFee
  const feeOut = o.makerFee ?? o.takerFee
  return o.side === 'LONG' ? (o.entry * (1 + feeIn)) / (1 - feeOut) : (o.entry * (1 - feeIn)) / (1 + feeOut)
}
