import { asyncScheduler, Subject, type Observable, type Subscription } from 'rxjs'
import type { TradeRecord } from '../../result.js'
import type { Fill, Position } from '../../schemas.js'
import type {
  Clock,
  EngineEvent,
  ExchangeEvent,
  ExchangePort,
  ExitActions,
  Logger,
  MarketBar,
  QuantumPlugin,
  RunMode,
  SimulatedExchange,
} from '../../types.js'
import { createEngineContext, type EngineContext } from '../engine-context.js'
import { createEventBus } from '../event-bus.js'
import { silentLogger } from '../logger.js'
import { applyRisk, checkRisk } from '../operators/apply-risk.js'
import { decideSignals } from '../operators/decide-signals.js'
import { runAgents } from '../operators/run-agents.js'
import { sizeDecisions } from '../operators/size-decisions.js'
import { guard, reportFailure, sortPlugins } from '../plugin-driver.js'
import { TradeTracker } from '../trade-tracker.js'
import { CommandQueue } from './command-queue.js'
import { applyExitActionsAsync, submitIntentAsync, type LiveSubmitContext } from './live-submit.js'

/** Options of {@link startLive}. */
export interface LiveRunOptions {
  /** Closed bars as they arrive (any symbols; in time order per symbol). The run ends when this completes. */
  readonly bars: Observable<MarketBar>
  /**
   * The venue. A {@link SimulatedExchange} (paper mode) is stepped with every bar; a live adapter fills
   * orders itself and reports through `events$`.
   */
  readonly exchange: ExchangePort
  readonly plugins: readonly QuantumPlugin[]
  readonly mode: Exclude<RunMode, 'backtest'>
  /** The clock plugins see; one with `set` follows the bars (replays), otherwise wall time. @default wall clock */
  readonly clock?: Clock & { set?(time: number): void }
  /** @default a silent logger */
  readonly logger?: Logger
  /** Every engine event, after the observers. */
  readonly onEvent?: (event: EngineEvent) => void
  /** A position without a working reduce-only stop for longer than this raises `unprotected`. @default 10000 */
  readonly protectionGraceMs?: number
  /** Called after each bar's market step (exchange, guards, exits), before the agents (equity curves). */
  readonly afterBar?: (bar: MarketBar) => void
  /**
   * Warm-up: closed bars older than the feed's first (e.g. fetched over REST at start), in time order.
   * Agents' and exit policies' `onBar` see them before the first live bar, so indicators are ready;
   * their signals and exit actions are dropped, risk guards and the exchange do not see them, nothing
   * is sent. Their `index` should run on into the live bars' (see `klineFeed`'s `after`). @default none
   */
  readonly history?: readonly MarketBar[]
}

/** What a live run produced so far. */
export interface LiveSummary {
  readonly bars: number
  readonly fills: readonly Fill[]
  readonly trades: readonly TradeRecord[]
  /** Commands (orders, cancels) still queued or in flight. */
  readonly pendingCommands: number
  readonly unprotected: number
}

/** A running live strategy. */
export interface LiveRun {
  /** Resolves when `bars` completes and every queued command has run. */
  readonly done: Promise<LiveSummary>
  /** Stops consuming bars, waits for queued commands, disposes the plugins. */
  stop(): Promise<LiveSummary>
  /** The run's current state. */
  summary(): LiveSummary
}

const isSimulated = (exchange: ExchangePort): exchange is SimulatedExchange =>
  typeof (exchange as Partial<SimulatedExchange>).onBar === 'function' &&
  typeof (exchange as Partial<SimulatedExchange>).placeOrderSync === 'function'

/** Wall time, with RxJS's async scheduler. */
const wallClock: Clock = { now: () => Date.now(), scheduler: asyncScheduler }

