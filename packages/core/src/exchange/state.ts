/**
 * Internal state of the paper exchange: one mutable record per symbol (position, working orders,
 * cursors) and per working order. Plain fields, no getters, so the per-bar path stays cheap.
 * @packageDocumentation
 * @internal
 */
import type { Instrument, LeverageBracket, Order, Position } from '../schemas.js'
import type { BarLike } from '../types.js'
import { decimalsOf } from './precision.js'
import { FundingCursor, MarkCursor, type FundingRateSeries, type MarkPriceSeries } from './series.js'

/** Between bars: orders placed now are handled from the symbol's next bar. */
export const PHASE_IDLE = 0
/** Funding and the open of a bar: orders placed now are still checked against this bar. */
export const PHASE_OPEN = 1
/** Triggers, limits and liquidation inside a bar: orders placed now wait for the next bar. */
export const PHASE_RANGE = 2

/** An order while the exchange holds it. */
export interface WorkingOrder {
  /** The public order record (mutated in place; events carry copies). */
  readonly order: Order
  /** Bar sequence number from which the order may execute. */
  activeFrom: number
  /** A limit order has met its first open (after that it rests and fills as maker). */
  seenOpen: boolean
  /** Min notional could not be checked at placement (no price yet): check it at the fill. */
  checkNotionalAtFill: boolean
  /** False once filled, cancelled, expired or rejected. */
  working: boolean
}

/** Everything the exchange tracks for one symbol. */
export interface SymbolState {
  readonly symbol: string
  readonly instrument: Instrument
  readonly brackets: readonly LeverageBracket[]
  /** Decimals of the step size, -1 when the instrument has no quantity grid. */
  readonly qtyDecimals: number
  leverage: number
  /** Signed position size (long > 0). */
  posQty: number
  entryPrice: number
  /** Isolated margin of the position. */
  margin: number
  openedAt: number
  /** Liquidation price of the position, 0 when it cannot be liquidated or is flat. */
  liqPrice: number
  markPrice: number
  lastPrice: number
  /** Working orders in placement order (finished ones are removed between bars). */
  readonly orders: WorkingOrder[]
  /** Number of working orders in `orders`. */
  working: number
  /** Number of bars seen. */
  barSeq: number
  phase: number
  readonly funding: FundingCursor | undefined
  nextFundingTime: number
  readonly mark: MarkCursor | undefined
  /** The bar liquidation is checked against during `onBar` (the mark candle when supplied, else the bar). */
  adverse: BarLike | undefined
  /** Cached snapshot of the position; undefined when stale. */
  view: Position | undefined
  /** Cached copies of the working orders (what `getOpenOrders(symbol)` answers); undefined when stale. */
  openView: readonly Order[] | undefined
  /** The argument object of the open phase's fills, made on the first and reused (see `openPhase` in matching.ts). */
  fillAt: { readonly s: SymbolState; w: WorkingOrder; bar: BarLike } | undefined
}

/** What {@link createSymbolState} needs. */
export interface SymbolSetup {
  readonly instrument: Instrument
  readonly brackets: readonly LeverageBracket[]
  readonly leverage: number
  readonly funding: FundingRateSeries | undefined
  readonly mark: MarkPriceSeries | undefined
}

/** A fresh, flat symbol state. */
export function createSymbolState(setup: SymbolSetup): SymbolState {
  const funding = setup.funding === undefined ? undefined : new FundingCursor(setup.funding)
  const step = setup.instrument.stepSize
  return {
    symbol: setup.instrument.symbol,
    instrument: setup.instrument,
    brackets: setup.brackets,
    qtyDecimals: step > 0 ? decimalsOf(step) : -1,
    leverage: setup.leverage,
    posQty: 0,
    entryPrice: 0,
    margin: 0,
    openedAt: 0,
    liqPrice: 0,
    markPrice: 0,
    lastPrice: Number.NaN,
    orders: [],
    working: 0,
    barSeq: 0,
    phase: PHASE_IDLE,
    funding,
    nextFundingTime: funding === undefined ? Number.POSITIVE_INFINITY : funding.nextTime,
    mark: setup.mark === undefined ? undefined : new MarkCursor(setup.mark),
    adverse: undefined,
    view: undefined,
    openView: undefined,
    fillAt: undefined,
  }
}

/** The position of a symbol as the public, frozen {@link Position} (cached until it changes). */
export function positionView(s: SymbolState): Position {
  if (s.view !== undefined) return s.view
  const q = s.posQty
  s.view = Object.freeze({
    symbol: s.symbol,
    side: q > 0 ? 'LONG' : q < 0 ? 'SHORT' : 'FLAT',
    quantity: Math.abs(q),
    entryPrice: s.entryPrice,
    leverage: s.leverage,
    margin: s.margin,
    markPrice: q === 0 ? 0 : s.markPrice,
    unrealizedPnl: q === 0 ? 0 : q * (s.markPrice - s.entryPrice),
    liquidationPrice: s.liqPrice,
    openedAt: s.openedAt,
  })
  return s.view
}

/** +1 for BUY, -1 for SELL. */
export function sideSign(order: Order): 1 | -1 {
  return order.side === 'BUY' ? 1 : -1
}
