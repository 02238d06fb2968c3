import { Observable, filter, takeUntil } from 'rxjs'
import type { QuantumConfig } from '../config.js'
import type { CandleSeries } from '../data/candle-series.js'
import { SimulatedClock } from '../engine/clock.js'
import type { BarDetail } from '../engine/kernel/market-step.js'
import { startLive } from '../engine/live/run-live.js'
import type { KernelRestore } from '../engine/kernel/kernel.js'
import type { RunJournal } from '../engine/kernel/run-journal.js'
import { PaperAccountStateSchema } from '../exchange/account-state.js'
import { replayBars } from '../engine/live/replay-bars.js'
import { silentLogger } from '../engine/logger.js'
import type { PaperExchange } from '../exchange/paper-exchange.js'
import type { EngineEvent, Logger, MarketBar } from '../types.js'
import { loadMarketData, type MarketData } from './load-market-data.js'
import { paperExchangeFor, paperExchangeForMarket, runResult, type BacktestRun } from './run-backtest.js'

/** Options of {@link runPaper}. */
export interface RunPaperOptions {
  /** Folder that relative data paths resolve against (the config file's folder). */
  readonly baseDir: string
  /** Replay pace; 0 = as fast as the engine goes, one bar per event-loop turn. @default 0 */
  readonly barsPerSecond?: number
  /** Structured logger. @default silent */
  readonly logger?: Logger
  /** Every engine event, as it happens. */
  readonly onEvent?: (event: EngineEvent) => void
  /** The event types `onEvent` reads (the engine may skip building others nobody reads). @default every type */
  readonly onEventTypes?: readonly EngineEvent['type'][]
  /** Grace period of the stop watchdog (ms of market time). @default 10000 */
  readonly protectionGraceMs?: number
  /**
   * Live market data instead of the config's candles (e.g. a venue's closed klines): the run follows
   * the wall clock and ends when `feed.bars` completes.
   */
  readonly feed?: LivePaperFeed
  /**
   * Journals the run into a state store: fills, trades, equity, exit and sizer state (the kernel) and
   * the paper account after every fill, order update and funding payment. @default none
   */
  readonly journal?: RunJournal
  /**
   * A resumed run's stored state: the paper account is put back before the first bar, a replay goes on
   * after the stored account's last bar (earlier bars warm the indicators up), and the kernel gets the
   * fills, exit states and sizer state back. @default none
   */
  readonly restore?: PaperRestore
  /**
   * A graceful stop (SIGTERM/SIGINT): once aborted no further bar is taken (the bar in progress
   * finishes), queued commands run, the account is journaled and the journal flushed, and the result
   * covers the bars seen. A stored run resumed later continues after the last of them. @default none
   */
  readonly signal?: AbortSignal
}

/** What a resumed paper run continues from (see {@link RunPaperOptions.restore}). */
export interface PaperRestore extends KernelRestore {
  /** The stored paper account (`PaperExchange.exportAccount`), or none (a run that never journaled one). */
  readonly account?: unknown
}

/** Live market data for a paper run (see `venuePaperFeed` in `@quantum/runtime`). */
export interface LivePaperFeed {
  /** Closed bars as they arrive, in time order per symbol; the run ends when this completes. */
  readonly bars: Observable<MarketBar>
  /** Symbols the feed streams. */
  readonly symbols: readonly string[]
  /** Bar length label, e.g. `1m`. */
  readonly timeframe: string
  /** Where the bars come from, for the run's data report (e.g. `binanceusdm klines 127.0.0.1:40123`). */
  readonly source: string
  /** The venue's `exchangeInfo` (`{ symbols: [...] }`): the paper exchange trades by its rules. @default the bundled one */
  readonly exchangeInfo?: unknown
  /** Warm-up bars older than the feed's first (see `startLive`'s `history`). @default none */
  readonly history?: readonly MarketBar[]
}

/**
 * `--mode paper`: the config's candles replayed as a live feed (or a venue's live klines) through the
 * live driver (`startLive`) against the paper exchange — the same engine kernel as a backtest, with the
 * paper exchange's direct command sink, so a replay of recorded candles gives the backtest's events and
 * trades. The clock follows the replayed bars. Returns the same result shape as a backtest (trades,
 * fills, equity, ledger, summary).
 * @example const result = await runPaper(config, { baseDir: dirname(configFile) })
 */