/**
 * Runs a strategy on a live stream of bars against an exchange port — the paper exchange in real time
 * (`paper`), or the ccxt adapter (`testnet`, `live`). The same plugins and stages as a backtest: exchange
 * step (paper only), risk guards' and exit policies' `onBar`, agents, decision, sizing, risk; every
 * exchange command goes through one serial queue, so orders reach the venue in the order they were
 * decided, and a replaced stop is cancelled only after its replacement is acknowledged. Fills come back
 * through the exchange's events to the trade tracker and the exit policies. A position that stays
 * without a reduce-only stop beyond `protectionGraceMs` raises an `unprotected` event.
 * @example const run = startLive({ bars: feed$, exchange, plugins, mode: 'paper' }); await run.done
 */
export function startLive(options: LiveRunOptions): LiveRun {
  const bus = createEventBus()
  const base: Clock & { set?(time: number): void } = options.clock ?? wallClock
  const clock = { now: () => base.now(), scheduler: base.scheduler, set: (t: number) => base.set?.(t) }
  const plugins = sortPlugins(options.plugins, options.mode)
  const engine: EngineContext<ExchangePort> = createEngineContext<ExchangePort>({
    mode: options.mode,
    clock,
    bus,
    exchange: options.exchange,
    plugins,
    logger: options.logger ?? silentLogger,
  })
  const queue = new CommandQueue((error) => reportFailure(bus, { plugin: 'engine:live', hook: 'command' }, error))
  const submit: LiveSubmitContext = {
    exchange: options.exchange,
    bus,
    checkRisk: (intent) => checkRisk(engine, intent),
  }
  const state = { bars: 0, fills: [] as Fill[], unprotected: 0 }
  const tracker = new TradeTracker()
  const watchdog = new ProtectionWatchdog(options.protectionGraceMs ?? 10_000)
  const enqueue = (symbol: string, actions: ExitActions): void => {
    void queue.push(() => applyExitActionsAsync(submit, symbol, actions))
  }
  const check = (now: number): void => {
    for (const event of watchdog.check(options.exchange, now)) {
      state.unprotected++
      bus.emit(event)
    }
  }

  const subs: Subscription[] = [
    bus.events$.subscribe((event) => {
      for (const plugin of event.type === 'plugin-error' && event.hook === 'onEvent' ? [] : plugins.observers) {
        guard(bus, { plugin: plugin.name, hook: 'onEvent' }, () => plugin.onEvent(event, engine.contextOf(plugin)))
      }
      options.onEvent?.(event)
    }),
    options.exchange.events$.subscribe((event: ExchangeEvent) => {
      if (event.type === 'fill' || event.type === 'liquidation') {
        state.fills.push(event.fill)
        tracker.onFill(event.fill, event.position)
        bus.emit(event)
        onFill(event.fill, event.position)
        check(clock.now())
        return
      }
      if (event.type === 'funding') tracker.onFunding(event.funding)
      bus.emit(event)
    }),
  ]

  function onFill(fill: Fill, position: Position): void {
    for (const plugin of plugins.exits) {
      if (plugin.onFill === undefined) continue
      const actions = guard(bus, { plugin: plugin.name, hook: 'onFill' }, () =>
        plugin.onFill!(fill, position, engine.contextOf(plugin)),
      )
      if (actions !== undefined) enqueue(fill.symbol, actions)
    }
  }

  const guards = plugins.risk.filter((p) => p.onBar !== undefined)
  const exits = plugins.exits.filter((p) => p.onBar !== undefined)
  const marketStep = new Subject<MarketBar>()
  const stepBar = (bar: MarketBar): void => {
    clock.set(bar.openTime)
    if (isSimulated(options.exchange)) options.exchange.onBar(bar.symbol, bar)
    for (const g of guards) {
      guard(bus, { plugin: g.name, hook: 'onBar' }, () => g.onBar!(bar, engine.contextOf(g)))
    }
    let winner: ExitActions | undefined
    for (const exit of exits) {
      const actions = guard(bus, { plugin: exit.name, hook: 'onBar' }, () => exit.onBar!(bar, engine.contextOf(exit)))
      winner ??= actions
    }
    if (winner !== undefined) enqueue(bar.symbol, winner)
    state.bars++
    options.afterBar?.(bar)
    check(clock.now())
    marketStep.next(bar)
  }

  /** A warm-up bar: indicators of agents and exits advance, every output is dropped. */
  const warmBar = (bar: MarketBar): void => {
    clock.set(bar.openTime)
    for (const exit of exits)
      guard(bus, { plugin: exit.name, hook: 'onBar' }, () => exit.onBar!(bar, engine.contextOf(exit)))
    for (const agent of plugins.agents) {
      guard(bus, { plugin: agent.name, hook: 'onBar' }, () => agent.onBar(bar, engine.contextOf(agent)))
    }
  }

  subs.push(
    marketStep
      .pipe(runAgents(engine), decideSignals(engine), sizeDecisions(engine), applyRisk(engine))
      .subscribe((intent) => {
        void queue.push(() => submitIntentAsync(submit, intent))
      }),
  )

  const summary = (): LiveSummary => ({
    bars: state.bars,
    fills: state.fills,
    trades: tracker.trades,
    pendingCommands: queue.size,
    unprotected: state.unprotected,
  })

  let finished: Promise<LiveSummary> | undefined
  const finish = (): Promise<LiveSummary> =>
    (finished ??= (async () => {
      await queue.drain()
      for (const plugin of [...plugins.all].reverse()) {
        await guard(bus, { plugin: plugin.name, hook: 'dispose' }, () => plugin.dispose?.())
      }
      for (const sub of subs) sub.unsubscribe()
      bus.complete()
      return summary()
    })())

  let feed: Subscription | undefined
  let endFeed: (() => void) | undefined
  let stopped = false
  const done = (async () => {
    for (const plugin of plugins.all) await plugin.setup?.(engine.contextOf(plugin))
    for (const bar of options.history ?? []) warmBar(bar)
    if (!stopped) {
      await new Promise<void>((resolve, reject) => {
        endFeed = resolve
        feed = options.bars.subscribe({ next: stepBar, error: reject, complete: resolve })
      })
    }
    return finish()
  })()

  return {
    done,
    summary,
    stop: async () => {
      stopped = true
      feed?.unsubscribe()
      endFeed?.()
      return done
    },
  }
}

