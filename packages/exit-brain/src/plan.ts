import { roundToTick } from '@quantum/core'
import type { Instrument, OrderRequest, Position } from '@quantum/core'
import type { ExitProfile } from './profiles.js'
import { targetOrder, type TargetType } from './bracket.js'

/** Volatility scaling of a plan's distances: `factor = clamp(ATR% / referenceAtrPct, min, max)`. */
export interface VolatilityScaling {
  /** ATR in percent of price at which distances apply unchanged. @default 1 */
  readonly referenceAtrPct?: number
  /** Lower clamp of the factor. @default 0.5 */
  readonly min?: number
  /** Upper clamp of the factor. @default 2 */
  readonly max?: number
}

/** Input of {@link buildExitPlan}. */
export interface BuildExitPlanInput {
  /** The open position (LONG or SHORT) the plan protects. */
  readonly position: Position
  /** Legs and stop distance. */
  readonly profile: ExitProfile
  /** Trading rules of the symbol (step size, min quantity, min notional). */
  readonly instrument: Instrument
  /** ATR at entry (price units); without it (or NaN) the distances are not scaled. @default undefined */
  readonly atr?: number
  /** Volatility scaling, or `false` to use the profile's distances unchanged. @default {} (defaults) */
  readonly scale?: VolatilityScaling | false
  /** Absolute stop distance in price units, replacing the profile's (scaled) stop. @default undefined */
  readonly stopDistance?: number
  /** Take-profit legs as TAKE_PROFIT_MARKET (`market`) or resting reduce-only LIMIT orders (`limit`). @default 'market' */
  readonly targetType?: TargetType
}

/** One take-profit leg of a plan. */
export interface PlannedLeg {
  /** `tp1`..`tpN`, after the profile leg it came from (merged legs keep the receiving leg's tag). */
  readonly tag: string
  /** 1-based number of the profile leg. */
  readonly leg: number
  /** Raw trigger price (the exchange rounds it to the tick). */
  readonly triggerPrice: number
  /** Quantity, on the step grid. */
  readonly quantity: number
}

/** A complete exit plan: reduce-only take-profit legs and one stop for the whole position. */
export interface ExitPlan {
  readonly symbol: string
  readonly side: 'LONG' | 'SHORT'
  readonly entryPrice: number
  /** Name of the profile used. */
  readonly profile: string
  /** Factor applied to every distance of the profile (1 without scaling). */
  readonly scale: number
  /** Take-profit legs, nearest first; the last is the runner. */
  readonly legs: readonly PlannedLeg[]
  /** Raw stop trigger price. */
  readonly stopPrice: number
  /** The orders to place: the stop first, then the legs. */
  readonly orders: readonly OrderRequest[]
}

/**
 * Factor multiplying a profile's distances: `clamp((atr / price · 100) / referenceAtrPct, min, max)`;
 * 1 when the ATR is unknown.
 * @example volatilityScale({ atr: 1500, price: 100_000 }) // 1.5 (ATR 1.5 % vs the 1 % reference)
 */
export function volatilityScale(input: { atr?: number; price: number } & VolatilityScaling): number {
  const { atr, price, referenceAtrPct = 1, min = 0.5, max = 2 } = input
  if (atr === undefined || !Number.isFinite(atr) || atr <= 0 || price <= 0) return 1
  return Math.min(max, Math.max(min, ((atr / price) * 100) / referenceAtrPct))
}

/**
 * Builds the reduce-only exit plan of a position. Leg quantities are rounded down to the step size,
 * the remainder goes to the runner (last leg). A leg below the instrument's minimum (quantity 0, below
 * `minQty`, or notional at its trigger below `minNotional`) merges into the next leg, which keeps its
 * own price and tag; when the runner itself stays below the minimum it merges into the previous
 * surviving leg, which becomes the runner. A lone remaining leg is kept whatever its size.
 * @throws {InvalidOrder} never: prices are raw and rounded by the exchange; a FLAT position gives a
 * plan without orders.
 * @example buildExitPlan({ position, profile: BALANCED, instrument: exchange.instrument('BTCUSDT') })
 */
