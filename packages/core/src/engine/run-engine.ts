import type { Subscription } from 'rxjs'
import type { DecisionLog, ResultSeries, TradeRecord } from '../result.js'
import type { Fill } from '../schemas.js'
import type {
  EngineEvent,
  ExchangeEvent,
  Logger,
  QuantumPlugin,
  RiskStateEvent,
  RunMode,
  SimulatedExchange,
} from '../types.js'
import { barSource, type BarOrder } from './bar-source.js'
import { SimulatedClock } from './clock.js'
import { createEngineContext, type EngineContext } from './engine-context.js'
import { createEventBus } from './event-bus.js'
import { silentLogger } from './logger.js'
import { applyRisk } from './operators/apply-risk.js'
import { decideSignals } from './operators/decide-signals.js'
import { executeIntents } from './operators/execute-intents.js'
import { runAgents } from './operators/run-agents.js'
import { simulateBars, type BarDetail } from './operators/simulate-bars.js'
import { sizeDecisions } from './operators/size-decisions.js'
import { guard, sortPlugins } from './plugin-driver.js'
import { applyExitActions } from './submit.js'
import { TradeTracker } from './trade-tracker.js'
import { RunEventLog } from './event-log.js'

/** Options of {@link runEngine}. */
export interface EngineRunOptions {
  /** Columnar candles, one series per symbol. */
  readonly series: readonly ResultSeries[]
  /** Visiting order across several series (from `mergeByTime`); omit for one series. */
  readonly order?: BarOrder
  /** Finer candles the exchange fills against inside each bar (`data.detail`). @default none */
  readonly detail?: BarDetail
  /** The simulated exchange that fills orders. */
  readonly exchange: SimulatedExchange
  /** Every plugin of the strategy, in registration order. */
  readonly plugins: readonly QuantumPlugin[]
  /** @default 'backtest' */
  readonly mode?: RunMode
  /** @default a silent logger */
  readonly logger?: Logger
  /** Called every `progressEvery` bars and at the end. @default none */
  readonly onProgress?: (done: number, total: number) => void
  /** @default 65536 */
  readonly progressEvery?: number
  /** Called for every engine event (after observers). @default none */
  readonly onEvent?: (event: EngineEvent) => void
  /** How many notable events (errors, risk verdicts, rejections) to keep. @default 1000 */
  readonly keepNotable?: number
}

/** What the engine produced (the raw material of a backtest result). */
export interface EngineOutput {
  readonly trades: readonly TradeRecord[]
  readonly fills: readonly Fill[]
  /** Equity at each distinct bar time. */
  readonly equity: { readonly time: Float64Array; readonly equity: Float64Array }
  /** Fraction of equity points with at least one open trade. */
  readonly exposure: number
  /** Whether a trade was still open at the end. */
  readonly openAtEnd: boolean
  readonly notableEvents: readonly EngineEvent[]
  /** Every `risk-state` event (emergency stop trips and resets, breakers), in order; capped at `keepNotable`. */
  readonly riskStates: readonly RiskStateEvent[]
  readonly counts: {
    readonly pluginErrors: number
    readonly ordersRejected: number
    readonly riskEvents: number
    readonly bars: number
  }
  /** Decision counts and the latest BUY/SELL decisions with their votes. */
  readonly decisions: DecisionLog
  readonly durationMs: number
}

/**
 * Runs a strategy over historical bars: one RxJS pipeline
 * `bars -> market step (exchange, exits, equity) -> agents -> decision -> sizing -> risk -> execution`,
 * with fills flowing back through the exchange's events to positions, trades and exit policies.
 * Deterministic: the clock is the bars' time and the paper exchange applies commands synchronously.
 * @example const out = await runEngine({ series: [btc], exchange, plugins: [emaCross(), fixedNotional()] })
 */
export async function runEngine(options: EngineRunOptions): Promise<EngineOutput> {
  const started = performance.now()
  const mode = options.mode ?? 'backtest'
  const bus = createEventBus()
  const clock = new SimulatedClock(0)
  const plugins = sortPlugins(options.plugins, mode)
  const engine = createEngineContext({
    mode,
    clock,
    bus,
    exchange: options.exchange,
    plugins,
    logger: options.logger ?? silentLogger,
  })
  const state = createRunState(options)
  const subs: Subscription[] = [
    bus.events$.subscribe((event) => observe(engine, state, event)),
    options.exchange.events$.subscribe((event) => onExchangeEvent(engine, state, event)),
  ]
  for (const plugin of plugins.all) await plugin.setup?.(engine.contextOf(plugin))
  // Agents prepare concurrently: model inference runs on onnxruntime's threads, so independent models
  // overlap (each agent keeps its own results, so completion order does not matter).
  await Promise.all(plugins.agents.map(async (agent) => agent.prepare?.(options.series, engine.contextOf(agent))))
  try {
    await runPipeline(engine, state, options)
  } finally {
    for (const plugin of [...plugins.all].reverse()) {
      await guard(bus, { plugin: plugin.name, hook: 'dispose' }, () => plugin.dispose?.())
    }
    // Let rejected exchange promises from the last bars report before the bus closes.
    await new Promise<void>((resolve) => setImmediate(resolve))
    for (const sub of subs) sub.unsubscribe()
    bus.complete()
  }
  return finish(state, performance.now() - started)
}

