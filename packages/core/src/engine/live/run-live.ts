import { asyncScheduler, type Observable, type Subscription } from 'rxjs'
import type { TradeRecord } from '../../result.js'
import type { Fill } from '../../schemas.js'
import type { Clock, EngineEvent, Logger, MarketBar, QuantumPlugin, RunMode } from '../../types.js'
import { createKernel, type KernelRestore, type KernelVenue, type MarkUpdate } from '../kernel/kernel.js'
import type { RunJournal } from '../kernel/run-journal.js'
import type { BarDetail } from '../kernel/market-step.js'
import type { ProtectionOptions } from '../kernel/protection.js'
import type { EngineOutput } from '../kernel/run-recorder.js'
import { silentLogger } from '../logger.js'

export { ProtectionWatchdog } from '../kernel/protection-watchdog.js'

/**
 * Options of {@link startLive}. The venue is either `paper` (the paper exchange: the engine steps it with
 * every bar and applies commands to it directly, exactly as a backtest does; `sink: 'queue'` sends them
 * through the venue queue instead) or `exchange` (a venue such as the ccxt adapter: it fills orders
 * itself and reports through `events$`; commands go through the serial queue).
 */
export type LiveRunOptions = LiveRunBaseOptions & KernelVenue

/** The options of {@link startLive} besides the venue. */
export interface LiveRunBaseOptions {
  /** Closed bars as they arrive (any symbols; in time order per symbol). The run ends when this completes. */
  readonly bars: Observable<MarketBar>
  readonly plugins: readonly QuantumPlugin[]
  readonly mode: Exclude<RunMode, 'backtest'>
  /** The clock plugins see; one with `set` follows the bars (replays), otherwise wall time. @default wall clock */
  readonly clock?: Clock & { set?(time: number): void }
  /** @default a silent logger */
  readonly logger?: Logger
  /** Every engine event, after the observers. */
  readonly onEvent?: (event: EngineEvent) => void
  /** The event types `onEvent` reads (the engine may skip building others nobody reads). @default every type */
  readonly onEventTypes?: readonly EngineEvent['type'][]
  /** A position without a working reduce-only stop for longer than this raises `unprotected`. @default 10000 */
  readonly protectionGraceMs?: number
  /**
   * The kernel's protection ladder: a position without a reduce-only stop for its whole size gets one
   * from the engine, is then closed, then trading halts (`protection` events). On by default on a venue
   * (`exchange`); off on the paper exchange, whose runs must equal their backtests. `false` turns it off.
   * @default {} on a venue, off on paper
   */
  readonly protection?: ProtectionOptions | false
  /** Time budget of one agent, decision or sizer hook call (ms); over it the plugin is isolated. `false`: off. @default 1000 */
  readonly hookBudgetMs?: number | false
  /** Failures in a row that isolate an agent, decision plugin or sizer. `false`: off. @default 10 */
  readonly isolateAfter?: number | false
  /**
   * Venue sinks: an entry that waited longer than this (ms) behind a slow request of its symbol is
   * dropped unsent (`order-rejected` with a `StaleOrderError`). `false`: off. @default 10000
   */
  readonly maxEntryAgeMs?: number | false
  /**
   * Interrupt an agent, decision or sizer hook that runs past the budget without returning (an endless
   * loop), isolate it and go on. @default true on a venue, false on the paper exchange
   */
  readonly interruptHooks?: boolean
  /** The clock hook calls are timed with (tests). @default performance.now */
  readonly hookClock?: () => number
  /** Called after each bar's market step (exchange, guards, exits), before the agents (equity curves). */
  readonly afterBar?: (bar: MarketBar) => void
  /** Paper only: finer candles the paper exchange fills against inside each bar (a replay's `data.detail`). @default none */
  readonly detail?: BarDetail
  /**
   * Warm-up: closed bars older than the feed's first (e.g. fetched over REST at start), in time order.
   * Agents' and exit policies' `onBar` see them before the first live bar, so indicators are ready;
   * their signals and exit actions are dropped, risk guards and the exchange do not see them, nothing
   * is sent. Their `index` should run on into the live bars' (see `klineFeed`'s `after`). @default none
   */
  readonly history?: readonly MarketBar[]
  /** Journals the run into a state store (see `RunJournal`). @default none */
  readonly journal?: RunJournal
  /** A resumed run's stored state, put back after the warm-up and before the first live bar. @default none */
  readonly restore?: KernelRestore
  /** Called once the run is ready for its first live bar (setup, warm-up and restore done). */
  readonly onReady?: () => void
  /**
   * Mark prices between bars (Binance's `markPrice@1s` stream, `@quantum/ccxt`'s `markPriceFeed`): each
   * re-marks the position and runs the guards' and exits' `onSubBar`, so the emergency stop's open-loss
   * and drawdown checks act inside a strategy bar. @default none (checks at bar closes only)
   */
  readonly marks?: Observable<MarkUpdate>
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
  /**
   * What the run produced so far, in the shape of a backtest's engine output.
   * @param durationMs The duration to report. @default the time since `startLive`
   */
  output(durationMs?: number): EngineOutput
}