export function buildExitPlan(input: BuildExitPlanInput): ExitPlan {
  const { position, profile, instrument } = input
  const side = position.side === 'SHORT' ? 'SHORT' : 'LONG'
  const dir = side === 'LONG' ? 1 : -1
  const entry = position.entryPrice
  const scale = input.scale === false ? 1 : volatilityScale({ ...input.scale, atr: input.atr, price: entry })
  const prices = profile.legs.map((leg) => entry * (1 + (dir * leg.distancePct * scale) / 100))
  const quantities = splitQuantity(position.quantity, profile, instrument.stepSize)
  const legs = mergeSmallLegs({ prices, quantities, instrument })
  const stopDistance = input.stopDistance ?? (entry * profile.stopPct * scale) / 100
  const stopPrice = entry - dir * stopDistance
  const exit = side === 'LONG' ? 'SELL' : 'BUY'
  const base = { symbol: position.symbol, side: exit, reduceOnly: true } as const
  const orders: OrderRequest[] =
    position.side === 'FLAT' || position.quantity <= 0
      ? []
      : [
          { ...base, type: 'STOP_MARKET', quantity: position.quantity, triggerPrice: stopPrice, tag: 'stop' },
          ...legs.map((l) =>
            targetOrder(
              { symbol: position.symbol, side: exit, quantity: l.quantity, price: l.triggerPrice, tag: l.tag },
              input.targetType,
            ),
          ),
        ]
  return { symbol: position.symbol, side, entryPrice: entry, profile: profile.name, scale, legs, stopPrice, orders }
}

/** Splits `quantity` by the legs' percentages in whole steps; the remainder goes to the last leg. */
function splitQuantity(quantity: number, profile: ExitProfile, step: number): number[] {
  if (step <= 0) {
    const parts = profile.legs.map((leg) => (quantity * leg.sizePct) / 100)
    const head = parts.slice(0, -1).reduce((a, b) => a + b, 0)
    return [...parts.slice(0, -1), quantity - head]
  }
  const total = Math.round(quantity / step)
  const steps = profile.legs.map((leg) => Math.floor((total * leg.sizePct) / 100 + 1e-9))
  const head = steps.slice(0, -1).reduce((a, b) => a + b, 0)
  steps[steps.length - 1] = total - head
  return steps.map((n) => roundToTick(n * step, step))
}

function isBelowMinimum(quantity: number, price: number, instrument: Instrument): boolean {
  return quantity <= 0 || quantity < instrument.minQty || quantity * price < instrument.minNotional
}

/** Carries legs below the minimum into the next leg (the runner backwards), see {@link buildExitPlan}. */
function mergeSmallLegs(input: { prices: number[]; quantities: number[]; instrument: Instrument }): PlannedLeg[] {
  const { prices, quantities, instrument } = input
  const step = instrument.stepSize
  const add = (a: number, b: number): number => (step > 0 ? roundToTick(a + b, step) : a + b)
  const kept: PlannedLeg[] = []
  let carry = 0
  for (let i = 0; i < quantities.length; i++) {
    const quantity = add(quantities[i] ?? 0, carry)
    const triggerPrice = prices[i] ?? 0
    const last = i === quantities.length - 1
    if (!last && isBelowMinimum(quantity, triggerPrice, instrument)) {
      carry = quantity
      continue
    }
    carry = 0
    const prev = kept[kept.length - 1]
    if (last && prev !== undefined && isBelowMinimum(quantity, triggerPrice, instrument)) {
      kept[kept.length - 1] = { ...prev, quantity: add(prev.quantity, quantity) }
    } else if (quantity > 0) {
      kept.push({ tag: `tp${i + 1}`, leg: i + 1, triggerPrice, quantity })
    }
  }
  return kept
}