interface RunState {
  readonly tracker: TradeTracker
  readonly fills: Fill[]
  readonly eqTime: Float64Array
  readonly eqValue: Float64Array
  points: number
  exposed: number
  bars: number
  readonly log: RunEventLog
  readonly onEvent: ((event: EngineEvent) => void) | undefined
}

function createRunState(options: EngineRunOptions): RunState {
  const total = options.series.reduce((n, s) => n + s.openTime.length, 0)
  return {
    tracker: new TradeTracker(),
    fills: [],
    eqTime: new Float64Array(total),
    eqValue: new Float64Array(total),
    points: 0,
    exposed: 0,
    bars: 0,
    log: new RunEventLog(options.keepNotable ?? 1000),
    onEvent: options.onEvent,
  }
}

function runPipeline(engine: EngineContext, state: RunState, options: EngineRunOptions): Promise<void> {
  const total = state.eqTime.length
  const every = options.progressEvery ?? 65_536
  const account = engine.exchange.account
  const afterBar = (bar: { openTime: number }): void => {
    const equity = account.getEquity()
    const last = state.points - 1
    if (last >= 0 && state.eqTime[last] === bar.openTime) {
      state.eqValue[last] = equity
    } else {
      state.eqTime[state.points] = bar.openTime
      state.eqValue[state.points] = equity
      state.points++
      if (state.tracker.openCount > 0) state.exposed++
    }
    state.bars++
    if (options.onProgress !== undefined && state.bars % every === 0) options.onProgress(state.bars, total)
  }
  return new Promise<void>((resolve, reject) => {
    barSource(options.series, options.order === undefined ? {} : { order: options.order })
      .pipe(
        simulateBars(engine, afterBar, options.detail),
        runAgents(engine),
        decideSignals(engine),
        sizeDecisions(engine),
        applyRisk(engine),
        executeIntents(engine),
      )
      .subscribe({
        error: reject,
        complete: () => {
          options.onProgress?.(state.bars, total)
          resolve()
        },
      })
  })
}

function onExchangeEvent(engine: EngineContext, state: RunState, event: ExchangeEvent): void {
  if (event.type === 'fill' || event.type === 'liquidation') {
    state.fills.push(event.fill)
    state.tracker.onFill(event.fill, event.position)
    engine.bus.emit(event)
    for (const plugin of engine.plugins.exits) {
      if (plugin.onFill === undefined) continue
      const actions = guard(engine.bus, { plugin: plugin.name, hook: 'onFill' }, () =>
        plugin.onFill!(event.fill, event.position, engine.contextOf(plugin)),
      )
      if (actions !== undefined) applyExitActions(engine, event.fill.symbol, actions)
    }
    return
  }
  if (event.type === 'funding') state.tracker.onFunding(event.funding)
  engine.bus.emit(event)
}

function observe(engine: EngineContext, state: RunState, event: EngineEvent): void {
  // An observer failing on its own failure report would recurse forever: those go to the counts only.
  const fromObserver = event.type === 'plugin-error' && event.hook === 'onEvent'
  for (const plugin of fromObserver ? [] : engine.plugins.observers) {
    guard(engine.bus, { plugin: plugin.name, hook: 'onEvent' }, () => plugin.onEvent(event, engine.contextOf(plugin)))
  }
  state.log.record(event)
  state.onEvent?.(event)
}

function finish(state: RunState, durationMs: number): EngineOutput {
  return {
    trades: state.tracker.trades,
    fills: state.fills,
    equity: { time: state.eqTime.slice(0, state.points), equity: state.eqValue.slice(0, state.points) },
    exposure: state.points === 0 ? 0 : state.exposed / state.points,
    openAtEnd: state.tracker.openCount > 0,
    notableEvents: state.log.notable,
    riskStates: state.log.riskStates,
    counts: { ...state.log.counts, bars: state.bars },
    decisions: state.log.decisions,
    durationMs,
  }
}
