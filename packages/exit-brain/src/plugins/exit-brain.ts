import { Adx, Atr, ConfigError, Ema, definePlugin } from '@quantum/core'
import type {
  ExitActions,
  ExitState,
  ExitStateInput,
  Fill,
  MarketBar,
  Order,
  OrderReplacement,
  PluginContext,
  Position,
} from '@quantum/core'
import { z } from 'zod'
import { levelOf, TargetTypeSchema } from '../bracket.js'
import { buildExitPlan, type VolatilityScaling } from '../plan.js'
import { RollingMean } from '../rolling-mean.js'
import { createProfileSelector } from '../profile-selector.js'
import { EXIT_PROFILES, PROFILE_ORDER, ProfileChoiceSchema } from '../profiles.js'
import type { ExitProfile } from '../profiles.js'
import { ExtremeWindow, breakEvenStop, extendRunner, tightenStop, trailingStop } from '../stop-manager.js'
import type { StopSide } from '../stop-manager.js'

const stopOptions = z.strictObject({
  /** `percent`: the profile's stop distance (volatility-scaled); `atr`: `atrMultiple`·ATR. @default 'percent' */
  type: z.enum(['percent', 'atr']).default('percent'),
  /** Stop distance in ATRs when `type` is `atr`. @default 1.5 */
  atrMultiple: z.number().positive().default(1.5),
  /** Move the stop to break-even plus fees after the first take-profit leg fills. @default true */
  breakEven: z.boolean().default(true),
})

const trailingOptions = z.strictObject({
  /** Trailing variant after `afterLeg` legs filled (`none` disables trailing). @default 'atr' */
  type: z.enum(['atr', 'percent', 'chandelier', 'none']).default('atr'),
  /** k in `best − k·ATR` (`atr`) and `highest high − k·ATR` (`chandelier`). @default 2 */
  atrMultiple: z.number().positive().default(2),
  /** Trailing distance in percent of the best price (`percent`). @default 1 */
  percent: z.number().positive().max(50).default(1),
  /** Bars of the chandelier's highest-high / lowest-low window. @default 22 */
  lookback: z.number().int().min(1).max(1000).default(22),
  /** Trailing starts once the take-profit leg with this number (`tp2` = 2) has filled. @default 2 */
  afterLeg: z.number().int().min(1).max(6).default(2),
})

const extensionOptions = z.strictObject({
  /** Push the runner target out while a trend carries price beyond the leg before it. @default true */
  enabled: z.boolean().default(true),
  /** Minimum ADX for a trend. @default 25 */
  adxThreshold: z.number().min(0).max(100).default(25),
  /** ADX period. @default 14 */
  adxPeriod: z.number().int().min(1).max(1000).default(14),
  /** EMA period of the trend filter (close above it for longs, below for shorts). @default 50 */
  emaPeriod: z.number().int().min(1).max(1000).default(50),
  /** The runner target is kept at least `atrMultiple`·ATR beyond the close. @default 1 */
  atrMultiple: z.number().positive().default(1),
})

const scalingOptions = z.strictObject({
  /** Scale every distance by ATR% / reference ATR% (clamped). @default true */
  enabled: z.boolean().default(true),
  /**
   * The reference ATR%: `relative` = the symbol's own mean ATR% over the last `lookback` bars (distances
   * widen when the market is more volatile than usual for that symbol and tighten when calmer; the same
   * on any timeframe); `absolute` = `referenceAtrPct`. @default 'relative'
   */
  reference: z.enum(['relative', 'absolute']).default('relative'),
  /** Bars in the mean ATR% of `relative` scaling (720 = 30 days of 1h bars). @default 720 */
  lookback: z.number().int().min(1).max(100_000).default(720),
  /** ATR in percent of price at which the profile's distances apply unchanged (`absolute`). @default 1 */
  referenceAtrPct: z.number().positive().default(1),
  /** Lower clamp of the factor. @default 0.5 */
  min: z.number().positive().default(0.5),
  /** Upper clamp of the factor. @default 2 */
  max: z.number().positive().default(2),
})