/** The ladder's options: given ones, else on for a venue and off for the paper exchange. */
function protectionOf(options: LiveRunOptions): ProtectionOptions | undefined {
  if (options.protection === false) return undefined
  return options.protection ?? ('exchange' in options ? {} : undefined)
}

/** Wall time, with RxJS's async scheduler. */
const wallClock: Clock = { now: () => Date.now(), scheduler: asyncScheduler }

/**
 * Runs a strategy on a live stream of bars: the engine kernel of a backtest (market step, agents,
 * decision, sizing, risk, exits, the recorder) driven by a feed instead of recorded columns — the paper
 * exchange in real time or on a replay (`paper`), or a venue through the serial command queue
 * (`testnet`, `live`: orders reach the venue in the order they were decided, and a replaced stop is
 * cancelled only after its replacement is acknowledged). A position that stays without a reduce-only
 * stop beyond `protectionGraceMs` raises an `unprotected` event.
 * @example const run = startLive({ bars: feed$, paper: exchange, mode: 'paper' , plugins }); await run.done
 */
export function startLive(options: LiveRunOptions): LiveRun {
  const started = performance.now()
  const base: Clock & { set?(time: number): void } = options.clock ?? wallClock
  const clock = { now: () => base.now(), scheduler: base.scheduler, set: (t: number) => base.set?.(t) }
  const kernel = createKernel({
    ...('paper' in options
      ? { paper: options.paper, ...(options.sink === undefined ? {} : { sink: options.sink }) }
      : { exchange: options.exchange }),
    mode: options.mode,
    clock,
    plugins: options.plugins,
    logger: options.logger ?? silentLogger,
    onEvent: options.onEvent,
    onEventTypes: options.onEventTypes,
    afterBar: options.afterBar,
    detail: options.detail,
    protectionGraceMs: options.protectionGraceMs ?? 10_000,
    protection: protectionOf(options),
    journal: options.journal,
    hookBudgetMs: options.hookBudgetMs,
    isolateAfter: options.isolateAfter,
    maxEntryAgeMs: options.maxEntryAgeMs,
    interruptHooks: options.interruptHooks,
    hookClock: options.hookClock,
  })
  const summary = (): LiveSummary => ({
    bars: kernel.recorder.bars,
    get fills() {
      return kernel.recorder.fills.toArray()
    },
    get trades() {
      return kernel.recorder.tracker.trades
    },
    pendingCommands: kernel.sink.pending,
    unprotected: kernel.unprotected,
  })

  let feed: Subscription | undefined
  let marks: Subscription | undefined
  let endFeed: (() => void) | undefined
  let stopped = false
  const done = (async () => {
    await kernel.setup()
    await kernel.warmUp(options.history ?? [])
    if (options.restore !== undefined) kernel.restore(options.restore)
    options.onReady?.()
    if (!stopped) {
      await new Promise<void>((resolve, reject) => {
        endFeed = resolve
        feed = kernel.run(options.bars).subscribe({ error: reject, complete: resolve })
        marks = options.marks?.subscribe({
          next: (update) => kernel.mark(update),
          error: (e: unknown) => options.logger?.error('mark-price stream failed', { error: String(e) }),
        })
      })
    }
    marks?.unsubscribe()
    await kernel.close()
    return summary()
  })()

  return {
    done,
    summary,
    output: (durationMs) => kernel.output(durationMs ?? performance.now() - started),
    stop: async () => {
      stopped = true
      options.journal?.stopEntries()
      feed?.unsubscribe()
      endFeed?.()
      return done
    },
  }
}
