/**
 * The engine kernel: one market step, one fill router, one command sink, one risk chain and one run
 * recorder, shared by every mode. `runEngine` (backtest) and `startLive` (paper, testnet, live) are
 * drivers around it that differ only in where the bars come from and which sink takes the orders.
 * @packageDocumentation
 */
import { Observable, type Subscription } from 'rxjs'
import type { Fill, Position } from '../../schemas.js'
import type {
  Clock,
  EngineEvent,
  ExchangeEvent,
  ExchangePort,
  ExitActions,
  Logger,
  MarketBar,
  OrderIntent,
  QuantumPlugin,
  RunMode,
  SimulatedExchange,
} from '../../types.js'
import { createEngineContext, type EngineContext } from '../engine-context.js'
import { createEventBus } from '../event-bus.js'
import { applyRisk, riskCheckOf } from '../operators/apply-risk.js'
import { decideSignals } from '../operators/decide-signals.js'
import { runAgents } from '../operators/run-agents.js'
import { sizeDecisions } from '../operators/size-decisions.js'
import { guard, reportFailure, sortPlugins } from '../plugin-driver.js'
import { agentBlocks, DEFAULT_BLOCK_ROWS, warmBlocks } from './agent-blocks.js'
import { directSink, queueSink, type CommandSink } from './command-sink.js'
import { createMarketStep, subBarStep, type BarDetail } from './market-step.js'
import { PendingEntries, withPendingOrders } from './pending-entries.js'
import { ProtectionLadder, type ProtectionOptions } from './protection.js'
import { ProtectionWatchdog } from './protection-watchdog.js'
import { RunRecorder, type EngineOutput } from './run-recorder.js'
import type { RunJournal } from './run-journal.js'
import type { ExitState } from '../../state/schemas.js'

/**
 * Where the kernel's orders go: the paper exchange (stepped with every bar by the kernel; commands
 * applied synchronously by default, or through the venue queue with `sink: 'queue'`), or a venue
 * (it moves by itself and reports through its events; commands through the serial queue).
 */
export type KernelVenue =
  | { readonly paper: SimulatedExchange; readonly sink?: 'direct' | 'queue' }
  | { readonly exchange: ExchangePort & { readonly onBar?: never } }

/** Options of {@link createKernel}. */
export type KernelOptions = KernelVenue & {
  readonly mode: RunMode
  readonly clock: Clock & { set(time: number): void }
  readonly plugins: readonly QuantumPlugin[]
  readonly logger: Logger
  /** Finer candles the paper exchange fills against inside each bar. @default none */
  readonly detail?: BarDetail | undefined
  /** Every engine event, after the observers and the recorder. */
  readonly onEvent?: ((event: EngineEvent) => void) | undefined
  /**
   * The event types `onEvent` reads; other events may not reach it. The paper exchange builds no
   * `order` event of a working order (a copy per status change) that nobody reads. @default every type
   */
  readonly onEventTypes?: readonly EngineEvent['type'][] | undefined
  /** After each bar's market step and the equity point (progress bars, recording a live feed). */
  readonly afterBar?: ((bar: MarketBar) => void) | undefined
  /** Expected bars (sizes the equity curve). */
  readonly capacity?: number | undefined
  /** How many notable events to keep. @default 1000 */
  readonly keepNotable?: number | undefined
  /** Raise `unprotected` for a position without a stop for longer than this (ms). @default off */
  readonly protectionGraceMs?: number | undefined
  /**
   * The protection ladder (venue sinks only): a position without a reduce-only stop gets one from the
   * engine, then is closed, then trading halts ({@link ProtectionLadder}). @default off
   */
  readonly protection?: ProtectionOptions | undefined
  /**
   * Journals the run into a state store (intents before they are sent, acks, fills, positions, trades,
   * equity, risk and exit state). Venue sinks only wait for intents; without it nothing is journaled.
   * @default none
   */
  readonly journal?: RunJournal | undefined
  /**
   * Time budget of one agent, decision or sizer hook call (ms): a call over it is a `plugin-error` and
   * its plugin is isolated (`plugin-isolated`), so a hanging strategy stops trading while the market
   * step, exits and stops go on. `false` turns it off. @default 1000 in paper/testnet/live, off in backtests
   */
  readonly hookBudgetMs?: number | false | undefined
  /**
   * Failures in a row (throws, invalid output) after which an agent, decision plugin or sizer is
   * isolated. `false` turns it off. @default 10 in paper/testnet/live, off in backtests
   */
  readonly isolateAfter?: number | false | undefined
  /**
   * Venue sinks: an entry that waited longer than this (ms, on the run's clock) in its symbol's queue
   * behind a slow or stuck request is dropped unsent (`order-rejected`, `StaleOrderError`); protective
   * commands never expire. `false` turns it off. @default 10000
   */
  readonly maxEntryAgeMs?: number | false | undefined
  /**
   * Interrupt an agent, decision or sizer hook that runs past the hook budget without returning (an
   * endless loop), isolate its plugin and go on; costs about 0.1 ms per call. @default true on a venue
   * (`exchange`), false on the paper exchange (whose replays run bars back to back)
   */
  readonly interruptHooks?: boolean | undefined
  /** The clock hook calls are timed with (tests). @default performance.now */
  readonly hookClock?: (() => number) | undefined
  /** Most bars per block of the agents' `onBlock` pre-step (batched model inference). @default 1024 */
  readonly blockRows?: number | undefined
}