const selectorOptions = z.strictObject({
  /** Closed trades in the rolling win-rate window. @default 20 */
  window: z.number().int().min(1).max(10_000).default(20),
  /** Margin a win rate must cross a threshold by before the profile changes. @default 0.02 */
  hysteresis: z.number().min(0).max(0.2).default(0.02),
  /** Trades needed before leaving the starting (conservative) profile. @default 5 */
  minTrades: z.number().int().min(1).default(5),
  /** Consecutive losses that step the profile down one level (0 disables). @default 3 */
  lossStreak: z.number().int().min(0).default(3),
  /** Win rate over all symbols (`global`) or per symbol. @default 'global' */
  scope: z.enum(['global', 'symbol']).default('global'),
})

/**
 * Where the brain reads the current market regime of a symbol: a `RegimeStore` from
 * `createRegimeStore()` of `@quantum/agents`, written by its `marketStateClassifier`.
 */
export interface RegimeSource {
  /** `trend-up`, `trend-down`, `range`, `high-volatility`, or `undefined` before the classifier is warm. */
  get(symbol: string): string | undefined
}

const isRegimeSource = (value: unknown): value is RegimeSource =>
  typeof value === 'object' && value !== null && typeof (value as RegimeSource).get === 'function'

const levelShift = z.number().int().min(-2).max(2)

const regimeOptions = z.strictObject({
  /** Profile levels added when the regime trends in the position's direction. @default 1 */
  with: levelShift.default(1),
  /** Levels added when the regime trends against the position. @default -1 */
  against: levelShift.default(-1),
  /** Levels added in a range (take profits sooner). @default -1 */
  range: levelShift.default(-1),
  /** Levels added in high volatility (distances already widen with the ATR). @default 0 */
  highVolatility: levelShift.default(0),
})

/** Options of {@link exitBrain}. */
export const ExitBrainOptionsSchema = z.strictObject({
  /** Profile: `adaptive`, a built-in name, or a custom profile. @default 'adaptive' */
  profile: ProfileChoiceSchema.default('adaptive'),
  /** Per-symbol profile overrides (symbol characteristics), e.g. `{ BNBUSDT: 'conservative' }`. @default {} */
  symbols: z.record(z.string(), ProfileChoiceSchema).default({}),
  /** Initial stop settings. @default { type: 'percent', atrMultiple: 1.5, breakEven: true } */
  stop: stopOptions.prefault({}),
  /** Trailing-stop settings. @default { type: 'atr', atrMultiple: 2, percent: 1, lookback: 22, afterLeg: 2 } */
  trailing: trailingOptions.prefault({}),
  /** Runner extension. @default { enabled: true, adxThreshold: 25, adxPeriod: 14, emaPeriod: 50, atrMultiple: 1 } */
  extension: extensionOptions.prefault({}),
  /** Volatility scaling of distances. @default { enabled: true, reference: 'relative', lookback: 720, referenceAtrPct: 1, min: 0.5, max: 2 } */
  scaling: scalingOptions.prefault({}),
  /** Adaptive selection. @default { window: 20, hysteresis: 0.02, minTrades: 5, lossStreak: 3, scope: 'global' } */
  selector: selectorOptions.prefault({}),
  /**
   * Market regimes (e.g. the `marketStateClassifier`'s store); when given, the adaptive profile moves up or
   * down by `regime` levels at each entry. @default undefined (no regime adjustment)
   */
  regimes: z.custom<RegimeSource>(isRegimeSource, { message: 'expected a regime store with get(symbol)' }).optional(),
  /** Profile level shifts by regime (adaptive profile only). @default { with: 1, against: -1, range: -1, highVolatility: 0 } */
  regime: regimeOptions.prefault({}),
  /**
   * Take-profit legs as resting reduce-only LIMIT orders (`limit`: maker fee, filled when price trades
   * through the level) or TAKE_PROFIT_MARKET orders (`market`: taker fee, filled on touch). @default 'limit'
   */
  targets: TargetTypeSchema.default('limit'),
  /** Taker fee rate used for break-even (both sides). @default 0.0005 */
  feeRate: z.number().min(0).max(0.1).default(0.0005),
  /** ATR period (Wilder). @default 14 */
  atrPeriod: z.number().int().min(1).max(1000).default(14),
})

/** Options of {@link exitBrain} as given (every field optional). */
export type ExitBrainOptions = z.input<typeof ExitBrainOptionsSchema>

type Options = Readonly<z.output<typeof ExitBrainOptionsSchema>>

