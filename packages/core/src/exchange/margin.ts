/**
 * Isolated-margin maths of Binance USD-M (one-way mode): bracket lookup, maintenance margin and the
 * liquidation price, internal to the exchange; the formula itself is the Trading Mathematician's
 * (`math/liquidation-price.ts`).
 * @packageDocumentation
 */
import { liquidationPriceUnchecked } from '../math/liquidation-price.js'
import type { LeverageBracket } from '../schemas.js'

/**
 * The bracket whose `[notionalFloor, notionalCap)` holds `notional` (the last one beyond the table).
 * @internal
 */
export function bracketFor(brackets: readonly LeverageBracket[], notional: number): LeverageBracket {
  for (const b of brackets) if (notional < b.notionalCap) return b
  return brackets[brackets.length - 1]!
}

/** Maintenance margin of a position notional: `notional * maintMarginRatio - cum`. @internal */
export function maintenanceMargin(brackets: readonly LeverageBracket[], notional: number): number {
  const b = bracketFor(brackets, notional)
  return notional * b.maintMarginRatio - b.cum
}

/** The largest leverage the table allows (the first bracket's). @internal */
export function maxLeverage(brackets: readonly LeverageBracket[]): number {
  return brackets[0]!.initialLeverage
}

/** What {@link isolatedLiquidationPrice} needs. @internal */
export interface IsolatedPosition {
  /** +1 long, -1 short. */
  readonly side: 1 | -1
  /** Absolute size, base asset. */
  readonly quantity: number
  readonly entryPrice: number
  /** Isolated margin (the position's wallet balance). */
  readonly margin: number
  readonly brackets: readonly LeverageBracket[]
}

/**
 * Binance's isolated one-way liquidation price (the Trading Mathematician's `liquidationPrice`) with
 * the bracket of the entry notional `q * E` (as freqtrade does). 0 when the position cannot be
 * liquidated (e.g. a 1x long).
 * @see https://www.binance.com/en/support/faq/how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-futures-contracts-b3c689c1f50a44cabb3a84e663b81d93
 * @internal
 */
export function isolatedLiquidationPrice(p: IsolatedPosition): number {
  if (p.quantity === 0) return 0
  const b = bracketFor(p.brackets, p.quantity * p.entryPrice)
  return liquidationPriceUnchecked({
    side: p.side > 0 ? 'LONG' : 'SHORT',
    entry: p.entryPrice,
    quantity: p.quantity,
    walletBalance: p.margin,
    maintenanceMarginRate: b.maintMarginRatio,
    maintenanceAmount: b.cum,
  })
}