/** What a resumed run puts back into the kernel (from its state store). */
export interface KernelRestore {
  /** The run's journaled fills, in time order: the trade tracker replays them (closed and open trades). */
  readonly fills: readonly Fill[]
  /** The stored exit state of each open position, handed to the exit policies. */
  readonly exitStates: readonly ExitState[]
  /** What the sizer had learnt (its `learnedState`), handed back to it. @default none */
  readonly learned?: unknown
}

/** The hook budget of live modes (ms). */
export const DEFAULT_HOOK_BUDGET_MS = 1000
/** How long an entry may wait in a venue queue before it is dropped as stale (ms). */
export const DEFAULT_MAX_ENTRY_AGE_MS = 10_000
/** Failures in a row that isolate a plugin in live modes. */
export const DEFAULT_ISOLATE_AFTER = 10

/** One mark price of one symbol (Binance's `markPriceUpdate`). */
export interface MarkUpdate {
  readonly symbol: string
  readonly price: number
  /** Event time (epoch ms). */
  readonly time: number
}

/** A wired kernel, ready for bars. */
export interface Kernel {
  readonly engine: EngineContext<ExchangePort>
  readonly recorder: RunRecorder
  readonly sink: CommandSink
  /** `unprotected` alerts raised so far. */
  readonly unprotected: number
  /** Calls every plugin's `setup`, in order. */
  setup(): Promise<void>
  /** Puts a resumed run's state back (after the warm-up, before the first live bar). */
  restore(state: KernelRestore): void
  /**
   * The whole pipeline on a stream of bars: market step -> agents -> decision -> sizing -> risk ->
   * the sink. Emits the approved intents it sent; completes with `bars`.
   */
  run(bars: Observable<MarketBar>): Observable<OrderIntent>
  /** A warm-up bar: agents' and exit policies' indicators advance, every output is dropped. */
  warm(bar: MarketBar): void
  /** Warm-up bars, in time order: through the agents' `onBlock` (marked warm-up), then {@link Kernel.warm} each. */
  warmUp(bars: readonly MarketBar[]): Promise<void>
  /**
   * A mark-price update (live): the account's position of the symbol is re-marked (when the account
   * can, like the venue's `LiveAccount`), then the guards' and exits' `onSubBar` run on it as a
   * zero-range bar, so the emergency stop's open-loss and drawdown checks act between strategy bars.
   */
  mark(update: MarkUpdate): void
  /** Waits for the sink, disposes the plugins (reverse order), closes the bus. Idempotent. */
  close(): Promise<void>
  /** What the run produced so far. */
  output(durationMs: number): EngineOutput
}

/**
 * Wires one run: plugins sorted for the mode, their contexts, the event bus with observers and the
 * recorder, the fill router on the exchange's events, the command sink and the market step.
 * @example const kernel = createKernel({ paper: exchange, mode: 'backtest', clock, plugins, logger })
 */