const NAME = 'exit-brain:exit-brain'
const TP_TAG = /^tp(\d+)$/

/** The open trade's plan state of one symbol. */
interface TradeState {
  readonly side: StopSide
  readonly entry: number
  readonly profile: string
  /** Raw trigger of the leg before the runner (the runner extension's threshold), NaN with one leg. */
  readonly previousTarget: number
  /** Highest take-profit leg number filled so far. */
  filledLeg: number
  /** Best price since entry (highest high / lowest low). */
  best: number
  /** Net PnL of the trade so far (realised PnL minus fees). */
  pnl: number
  /** When the plan was first placed (the clock's time). */
  readonly openedAt: number
}

/** Indicators and the open trade of one symbol. */
interface SymbolState {
  readonly atr: Atr
  readonly adx: Adx
  readonly ema: Ema
  readonly window: ExtremeWindow
  /** Mean ATR% over the scaling lookback (the `relative` reference). */
  readonly atrPct: RollingMean
  trade: TradeState | undefined
}

/** Our working orders (`stop`, `tpN`, reduce-only) of `symbol`. */
function planOrders(ctx: PluginContext, symbol: string): Order[] {
  return ctx.account
    .getOpenOrders(symbol)
    .filter((o) => o.reduceOnly && o.tag !== undefined && (o.tag === 'stop' || TP_TAG.test(o.tag)))
}

function legOf(tag: string | undefined): number {
  const m = tag === undefined ? null : TP_TAG.exec(tag)
  return m === null ? 0 : Number(m[1])
}

function report(ctx: PluginContext, hook: string, error: unknown): undefined {
  const err = error instanceof Error ? error : new Error(String(error))
  ctx.logger.error('exit plan not built', { error: err.message })
  ctx.bus.emit({ type: 'plugin-error', plugin: NAME, hook, error: err })
  return undefined
}

/** A replacement of `order` at a new level (trigger, or limit price for a LIMIT; same quantity unless given). */
function moved(order: Order, level: number, quantity = order.quantity): OrderReplacement {
  const { symbol, side, type, reduceOnly, tag } = order
  const base = { symbol, side, reduceOnly, tag, quantity }
  return {
    cancel: order.id,
    with:
      type === 'LIMIT'
        ? { ...base, type, price: level, timeInForce: order.timeInForce ?? 'GTC' }
        : { ...base, type, triggerPrice: level },
  }
}

/** True when `price` is at least one tick beyond `current` in the tightening direction. */
function tighter(m: { side: StopSide; price: number; current: number; tick: number }): boolean {
  const { side, price, current, tick } = m
  const dir = side === 'LONG' ? 1 : -1
  return dir * (price - current) >= Math.max(tick, Number.EPSILON * Math.abs(current))
}

/** True when a stop at `price` is still on the protective side of `reference` (the market). */
function protective(side: StopSide, price: number, reference: number): boolean {
  return side === 'LONG' ? price < reference : price > reference
}

/** The plan's volatility scaling: off, against a fixed ATR%, or against the symbol's mean ATR% (NaN: unscaled). */
function scalingOf(scaling: Options['scaling'], meanAtrPct: number): VolatilityScaling | false {
  if (!scaling.enabled) return false
  const { min, max } = scaling
  if (scaling.reference === 'absolute') return { referenceAtrPct: scaling.referenceAtrPct, min, max }
  return Number.isFinite(meanAtrPct) && meanAtrPct > 0 ? { referenceAtrPct: meanAtrPct, min, max } : false
}

/** Level shift of the adaptive profile for the symbol's current regime (0 without a regime source). */
function regimeShift(opts: Options, at: { symbol: string; side: StopSide }): number {
  const regime = opts.regimes?.get(at.symbol)
  if (regime === 'range') return opts.regime.range
  if (regime === 'high-volatility') return opts.regime.highVolatility
  if (regime === 'trend-up' || regime === 'trend-down') {
    return (regime === 'trend-up') === (at.side === 'LONG') ? opts.regime.with : opts.regime.against
  }
  return 0
}