/**
 * Watches that every open position has a working reduce-only STOP_MARKET on the closing side; one that
 * has none for longer than `graceMs` is reported once (until it is protected or flat again).
 */
export class ProtectionWatchdog {
  private readonly since = new Map<string, number>()
  private readonly reported = new Set<string>()

  constructor(private readonly graceMs: number) {}

  /** The `unprotected` events due at `now`. */
  check(exchange: ExchangePort, now: number): EngineEvent[] {
    const out: EngineEvent[] = []
    const open = new Set<string>()
    for (const p of exchange.account.getPositions()) {
      if (p.side === 'FLAT') continue
      open.add(p.symbol)
      const closing = p.side === 'LONG' ? 'SELL' : 'BUY'
      const protectedNow = exchange.account
        .getOpenOrders(p.symbol)
        .some((o) => o.type === 'STOP_MARKET' && o.reduceOnly && o.side === closing)
      if (protectedNow) {
        this.since.delete(p.symbol)
        this.reported.delete(p.symbol)
        continue
      }
      const start = this.since.get(p.symbol) ?? now
      this.since.set(p.symbol, start)
      if (now - start > this.graceMs && !this.reported.has(p.symbol)) {
        this.reported.add(p.symbol)
        out.push({ type: 'unprotected', symbol: p.symbol, since: start, time: now, quantity: p.quantity, side: p.side })
      }
    }
    for (const symbol of [...this.since.keys()]) {
      if (!open.has(symbol)) {
        this.since.delete(symbol)
        this.reported.delete(symbol)
      }
    }
    return out
  }
}
