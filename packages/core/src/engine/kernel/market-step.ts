import type { ResultSeries } from '../../result.js'
import type { ExchangePort, ExitActions, MarketBar, SimulatedExchange } from '../../types.js'
import type { EngineContext } from '../engine-context.js'
import { reportFailure } from '../plugin-driver.js'
import type { CommandSink } from './command-sink.js'

/** Finer candles of one symbol that the exchange fills against inside each strategy bar (`data.detail`). */
export interface SymbolDetail {
  /** The finer candles. */
  readonly series: ResultSeries
  /** Duration of one strategy bar of the symbol (ms). */
  readonly stepMs: number
}

/** Detail candles by symbol. */
export type BarDetail = ReadonlyMap<string, SymbolDetail>

type MutableBar = { -readonly [K in keyof MarketBar]: MarketBar[K] }

/** One symbol's detail series, its read position and the reused bar object. */
interface DetailCursor {
  readonly series: ResultSeries
  readonly stepMs: number
  readonly bar: MutableBar
  next: number
}

/**
 * Builds the per-bar exchange step: the bar itself, or, for symbols with detail candles, each detail
 * candle inside `[openTime, openTime + stepMs)` in turn (the clock following them), falling back to
 * the bar when it has none, calling `afterDetail` after each detail candle (sub-bar protection). The
 * clock ends on the strategy bar's open time either way.
 */
export function exchangeStep(
  exchange: SimulatedExchange,
  clock: { set(time: number): void },
  options: { readonly detail: BarDetail | undefined; readonly afterDetail?: ((sub: MarketBar) => void) | undefined },
): (bar: MarketBar) => void {
  const { detail, afterDetail } = options
  if (detail === undefined || detail.size === 0) return (bar) => exchange.onBar(bar.symbol, bar)
  const cursors = new Map<string, DetailCursor>()
  for (const [symbol, { series, stepMs }] of detail) {
    const bar = { symbol, index: 0, openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 }
    cursors.set(symbol, { series, stepMs, bar, next: 0 })
  }
  return (bar) => {
    const cursor = cursors.get(bar.symbol)
    if (cursor === undefined) return exchange.onBar(bar.symbol, bar)
    const { series, stepMs, bar: sub } = cursor
    const times = series.openTime
    const n = times.length
    let i = cursor.next
    while (i < n && (times[i] as number) < bar.openTime) i++
    const end = bar.openTime + stepMs
    if (i >= n || (times[i] as number) >= end) {
      cursor.next = i
      return exchange.onBar(bar.symbol, bar)
    }
    for (; i < n && (times[i] as number) < end; i++) {
      sub.index = i
      sub.openTime = times[i] as number
      sub.open = series.open[i] as number
      sub.high = series.high[i] as number
      sub.low = series.low[i] as number
      sub.close = series.close[i] as number
      sub.volume = series.volume[i] as number
      clock.set(sub.openTime)
      exchange.onBar(bar.symbol, sub)
      afterDetail?.(sub)
    }
    cursor.next = i
    clock.set(bar.openTime)
  }
}

/** What the market step does after the exits, with the strategy bar (equity, progress, the stop watchdog). */
export type AfterBar = (bar: MarketBar) => void

/**
 * The per-bar market step of every mode: moves the clock, steps the paper exchange when there is one
 * (fills at the open, triggers on the range, funding, liquidation, mark at close; through the detail
 * candles when given), runs the risk guards' `onBar` (market state: prices, drawdown, the emergency
 * stop's triggers), then every exit policy's `onBar` (all are called; the first policy returning
 * actions acts, through the sink's protective lane) and calls `afterBar`. A throwing hook becomes a
 * `plugin-error` event. A venue (no paper exchange) moves by itself and reports through its events.
 */
export function createMarketStep(
  engine: EngineContext<ExchangePort>,
  parts: {
    readonly paper: SimulatedExchange | undefined
    readonly sink: CommandSink
    readonly detail?: BarDetail | undefined
    readonly afterBar: AfterBar
  },
): (bar: MarketBar) => void {
  const { clock, bus } = engine
  const { paper, sink, afterBar } = parts
  const subBar = subBarStep(engine, sink)
  const step =
    paper === undefined ? undefined : exchangeStep(paper, clock, { detail: parts.detail, afterDetail: subBar })
  const guards = engine.plugins.risk.filter((p) => p.onBar !== undefined)
  const guardContexts = guards.map((p) => engine.contextOf(p))
  const guardRefs = guards.map((p) => ({ plugin: p.name, hook: 'onBar' }))
  const exits = engine.plugins.exits.filter((p) => p.onBar !== undefined)
  const contexts = exits.map((p) => engine.contextOf(p))
  const refs = exits.map((p) => ({ plugin: p.name, hook: 'onBar' }))
  const { health } = engine
  const interrupts = health.interrupts
  return (bar) => {
    clock.set(bar.openTime)
    step?.(bar)
    // Risk guards that keep market state see the processed bar first, so a guard that trips
    // (the emergency stop) is in force for the exit policies and the entries of this same bar.
    for (let k = 0; k < guards.length; k++) {
      try {
        if (interrupts) health.enter(guardRefs[k]!, false)
        guards[k]!.onBar!(bar, guardContexts[k]!)
        if (interrupts) health.leave()
      } catch (cause) {
        reportFailure(bus, guardRefs[k]!, cause)
      }
    }
    // Every exit policy sees every bar (so each keeps its indicators current); only the first
    // one that answers with actions acts on this bar (first-exit-wins).
    let winner: ExitActions | undefined
    for (let k = 0; k < exits.length; k++) {
      // Inline try/catch rather than guard(): this runs for every bar and exit policy.
      let actions: ExitActions | undefined
      try {
        if (interrupts) health.enter(refs[k]!, false)
        actions = exits[k]!.onBar!(bar, contexts[k]!)
        if (interrupts) health.leave()
      } catch (cause) {
        reportFailure(bus, refs[k]!, cause)
      }
      winner ??= actions
    }
    if (winner !== undefined) sink.protect(bar.symbol, winner)
    afterBar(bar)
  }
}

/**
 * The sub-bar protection step (guards' then exits' `onSubBar`, first exit answer wins, through the
 * protective lane), or undefined when no plugin has the hook (the hot path then pays nothing). The
 * backtest calls it after each detail candle; a live driver calls it for each mark-price update.
 */
export function subBarStep(
  engine: EngineContext<ExchangePort>,
  sink: CommandSink,
): ((sub: MarketBar) => void) | undefined {
  const guards = engine.plugins.risk.filter((p) => p.onSubBar !== undefined)
  const exits = engine.plugins.exits.filter((p) => p.onSubBar !== undefined)
  if (guards.length === 0 && exits.length === 0) return undefined
  const { bus } = engine
  const hooked = [...guards, ...exits].map((p) => ({
    ctx: engine.contextOf(p),
    ref: { plugin: p.name, hook: 'onSubBar' },
  }))
  return (sub) => {
    for (let k = 0; k < guards.length; k++) {
      try {
        guards[k]!.onSubBar!(sub, hooked[k]!.ctx)
      } catch (cause) {
        reportFailure(bus, hooked[k]!.ref, cause)
      }
    }
    let winner: ExitActions | undefined
    for (let k = 0; k < exits.length; k++) {
      const h = hooked[guards.length + k]!
      try {
        winner ??= exits[k]!.onSubBar!(sub, h.ctx)
      } catch (cause) {
        reportFailure(bus, h.ref, cause)
      }
    }
    if (winner !== undefined) sink.protect(sub.symbol, winner)
  }
}
