import { Atr, definePlugin } from '@quantum/core'
import type { ExitActions, Fill, MarketBar, OrderIntent, PluginContext, Position } from '@quantum/core'
import { z } from 'zod'
import { PositionBookSchema } from '../pil/position-intelligence.js'

const options = z.strictObject({
  /** Most adds per position. @default 2 */
  maxAdds: z.number().int().min(0).max(10).default(2),
  /** The close must have moved at least this many ATRs in favour since the last entry or add. @default 1 */
  minDistanceAtr: z.number().positive().default(1),
  /** Size of each add, as a fraction of the position's initial quantity. @default 0.5 */
  addFraction: z.number().positive().max(1).default(0.5),
  /** Add only while a working reduce-only stop sits at or beyond the average entry (break-even). @default true */
  onlyWhenStopAtBreakEven: z.boolean().default(true),
  /** ATR period (Wilder). @default 14 */
  atrPeriod: z.number().int().min(1).max(1000).default(14),
  /** Shared store written by `positionIntelligence`: when given, add only to positions it marked eligible. @default undefined (no PIL gate) */
  book: PositionBookSchema.optional(),
})

/** Validated options of {@link profitAmplifier}. */
export type ProfitAmplifierOptions = z.output<typeof options>

/** What PAL remembers about one open position. */
interface Leg {
  side: 'LONG' | 'SHORT'
  initialQuantity: number
  lastEntryPrice: number
  adds: number
}

/**
 * PAL, the Profit Amplification Layer: adds to a winning position under explicit limits — at most
 * `maxAdds` adds, each `addFraction` of the initial size, only once the close has moved `minDistanceAtr`
 * ATRs in favour since the last entry or add, only while the stop protects break-even (when
 * `onlyWhenStopAtBreakEven`) and only when PIL marked the position eligible (when a `book` is given).
 * Each add is an `intents` action (a MARKET order tagged `pal-add`), so the risk guards re-check it
 * before it is sent; a denied add is a `risk` event and is tried again on a later bar.
 * Register it before the plan-keeping exit policy: the first `onBar` answer wins.
 * @example profitAmplifier({ maxAdds: 2, minDistanceAtr: 1.5, addFraction: 0.5, book })
 */
export const profitAmplifier = definePlugin({
  name: 'exit-brain:profit-amplifier',
  kind: 'exit',
  options,
  create: (opts) => {
    const atrs = new Map<string, Atr>()
    const legs = new Map<string, Leg>()
    return {
      onFill: (fill: Fill, position: Position): ExitActions | undefined => {
        recordFill(legs, fill, position)
        return undefined
      },
      onBar: (bar: MarketBar, ctx: PluginContext): ExitActions | undefined => {
        let atr = atrs.get(bar.symbol)
        if (atr === undefined) atrs.set(bar.symbol, (atr = new Atr(opts.atrPeriod)))
        const atrValue = atr.update(bar.high, bar.low, bar.close)
        const position = ctx.account.getPosition(bar.symbol)
        if (position.side === 'FLAT') {
          legs.delete(bar.symbol)
          return undefined
        }
        const leg = legOf(legs, position)
        if (!shouldAdd({ leg, position, close: bar.close, atr: atrValue, ctx }, opts)) return undefined
        return { intents: [addIntent(position, leg, opts.addFraction)] }
      },
    }
  },
})

/** Keeps the legs current: a new position starts a leg, a `pal-add` fill counts and moves the reference. */
function recordFill(legs: Map<string, Leg>, fill: Fill, position: Position): void {
  if (position.side === 'FLAT') {
    legs.delete(fill.symbol)
    return
  }
  const leg = legOf(legs, position)
  if (fill.tag === 'pal-add' && !fill.reduceOnly) {
    leg.adds++
    leg.lastEntryPrice = fill.price
  }
}

/** The leg of an open position, started (or restarted after a flip) from the position itself. */
function legOf(legs: Map<string, Leg>, position: Position): Leg {
  const side = position.side === 'LONG' ? 'LONG' : 'SHORT'
  let leg = legs.get(position.symbol)
  if (leg === undefined || leg.side !== side) {
    leg = { side, initialQuantity: position.quantity, lastEntryPrice: position.entryPrice, adds: 0 }
    legs.set(position.symbol, leg)
  }
  return leg
}

/** What the add rules look at. */
interface AddFacts {
  readonly leg: Leg
  readonly position: Position
  readonly close: number
  readonly atr: number
  readonly ctx: PluginContext
}

/** The explicit limits: count, distance, break-even stop, PIL eligibility. */
function shouldAdd(f: AddFacts, opts: ProfitAmplifierOptions): boolean {
  if (f.leg.adds >= opts.maxAdds || !Number.isFinite(f.atr) || f.atr <= 0) return false
  const dir = f.leg.side === 'LONG' ? 1 : -1
  if (dir * (f.close - f.leg.lastEntryPrice) < opts.minDistanceAtr * f.atr) return false
  if (opts.book !== undefined && !opts.book.isPalEligible(f.position.symbol)) return false
  return !opts.onlyWhenStopAtBreakEven || stopAtBreakEven(f.ctx, f.position)
}

/** Whether a working reduce-only stop would exit at or beyond the average entry price. */
function stopAtBreakEven(ctx: PluginContext, position: Position): boolean {
  const dir = position.side === 'LONG' ? 1 : -1
  return ctx.account
    .getOpenOrders(position.symbol)
    .some(
      (o) =>
        o.reduceOnly &&
        o.type === 'STOP_MARKET' &&
        o.triggerPrice !== undefined &&
        dir * (o.triggerPrice - position.entryPrice) >= 0,
    )
}

/** The add: a MARKET order in the position's direction, `addFraction` of the initial quantity. */
function addIntent(position: Position, leg: Leg, addFraction: number): OrderIntent {
  return {
    symbol: position.symbol,
    side: position.side === 'LONG' ? 'BUY' : 'SELL',
    type: 'MARKET',
    quantity: leg.initialQuantity * addFraction,
    tag: 'pal-add',
    reason: 'pal-add',
  }
}