function createBrain(opts: Options) {
  const states = new Map<string, SymbolState>()
  const selector = createProfileSelector({ ...opts.selector })
  const stateOf = (symbol: string): SymbolState => {
    let st = states.get(symbol)
    if (st === undefined) {
      const { adxPeriod, emaPeriod } = opts.extension
      st = {
        atr: new Atr(opts.atrPeriod),
        adx: new Adx(adxPeriod),
        ema: new Ema(emaPeriod),
        window: new ExtremeWindow(opts.trailing.lookback),
        atrPct: new RollingMean(opts.scaling.lookback),
        trade: undefined,
      }
      states.set(symbol, st)
    }
    return st
  }
  const profileFor = (symbol: string, side: StopSide): ExitProfile => {
    const choice = opts.symbols[symbol] ?? opts.profile
    if (choice === 'adaptive') {
      const level = PROFILE_ORDER.indexOf(selector.select(symbol)) + regimeShift(opts, { symbol, side })
      return EXIT_PROFILES[PROFILE_ORDER[Math.min(PROFILE_ORDER.length - 1, Math.max(0, level))] ?? 'conservative']
    }
    return typeof choice === 'string' ? EXIT_PROFILES[choice] : choice
  }

  /** Candidate stop for the trade's stage (break-even plus fees, then trailing), never wider. */
  const stageStop = (st: SymbolState, trade: TradeState, input: { current: number; tick: number }): number => {
    let price = input.current
    if (opts.stop.breakEven && trade.filledLeg >= 1) {
      const be = breakEvenStop({ side: trade.side, entry: trade.entry, feeRate: opts.feeRate, tickSize: input.tick })
      price = tightenStop({ side: trade.side, current: price, candidate: be })
    }
    if (opts.trailing.type !== 'none' && trade.filledLeg >= opts.trailing.afterLeg) {
      const extreme = trade.side === 'LONG' ? st.window.highest : st.window.lowest
      const { type, atrMultiple, percent } = opts.trailing
      const candidate = trailingStop({
        type,
        side: trade.side,
        best: trade.best,
        extreme,
        atr: st.atr.value,
        atrMultiple,
        percent,
      })
      price = tightenStop({ side: trade.side, current: price, candidate })
    }
    return price
  }

  /** Places (or re-places after an add) the whole plan for `position`. */
  const placePlan = (position: Position, ctx: PluginContext, st: SymbolState): ExitActions | undefined => {
    let instrument
    try {
      instrument = ctx.exchange.instrument(position.symbol)
    } catch (error) {
      return report(ctx, 'onFill', error)
    }
    const profile = profileFor(position.symbol, position.side === 'SHORT' ? 'SHORT' : 'LONG')
    const atr = st.atr.value
    const stopDistance = opts.stop.type === 'atr' && Number.isFinite(atr) ? opts.stop.atrMultiple * atr : undefined
    const scale = scalingOf(opts.scaling, st.atrPct.value)
    const plan = buildExitPlan({
      position,
      profile,
      instrument,
      atr,
      scale,
      targetType: opts.targets,
      ...(stopDistance === undefined ? {} : { stopDistance }),
    })
    const side = plan.side
    const previousTarget =
      plan.legs.length > 1 ? (plan.legs[plan.legs.length - 2]?.triggerPrice ?? Number.NaN) : Number.NaN
    const pnl = st.trade?.side === side ? st.trade.pnl : 0
    const openedAt = st.trade?.side === side ? st.trade.openedAt : ctx.clock.now()
    st.trade = {
      openedAt,
      side,
      entry: plan.entryPrice,
      profile: plan.profile,
      previousTarget,
      filledLeg: 0,
      best: plan.entryPrice,
      pnl,
    }
    const existing = planOrders(ctx, position.symbol)
    const oldStop = existing.find((o) => o.tag === 'stop')
    const [stop, ...legs] = plan.orders
    ctx.logger.debug('exit plan placed', {
      symbol: plan.symbol,
      side,
      profile: plan.profile,
      scale: plan.scale,
      stop: plan.stopPrice,
      legs: plan.legs,
    })
    if (stop === undefined) return undefined
    return {
      cancel: existing.filter((o) => o !== oldStop).map((o) => o.id),
      replace: oldStop === undefined ? [] : [{ cancel: oldStop.id, with: stop }],
      place: oldStop === undefined ? [stop, ...legs] : legs,
    }
  }

  /** After a take-profit leg: the stop follows the position and moves to its stage's level. */
  const amendAfterLeg = (fill: Fill, position: Position, ctx: PluginContext): ExitActions | undefined => {
    const st = stateOf(fill.symbol)
    const trade = st.trade
    if (trade === undefined) return undefined
    trade.filledLeg = Math.max(trade.filledLeg, legOf(fill.tag))
    const stop = planOrders(ctx, fill.symbol).find((o) => o.tag === 'stop')
    if (stop === undefined || stop.triggerPrice === undefined) return undefined
    const tick = ctx.exchange.instrument(fill.symbol).tickSize
    const candidate = stageStop(st, trade, { current: stop.triggerPrice, tick })
    const price =
      protective(trade.side, candidate, fill.price) &&
      tighter({ side: trade.side, price: candidate, current: stop.triggerPrice, tick })
        ? candidate
        : stop.triggerPrice
    if (price === stop.triggerPrice && stop.quantity === position.quantity) return undefined
    ctx.logger.debug('stop amended', {
      symbol: fill.symbol,
      leg: trade.filledLeg,
      from: stop.triggerPrice,
      to: price,
      quantity: position.quantity,
    })
    return { replace: [moved(stop, price, position.quantity)] }
  }

  const closeTrade = (fill: Fill, ctx: PluginContext, st: SymbolState): ExitActions | undefined => {
    const trade = st.trade
    if (trade !== undefined) {
      selector.record({ symbol: fill.symbol, pnl: trade.pnl })
      ctx.logger.debug('exit plan closed', {
        symbol: fill.symbol,
        profile: trade.profile,
        pnl: trade.pnl,
        exit: fill.tag,
      })
    }
    st.trade = undefined
    const left = planOrders(ctx, fill.symbol).map((o) => o.id)
    return left.length > 0 ? { cancel: left } : undefined
  }

  const onFill = (fill: Fill, position: Position, ctx: PluginContext): ExitActions | undefined => {
    const st = stateOf(fill.symbol)
    if (st.trade !== undefined) st.trade.pnl += fill.realizedPnl - fill.fee
    if (position.side === 'FLAT') return closeTrade(fill, ctx, st)
    if (st.trade !== undefined && st.trade.side !== position.side) closeTrade(fill, ctx, st)
    if (!fill.reduceOnly) {
      const fresh = st.trade === undefined
      const actions = placePlan(position, ctx, st)
      if (fresh && st.trade !== undefined) st.trade.pnl = -fill.fee
      return actions
    }
    return amendAfterLeg(fill, position, ctx)
  }

  /** Trailing and runner extension at the bar's close. */
  const manage = (
    bar: MarketBar,
    ctx: PluginContext,
    st: SymbolState & { trade: TradeState },
  ): ExitActions | undefined => {
    const trade = st.trade
    const orders = planOrders(ctx, bar.symbol)
    const tick = ctx.exchange.instrument(bar.symbol).tickSize
    const replace: OrderReplacement[] = []
    const stop = orders.find((o) => o.tag === 'stop')
    if (stop?.triggerPrice !== undefined && trade.filledLeg >= 1) {
      const price = stageStop(st, trade, { current: stop.triggerPrice, tick })
      if (
        protective(trade.side, price, bar.close) &&
        tighter({ side: trade.side, price, current: stop.triggerPrice, tick })
      ) {
        replace.push(moved(stop, price))
      }
    }
    const runner = orders.filter((o) => o.tag !== 'stop').sort((a, b) => legOf(b.tag) - legOf(a.tag))[0]
    const runnerLevel = runner === undefined ? undefined : levelOf(runner)
    if (opts.extension.enabled && runnerLevel !== undefined && Number.isFinite(trade.previousTarget)) {
      const { adxThreshold, atrMultiple } = opts.extension
      const target = extendRunner({
        side: trade.side,
        close: bar.close,
        previousTarget: trade.previousTarget,
        runnerTarget: runnerLevel,
        atr: st.atr.value,
        adx: st.adx.value,
        ema: st.ema.value,
        adxThreshold,
        atrMultiple,
      })
      if (target !== undefined && runner !== undefined) replace.push(moved(runner, target))
    }
    if (replace.length === 0) return undefined
    ctx.logger.debug('exit plan moved', {
      symbol: bar.symbol,
      moves: replace.map((r) => ({ tag: r.with.tag, to: r.with.triggerPrice ?? r.with.price })),
    })
    return { replace }
  }

  const onBar = (bar: MarketBar, ctx: PluginContext): ExitActions | undefined => {
    const st = stateOf(bar.symbol)
    st.atr.update(bar.high, bar.low, bar.close)
    st.adx.update(bar.high, bar.low, bar.close)
    st.ema.update(bar.close)
    st.window.push(bar.high, bar.low)
    const atrPct = (st.atr.value / bar.close) * 100
    if (Number.isFinite(atrPct) && atrPct > 0) st.atrPct.push(atrPct)
    const trade = st.trade
    if (trade === undefined || ctx.account.getPosition(bar.symbol).side === 'FLAT') return undefined
    trade.best = trade.side === 'LONG' ? Math.max(trade.best, bar.high) : Math.min(trade.best, bar.low)
    return manage(bar, ctx, { ...st, trade })
  }

  /** Unknown symbols in `symbols` overrides are a typed error before the first bar. */
  const setup = (ctx: PluginContext): void => {
    const unknown = Object.keys(opts.symbols).filter((symbol) => {
      try {
        ctx.exchange.instrument(symbol)
        return false
      } catch {
        return true
      }
    })
    if (unknown.length > 0) {
      throw new ConfigError(
        'exit-brain: profile overrides for symbols the exchange does not know',
        unknown.map((symbol) => ({
          path: `symbols.${symbol}`,
          message: `${symbol} is not an instrument of the exchange`,
        })),
      )
    }
  }

  /** The open trade of `symbol` as a stored exit state (restart recovery). */
  const exitState = (symbol: string, ctx: PluginContext): ExitStateInput | undefined => {
    const trade = states.get(symbol)?.trade
    if (trade === undefined) return undefined
    const position = ctx.account.getPosition(symbol)
    const orders = planOrders(ctx, symbol)
    const stop = orders.find((o) => o.tag === 'stop')
    return {
      version: 1,
      symbol,
      side: trade.side,
      openedAt: Math.max(0, Math.floor(trade.openedAt)),
      planLegs: orders
        .filter((o) => o.tag !== 'stop')
        .map((o) => ({
          tag: o.tag ?? '',
          price: levelOf(o) ?? 0,
          fraction: position.quantity > 0 ? Math.min(1, o.quantity / position.quantity) : 0,
          filled: false,
        })),
      ...(stop?.triggerPrice === undefined ? {} : { stopLevel: stop.triggerPrice }),
      trailingAnchor: trade.best,
      breakEven: opts.stop.breakEven && trade.filledLeg >= 1,
      extra: {
        entry: trade.entry,
        profile: trade.profile,
        previousTarget: Number.isFinite(trade.previousTarget) ? trade.previousTarget : null,
        filledLeg: trade.filledLeg,
        pnl: trade.pnl,
      },
    }
  }

  /** Re-attaches a stored exit state: break-even, trailing and the runner go on where they were. */
  const restoreExitState = (state: ExitState): void => {
    const extra = state.extra
    const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)
    const entry = num(extra['entry'], state.trailingAnchor ?? Number.NaN)
    stateOf(state.symbol).trade = {
      side: state.side,
      entry,
      profile: typeof extra['profile'] === 'string' ? extra['profile'] : 'restored',
      previousTarget: num(extra['previousTarget'], Number.NaN),
      filledLeg: num(extra['filledLeg'], 0),
      best: state.trailingAnchor ?? entry,
      pnl: num(extra['pnl'], 0),
      openedAt: state.openedAt,
    }
  }

  return { onFill, onBar, setup, exitState, restoreExitState }
}

/**
 * Exit Brain v3: on an entry fill places a multi-leg plan of reduce-only take-profits and a stop;
 * amends it after each leg (break-even plus fees, trailing, runner extension); cancels the rest on close.
 * Custom profiles and options are validated when the factory is called (a `ConfigError` from `@quantum/core` naming the field).
 * @example exitBrain({ profile: 'adaptive', trailing: { type: 'chandelier' } })
 */
export const exitBrain = definePlugin({
  name: NAME,
  kind: 'exit',
  options: ExitBrainOptionsSchema,
  create: (opts) => createBrain(opts),
})
