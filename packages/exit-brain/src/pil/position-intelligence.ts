import { Atr, definePlugin } from '@quantum/core'
import type { ExitActions, MarketBar, Order, OrderRequest, PluginContext, Position } from '@quantum/core'
import { z } from 'zod'
import { createPositionBook } from './position-book.js'
import type { PositionBook, PositionClass } from './position-book.js'

const isBook = (value: unknown): value is PositionBook =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as PositionBook).set === 'function' &&
  typeof (value as PositionBook).get === 'function'

/** zod schema of a {@link PositionBook} passed in options (checked by shape). */
export const PositionBookSchema = z.custom<PositionBook>(isBook, { message: 'expected a PositionBook' })

const policy = z.strictObject({
  /** What to do with a winner. @default 'hand-to-pal' */
  winner: z.enum(['none', 'tighten', 'hand-to-pal']).default('hand-to-pal'),
  /** What to do with a loser. @default 'none' */
  loser: z.enum(['none', 'tighten', 'time-stop']).default('none'),
  /** What to do with a stale position. @default 'time-stop' */
  stale: z.enum(['none', 'tighten', 'time-stop']).default('time-stop'),
  /** What to do with a position at risk. @default 'tighten' */
  'at-risk': z.enum(['none', 'tighten', 'time-stop']).default('tighten'),
})

const options = z.strictObject({
  /** Shared store the classifications are written to (give the same one to `profitAmplifier`). @default a private book */
  book: PositionBookSchema.optional(),
  /** ATR period (Wilder). @default 14 */
  atrPeriod: z.number().int().min(1).max(1000).default(14),
  /** The risk unit: 1R = `riskAtr` × the ATR of the bar the position was first seen. @default 2 */
  riskAtr: z.number().positive().default(2),
  /** A position at or above this unrealised R is a winner. @default 1 */
  winnerR: z.number().positive().default(1),
  /** A position at or below this unrealised R (negative) is a loser. @default -0.5 */
  loserR: z.number().negative().default(-0.5),
  /** Bars without a new favourable close after which a position is stale. @default 48 */
  staleBars: z.number().int().positive().default(48),
  /** At risk when the close is within this many ATRs of the liquidation price. @default 3 */
  liquidationAtr: z.number().positive().default(3),
  /** A tightened stop sits this many ATRs from the close (it is only ever moved closer). @default 1 */
  tightenAtr: z.number().positive().default(1),
  /** The action for each class (`neutral` positions are left alone). @default see each field */
  policy: policy.default({ winner: 'hand-to-pal', loser: 'none', stale: 'time-stop', 'at-risk': 'tighten' }),
})

/** Validated options of {@link positionIntelligence}. */
export type PositionIntelligenceOptions = z.output<typeof options>

/** What PIL remembers about one open position. */
interface Tracked {
  openedAt: number
  side: 'LONG' | 'SHORT'
  riskUnit: number
  best: number
  barsHeld: number
  barsSinceProgress: number
  closing: boolean
}

/** What the classification rules look at. */
interface Facts {
  readonly r: number
  readonly atr: number
  readonly close: number
  readonly position: Position
  readonly stop: Order | undefined
  readonly tracked: Tracked
}

/**
 * PIL, the Position Intelligence Layer: classifies every open position on every bar and acts per policy.
 * Rules, first match wins (R = unrealised move / risk unit, 1R = `riskAtr`·ATR when first seen):
 * `at-risk` when the close is within `liquidationAtr`·ATR of the liquidation price, or R ≤ `loserR` with no
 * working stop; `winner` when R ≥ `winnerR`; `stale` after `staleBars` bars without a new favourable close;
 * `loser` when R ≤ `loserR`; otherwise `neutral`. Actions: `tighten` replaces the working stop by one
 * `tightenAtr`·ATR from the close when that is closer (never wider; places one if there is none),
 * `time-stop` closes with a reduce-only market order, `hand-to-pal` marks the position eligible for PAL
 * adds in the shared book. Register it before other exit policies: the first `onBar` answer wins.
 * @example
 * const book = createPositionBook()
 * positionIntelligence({ book, staleBars: 72, policy: { stale: 'time-stop', 'at-risk': 'tighten' } })
 */
