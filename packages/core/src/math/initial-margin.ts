import { z } from 'zod'
import { parseOrThrow } from '../validate.js'
import { nonNegative } from './schemas.js'

/** Input of {@link initialMargin}. */
export interface InitialMarginInput {
  /** Position notional, `quantity · price` (USDT, ≥ 0). */
  readonly notional: number
  /** Leverage, from 1 to 125 (Binance's maximum). */
  readonly leverage: number
}

const schema = z.object({ notional: nonNegative(), leverage: z.number().finite().min(1).max(125) })

/**
 * Initial margin of a linear position: `notional / leverage` (Binance: the bracket's
 * `initialLeverage` caps the leverage; fees are not included).
 * @throws {ConfigError} for a negative notional or a leverage outside [1, 125].
 * @example initialMargin({ notional: 10_000, leverage: 20 }) // 500
 */
export function initialMargin(input: InitialMarginInput): number {
  const o = parseOrThrow(schema, input, 'initialMargin input')
  return o.notional / o.leverage
}
