import { z } from 'zod'
import { parseOrThrow } from '../validate.js'
import { nonNegative, positive, sideSchema, sign } from './schemas.js'
import type { PositionDirection } from './types.js'

/** Input of {@link liquidationPrice}. */
export interface LiquidationPriceInput {
  /** Position direction. */
  readonly side: PositionDirection
  /** Entry price. */
  readonly entry: number
  /** Base quantity, > 0. */
  readonly quantity: number
  /** Isolated wallet balance: the margin assigned to the position (USDT, ≥ 0). */
  readonly walletBalance: number
  /** Maintenance margin rate of the position's bracket (fraction, in [0, 1)). */
  readonly maintenanceMarginRate: number
  /** Maintenance amount of the bracket (Binance "cum", USDT, ≥ 0). */
  readonly maintenanceAmount: number
}

const schema = z.object({
  side: sideSchema,
  entry: positive(),
  quantity: positive(),
  walletBalance: nonNegative(),
  maintenanceMarginRate: z.number().finite().min(0).lt(1),
  maintenanceAmount: nonNegative(),
})

/**
 * Liquidation price of one isolated-margin position in one-way mode (Binance USDⓈ-M formula with a
 * single position, so the cross terms vanish):
 * `LP = (WB + cum − s·Q·EP) / (Q·MMR − s·Q)`, `s = +1` long / `−1` short. At `LP` the margin balance
 * `WB + s·Q·(LP − EP)` equals the maintenance margin `Q·LP·MMR − cum`. Returns 0 when a long can
 * never be liquidated (formula ≤ 0). Binance triggers on the mark price. Use the bracket (MMR, cum)
 * of the position's notional ({@link findMaintenanceBracket}); Binance's note: if the notional at `LP`
 * falls in another bracket, recompute with that bracket's MMR and cum.
 * @see https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93 (Binance: "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts"; isolated mode: TMM = 0, UPNL = 0)
 * @throws {ConfigError} for a non-positive quantity or entry, a negative balance or amount, or an MMR outside [0, 1).
 * @example
 * liquidationPrice({ side: 'LONG', entry: 50_000, quantity: 1, walletBalance: 5_000,
 *   maintenanceMarginRate: 0.004, maintenanceAmount: 0 }) // 45180.72…
 */
export function liquidationPrice(input: LiquidationPriceInput): number {
  return liquidationPriceUnchecked(parseOrThrow(schema, input, 'liquidationPrice input'))
}

/**
 * {@link liquidationPrice} without the input check, for callers that hold validated state (the paper
 * exchange calls it on every fill). Garbage in, garbage out: prefer {@link liquidationPrice}.
 */
export function liquidationPriceUnchecked(o: LiquidationPriceInput): number {
  const s = sign(o.side)
  const q = o.quantity
  const price = (o.walletBalance + o.maintenanceAmount - s * q * o.entry) / (q * o.maintenanceMarginRate - s * q)
  return Number.isFinite(price) && price > 0 ? price : 0
}