export const positionIntelligence = definePlugin({
  name: 'exit-brain:position-intelligence',
  kind: 'exit',
  options,
  create: (opts) => {
    const book = opts.book ?? createPositionBook()
    const atrs = new Map<string, Atr>()
    const tracked = new Map<string, Tracked>()
    return {
      onBar: (bar: MarketBar, ctx: PluginContext): ExitActions | undefined => {
        let atr = atrs.get(bar.symbol)
        if (atr === undefined) atrs.set(bar.symbol, (atr = new Atr(opts.atrPeriod)))
        const atrValue = atr.update(bar.high, bar.low, bar.close)
        const position = ctx.account.getPosition(bar.symbol)
        if (position.side === 'FLAT') {
          tracked.delete(bar.symbol)
          book.delete(bar.symbol)
          return undefined
        }
        if (!Number.isFinite(atrValue) || atrValue <= 0) return undefined
        const t = track(tracked, position, { close: bar.close, atr: atrValue, riskAtr: opts.riskAtr })
        const dir = position.side === 'LONG' ? 1 : -1
        const facts: Facts = {
          r: (dir * (bar.close - position.entryPrice)) / t.riskUnit,
          atr: atrValue,
          close: bar.close,
          position,
          stop: workingStop(ctx, position),
          tracked: t,
        }
        const classification = classify(facts, opts)
        const action = classification === 'neutral' ? 'none' : opts.policy[classification]
        book.set({
          symbol: bar.symbol,
          side: position.side,
          classification,
          rMultiple: facts.r,
          barsHeld: t.barsHeld,
          barsSinceProgress: t.barsSinceProgress,
          palEligible: action === 'hand-to-pal',
          updatedAt: bar.openTime,
        })
        if (action === 'tighten') return tighten(facts, opts.tightenAtr)
        if (action === 'time-stop') return timeStop(facts)
        return undefined
      },
    }
  },
})

/** Updates (or starts) the tracking of an open position with the bar's close. */
function track(
  tracked: Map<string, Tracked>,
  position: Position,
  bar: { close: number; atr: number; riskAtr: number },
): Tracked {
  const side = position.side === 'LONG' ? 'LONG' : 'SHORT'
  let t = tracked.get(position.symbol)
  if (t === undefined || t.openedAt !== position.openedAt || t.side !== side) {
    t = {
      openedAt: position.openedAt,
      side,
      riskUnit: bar.riskAtr * bar.atr,
      best: position.entryPrice,
      barsHeld: 0,
      barsSinceProgress: 0,
      closing: false,
    }
    tracked.set(position.symbol, t)
  }
  const dir = side === 'LONG' ? 1 : -1
  t.barsHeld++
  if (dir * (bar.close - t.best) > 0) {
    t.best = bar.close
    t.barsSinceProgress = 0
  } else {
    t.barsSinceProgress++
  }
  return t
}

/** Applies the documented rules, first match wins. */
function classify(f: Facts, opts: PositionIntelligenceOptions): PositionClass {
  const liq = f.position.liquidationPrice
  if (liq > 0 && Math.abs(f.close - liq) <= opts.liquidationAtr * f.atr) return 'at-risk'
  if (f.r <= opts.loserR && f.stop === undefined) return 'at-risk'
  if (f.r >= opts.winnerR) return 'winner'
  if (f.tracked.barsSinceProgress >= opts.staleBars) return 'stale'
  if (f.r <= opts.loserR) return 'loser'
  return 'neutral'
}

/** The working reduce-only stop closest to the price (the one that would trigger first), if any. */
function workingStop(ctx: PluginContext, position: Position): Order | undefined {
  const dir = position.side === 'LONG' ? 1 : -1
  let best: Order | undefined
  for (const o of ctx.account.getOpenOrders(position.symbol)) {
    if (!o.reduceOnly || o.type !== 'STOP_MARKET' || o.triggerPrice === undefined) continue
    if (best === undefined || dir * (o.triggerPrice - (best.triggerPrice ?? 0)) > 0) best = o
  }
  return best
}

/** Moves the stop to `tightenAtr`·ATR from the close when that is closer; never widens. */
function tighten(f: Facts, tightenAtr: number): ExitActions | undefined {
  const long = f.position.side === 'LONG'
  const dir = long ? 1 : -1
  const trigger = f.close - dir * tightenAtr * f.atr
  if (!(trigger > 0)) return undefined
  const request: OrderRequest = {
    symbol: f.position.symbol,
    side: long ? 'SELL' : 'BUY',
    type: 'STOP_MARKET',
    quantity: f.stop?.quantity ?? f.position.quantity,
    reduceOnly: true,
    triggerPrice: trigger,
    tag: f.stop?.tag ?? 'pil-stop',
  }
  if (f.stop === undefined) return { place: [request] }
  if (dir * (trigger - (f.stop.triggerPrice ?? trigger)) <= 0) return undefined
  return { replace: [{ cancel: f.stop.id, with: request }] }
}

/** Closes the whole position with one reduce-only market order (once). */
function timeStop(f: Facts): ExitActions | undefined {
  if (f.tracked.closing) return undefined
  f.tracked.closing = true
  const long = f.position.side === 'LONG'
  return {
    place: [
      {
        symbol: f.position.symbol,
        side: long ? 'SELL' : 'BUY',
        type: 'MARKET',
        quantity: f.position.quantity,
        reduceOnly: true,
        tag: 'pil-time-stop',
      },
    ],
  }
}