export async function runPaper(config: QuantumConfig, options: RunPaperOptions): Promise<BacktestRun> {
  const started = performance.now()
  const { feed } = options
  const source = feed === undefined ? await replaySource(config, options) : await liveSource(config, feed, options)
  const { journal, restore } = options
  let bars = source.bars
  let history = feed?.history
  if (restore?.account !== undefined) {
    source.exchange.restoreAccount(restore.account)
    const after = PaperAccountStateSchema.shape.time.parse((restore.account as { time?: unknown }).time)
    if (feed === undefined) {
      // A replay goes on after the last bar the stored run had seen; the bars before warm up.
      history = barsUpTo(source.market(), after)
      bars = bars.pipe(filter((bar) => bar.openTime > after))
    }
  }
  if (options.signal !== undefined) {
    bars = bars.pipe(takeUntil(aborted(options.signal)))
    // No new entries once stopping (AELM slices still to come are refused); exits and stops go on.
    if (options.signal.aborted) journal?.stopEntries()
    else options.signal.addEventListener('abort', () => journal?.stopEntries(), { once: true })
  }
  const run = startLive({
    bars,
    ...(history === undefined ? {} : { history }),
    ...(journal === undefined ? {} : { journal }),
    ...(restore === undefined
      ? {}
      : {
          restore: {
            fills: restore.fills,
            exitStates: restore.exitStates,
            ...(restore.learned === undefined ? {} : { learned: restore.learned }),
          },
        }),
    paper: source.exchange,
    plugins: config.plugins,
    mode: 'paper',
    ...(source.clock === undefined ? {} : { clock: source.clock }),
    logger: options.logger ?? silentLogger,
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    ...(options.onEventTypes === undefined ? {} : { onEventTypes: options.onEventTypes }),
    ...(options.protectionGraceMs === undefined ? {} : { protectionGraceMs: options.protectionGraceMs }),
    ...(source.record === undefined ? {} : { afterBar: source.record }),
    ...(source.detail === undefined ? {} : { detail: source.detail }),
  })
  // The account after every change, journaled after the kernel's own writes of the same event.
  const exchange = source.exchange
  const accountWrites =
    journal === undefined
      ? undefined
      : exchange.events$.subscribe((event) => {
          if (
            event.type === 'fill' ||
            event.type === 'liquidation' ||
            event.type === 'order' ||
            event.type === 'funding'
          )
            journal.onPaperAccount(exchange.exportAccount(), exchange.time)
        })
  try {
    await run.done
  } finally {
    accountWrites?.unsubscribe()
  }
  if (journal !== undefined) {
    journal.onPaperAccount(exchange.exportAccount(), exchange.time)
    await journal.flush()
  }
  const output = run.output(performance.now() - started)
  return runResult({ name: config.name ?? 'paper', market: source.market(), exchange, output })
}

/** Emits once when `signal` is aborted (at once when it already is). */
function aborted(signal: AbortSignal): Observable<void> {
  return new Observable<void>((subscriber) => {
    const onAbort = (): void => subscriber.next()
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    return () => signal.removeEventListener('abort', onAbort)
  })
}

/** Where a paper run's bars come from, and the market data its result reports. */
interface PaperSource {
  readonly bars: Observable<MarketBar>
  readonly exchange: PaperExchange
  readonly clock: SimulatedClock | undefined
  readonly record: ((bar: MarketBar) => void) | undefined
  /** Finer candles of recorded data (`data.detail`). */
  readonly detail: BarDetail | undefined
  readonly market: () => MarketData
}

/** The config's candles, replayed on a clock that follows them. */
async function replaySource(config: QuantumConfig, options: RunPaperOptions): Promise<PaperSource> {
  const market = await loadMarketData(config.data, { baseDir: options.baseDir })
  return {
    bars: replayBars(market.series, {
      ...(market.order === undefined ? {} : { order: market.order }),
      ...(options.barsPerSecond === undefined ? {} : { barsPerSecond: options.barsPerSecond }),
    }),
    exchange: await paperExchangeForMarket(config, { market, baseDir: options.baseDir }),
    clock: new SimulatedClock(0),
    record: undefined,
    detail: market.detail.size === 0 ? undefined : market.detail,
    market: () => market,
  }
}

/** A live feed on the wall clock; its bars are recorded for the result (report, equity). */
async function liveSource(config: QuantumConfig, feed: LivePaperFeed, options: RunPaperOptions): Promise<PaperSource> {
  const exchange = await paperExchangeFor(config, {
    symbols: feed.symbols,
    baseDir: options.baseDir,
    ...(feed.exchangeInfo === undefined ? {} : { exchangeInfo: feed.exchangeInfo }),
  })
  const recorded = new Map(feed.symbols.map((s) => [s, [] as MarketBar[]]))
  return {
    bars: feed.bars,
    exchange,
    clock: undefined,
    record: (bar) => recorded.get(bar.symbol)?.push({ ...bar }), // bars may be reused by the feed: copy
    detail: undefined,
    market: () => recordedMarket(feed, recorded),
  }
}

function recordedMarket(feed: LivePaperFeed, recorded: ReadonlyMap<string, readonly MarketBar[]>): MarketData {
  const series = feed.symbols.map((symbol): CandleSeries => {
    const bars = recorded.get(symbol) ?? []
    const column = (pick: (b: MarketBar) => number): Float64Array => Float64Array.from(bars, pick)
    return {
      symbol,
      timeframe: feed.timeframe,
      openTime: column((b) => b.openTime),
      open: column((b) => b.open),
      high: column((b) => b.high),
      low: column((b) => b.low),
      close: column((b) => b.close),
      volume: column((b) => b.volume),
    }
  })
  return {
    series,
    funding: new Map(),
    order: undefined,
    detail: new Map(),
    mark: new Map(),
    reports: series.map((s) => ({
      kind: 'candles' as const,
      symbol: s.symbol,
      file: feed.source,
      timeframe: feed.timeframe,
      rows: s.openTime.length,
      used: s.openTime.length,
      gaps: [],
      fromCache: false,
    })),
  }
}

/** The bars of `market` with an open time up to `time`, in time order (a resumed replay's warm-up). */
function barsUpTo(market: MarketData, time: number): MarketBar[] {
  const bars: MarketBar[] = []
  for (const s of market.series) {
    for (let i = 0; i < s.openTime.length && s.openTime[i]! <= time; i++) {
      bars.push({
        symbol: s.symbol,
        index: i,
        openTime: s.openTime[i]!,
        open: s.open[i]!,
        high: s.high[i]!,
        low: s.low[i]!,
        close: s.close[i]!,
        volume: s.volume[i]!,
      })
    }
  }
  return bars.sort((a, b) => a.openTime - b.openTime)
}