export function createKernel(options: KernelOptions): Kernel {
  const paper = 'paper' in options ? options.paper : undefined
  const bus = createEventBus()
  const plugins = sortPlugins(options.plugins, options.mode)
  const direct = paper !== undefined && (!('sink' in options) || options.sink !== 'queue')
  // A journaled run: the orders an execution plugin makes itself are journaled before they are sent.
  const env = {
    bus,
    clock: options.clock,
    logger: options.logger,
    ...(options.journal === undefined ? {} : { journal: options.journal }),
  }
  // Execution plugins (AELM) wrap the port the queue sends to; the backtest's direct sink is not wrapped.
  const exchange: ExchangePort = plugins.executions.reduce<ExchangePort>(
    (port, p) => (direct ? port : p.wrap(port, env)),
    'paper' in options ? options.paper : options.exchange,
  )
  if (direct && plugins.executions.length > 0)
    options.logger.warn(
      'execution plugins act where orders go through the queue (venues, paper with sink queue): not applied here',
    )
  // A venue's entries take time to reach the book: guards see them through the account view meanwhile.
  const pending = direct ? undefined : new PendingEntries(() => options.clock.now())
  const engine = createEngineContext<ExchangePort>({
    mode: options.mode,
    clock: options.clock,
    bus,
    exchange,
    plugins,
    logger: options.logger,
    ...(pending === undefined ? {} : { account: withPendingOrders(exchange.account, pending) }),
    health: {
      budgetMs: orOff(options.hookBudgetMs, options.mode === 'backtest' ? undefined : DEFAULT_HOOK_BUDGET_MS),
      isolateAfter: orOff(options.isolateAfter, options.mode === 'backtest' ? undefined : DEFAULT_ISOLATE_AFTER),
      now: options.hookClock,
      interrupt: options.interruptHooks ?? paper === undefined,
    },
  })
  const recorder = new RunRecorder({
    capacity: options.capacity,
    keepNotable: options.keepNotable,
    now: () => options.clock.now(),
  })
  const checkRisk = riskCheckOf(engine)
  const journal = options.journal
  let ladder: ProtectionLadder | undefined
  const venueSink = direct
    ? undefined
    : queueSink(journal === undefined ? exchange : journal.wrap(exchange), bus, {
        checkRisk,
        pending,
        onError: (error) => reportFailure(bus, { plugin: 'engine:kernel', hook: 'command' }, error),
        onSettled: (symbol) => ladder?.check(symbol),
        maxEntryAgeMs: orOff(options.maxEntryAgeMs, DEFAULT_MAX_ENTRY_AGE_MS),
        now: () => options.clock.now(),
      })
  const sink: CommandSink = venueSink ?? directSink(paper!, bus, checkRisk)
  if (venueSink !== undefined && options.protection !== undefined) {
    ladder = new ProtectionLadder(
      { exchange, sink: venueSink, bus, scheduler: options.clock.scheduler },
      options.protection,
    )
  }
  const watchdog =
    options.protectionGraceMs === undefined ? undefined : new ProtectionWatchdog(options.protectionGraceMs)
  let unprotected = 0
  const watch = (): void => {
    if (watchdog === undefined) return
    for (const event of watchdog.check(exchange, options.clock.now())) {
      unprotected++
      bus.emit(event)
    }
  }

  // Observers, the recorder and the caller see every event, in this order.
  const observers = plugins.observers
  const onBusEvent = (event: EngineEvent): void => {
    ladder?.onEvent(event)
    // An observer failing on its own failure report would recurse forever: those go to the log only.
    if (!(event.type === 'plugin-error' && event.hook === 'onEvent')) {
      for (const plugin of observers) {
        guard(bus, { plugin: plugin.name, hook: 'onEvent' }, () => plugin.onEvent(event, engine.contextOf(plugin)))
      }
    }
    recorder.record(event)
    journal?.onEvent(event)
    options.onEvent?.(event)
  }

  // The fill router: fills to the recorder, the bus and every exit policy's `onFill` (protective lane).
  const exitsOnFill = plugins.exits.filter((p) => p.onFill !== undefined)
  const onFill = (fill: Fill, position: Position): void => {
    for (const plugin of exitsOnFill) {
      const ref = { plugin: plugin.name, hook: 'onFill' }
      const actions = guard(bus, ref, () =>
        engine.health.interrupts
          ? (engine.health.callProtective(ref, plugin, [fill, position, engine.contextOf(plugin)]) as
              ExitActions | undefined)
          : plugin.onFill!(fill, position, engine.contextOf(plugin)),
      )
      if (actions !== undefined) sink.protect(fill.symbol, actions)
    }
  }
  // Exit state of each position (journaled runs only): after fills and bars, stored when it changed.
  const exitsWithState = plugins.exits.filter((p) => p.exitState !== undefined)
  const journalExits = (symbol: string): void => {
    if (journal === undefined) return
    let state
    if (account.getPosition(symbol).side !== 'FLAT') {
      for (const plugin of exitsWithState) {
        state = guard(bus, { plugin: plugin.name, hook: 'exitState' }, () =>
          plugin.exitState!(symbol, engine.contextOf(plugin)),
        )
        if (state !== undefined) break
      }
    }
    journal.onExitState(symbol, state, options.clock.now())
  }
  // What the sizer learnt (journaled runs only): after fills, when a closed trade may have taught it.
  const learning = journal === undefined ? undefined : plugins.sizer
  const journalLearned = (): void => {
    if (learning?.learnedState === undefined) return
    const state = guard(bus, { plugin: learning.name, hook: 'learnedState' }, () => learning.learnedState!())
    if (state !== undefined) journal?.onLearnedState(learning.name, state, options.clock.now())
  }
  const onExchangeEvent = (event: ExchangeEvent): void => {
    if (event.type === 'fill' || event.type === 'liquidation') {
      pending?.onFill(event.fill)
      recorder.onFill(event.fill, event.position)
      journal?.onFill(event.fill, event.position, recorder.tracker)
      bus.emit(event)
      onFill(event.fill, event.position)
      journalExits(event.fill.symbol)
      journalLearned()
      ladder?.check(event.fill.symbol)
      watch()
      return
    }
    if (event.type === 'funding') recorder.onFunding(event.funding)
    bus.emit(event)
  }
  // Order events of working orders are built only while someone reads them: the caller's onEvent
  // (unless it names the types it reads), observers, the journal, the venue sink's ladder and pending
  // entries, and any plugin that subscribed to the bus (the kernel's own subscription is the first).
  const readsOrders =
    !direct ||
    journal !== undefined ||
    observers.length > 0 ||
    (options.onEvent !== undefined && options.onEventTypes?.includes('order') !== false)
  const wantsOrders = (): boolean => readsOrders || bus.subscribers > 1
  const exchangeEvents$ = (direct ? paper?.accountEvents?.(wantsOrders) : undefined) ?? exchange.events$
  const subs: Subscription[] = [bus.events$.subscribe(onBusEvent), exchangeEvents$.subscribe(onExchangeEvent)]

  const account = exchange.account
  const afterBar = options.afterBar
  const marketStep = createMarketStep(engine, {
    paper,
    sink,
    detail: options.detail,
    afterBar: (bar) => {
      recorder.afterBar(bar.openTime, account.getEquity())
      if (journal !== undefined) {
        journal.onEquity(bar.openTime, account.getEquity())
        journalExits(bar.symbol)
      }
      afterBar?.(bar)
      ladder?.check(bar.symbol)
      watch()
    },
  })

  const warmExits = plugins.exits.filter((p) => p.onBar !== undefined)
  const blockRows = options.blockRows ?? DEFAULT_BLOCK_ROWS
  const interrupts = engine.health.interrupts
  const warm = (bar: MarketBar): void => {
    options.clock.set(bar.openTime)
    for (const exit of warmExits)
      guard(bus, { plugin: exit.name, hook: 'onBar' }, () => exit.onBar!(bar, engine.contextOf(exit)))
    for (const agent of plugins.agents) {
      guard(bus, { plugin: agent.name, hook: 'onBar' }, () => agent.onBar(bar, engine.contextOf(agent)))
    }
  }
  const onMark = subBarStep(engine, sink)
  const markable = account as typeof account & { markPrice?(symbol: string, price: number): void }
  const markBar = { symbol: '', index: -1, openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 }
  let closed: Promise<void> | undefined
  return {
    engine,
    recorder,
    sink,
    get unprotected() {
      return unprotected
    },
    async setup() {
      for (const plugin of plugins.all) await plugin.setup?.(engine.contextOf(plugin))
      ladder?.start() // positions adopted at start (orphans) are protected before the first bar
    },
    restore(state) {
      recorder.replay(state.fills)
      const sizer = plugins.sizer
      if (state.learned !== undefined && sizer?.restoreLearnedState !== undefined) {
        guard(bus, { plugin: sizer.name, hook: 'restoreLearnedState' }, () =>
          sizer.restoreLearnedState!(state.learned, engine.contextOf(sizer)),
        )
      }
      journal?.skipTrades(recorder.tracker.tradeCount)
      for (const exitState of state.exitStates) {
        for (const plugin of plugins.exits) {
          if (plugin.restoreExitState === undefined) continue
          guard(bus, { plugin: plugin.name, hook: 'restoreExitState' }, () =>
            plugin.restoreExitState!(exitState, engine.contextOf(plugin)),
          )
        }
      }
      // A position left without a stop (the process died between its fill and its stop): the exit
      // policies see its last opening fill again and place their protection.
      for (const position of account.getPositions()) {
        if (position.side === 'FLAT') continue
        const closing = position.side === 'LONG' ? 'SELL' : 'BUY'
        const stopped = account
          .getOpenOrders(position.symbol)
          .some((o) => o.type === 'STOP_MARKET' && o.reduceOnly && o.side === closing)
        if (stopped) continue
        const last = state.fills.findLast((f) => f.symbol === position.symbol && !f.reduceOnly)
        if (last !== undefined) onFill(last, position)
      }
    },
    run: (bars) =>
      new Observable<MarketBar>((subscriber) => {
        // On a venue each bar's synchronous step (market step to the sink) runs under one V8 watchdog
        // (`health.step`), so a plugin stuck in a loop is cut and blamed instead of hanging the run.
        const stepper = {
          bar: undefined as MarketBar | undefined,
          step(): void {
            marketStep(this.bar!)
            subscriber.next(this.bar!)
          },
        }
        return bars.pipe(agentBlocks(engine, blockRows)).subscribe({
          next(bar) {
            if (!interrupts) {
              marketStep(bar)
              subscriber.next(bar)
              return
            }
            stepper.bar = bar
            engine.health.step(stepper, 'step')
            stepper.bar = undefined
          },
          error: (e: unknown) => subscriber.error(e),
          complete: () => subscriber.complete(),
        })
      }).pipe(runAgents(engine), decideSignals(engine), sizeDecisions(engine), applyRisk(engine), sendTo(sink)),
    warm,
    async warmUp(bars) {
      await warmBlocks(engine, bars, blockRows)
      for (const bar of bars) warm(bar)
    },
    mark: (update: MarkUpdate): void => {
      if (!(update.price > 0)) return
      markable.markPrice?.(update.symbol, update.price)
      if (onMark === undefined) return
      markBar.symbol = update.symbol
      markBar.openTime = update.time
      markBar.open = markBar.high = markBar.low = markBar.close = update.price
      onMark(markBar)
    },
    close: () =>
      (closed ??= (async () => {
        ladder?.stop()
        await sink.drain()
        // Execution plugins' background tactics (AELM's later slices, maker fallbacks) finish too.
        await (exchange as ExchangePort & { drain?: () => Promise<void> }).drain?.()
        await journal?.flush()
        for (const plugin of [...plugins.all].reverse()) {
          await guard(bus, { plugin: plugin.name, hook: 'dispose' }, () => plugin.dispose?.())
        }
        // Let rejected exchange promises of the last bars report before the bus closes.
        await new Promise<void>((resolve) => setImmediate(resolve))
        for (const sub of subs) sub.unsubscribe()
        bus.complete()
      })()),
    output: (durationMs) => recorder.output(durationMs),
  }
}

function orOff(value: number | false | undefined, fallback: number | undefined): number | undefined {
  if (value === false) return undefined
  return value ?? fallback
}

/** Hands each approved intent to the sink (entry lane) and passes it on. */
function sendTo(sink: CommandSink): (source: Observable<OrderIntent>) => Observable<OrderIntent> {
  return (source) =>
    new Observable<OrderIntent>((subscriber) =>
      source.subscribe({
        next(intent) {
          sink.enter(intent)
          subscriber.next(intent)
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    )
}
