/**
 * `--mode testnet` and `--mode live`: the strategy on Binance USD-M through `@quantum/ccxt` — closed
 * klines from the venue's stream, the live engine, the user-data stream and reconciliation at start and
 * every few minutes. `--mode paper --feed venue`: the same klines into a paper run (fills simulated).
 * @packageDocumentation
 */
import {
  BinanceUsdmExchange,
  createUsdmClient,
  credentialsFromEnv,
  fetchClosedBars,
  klineFeed,
  listedMarkets,
  markPriceFeed,
} from '@quantum/ccxt'
import type { OrphanPolicy, Reconciliation, Transport, UsdmClient } from '@quantum/ccxt'
import { createHash } from 'node:crypto'
import { ConfigError, startLive, symbolFromPath } from '@quantum/core'
import { essStateDir, liveGateIssues } from '@quantum/risk'
import type { EngineEvent, Fill, LivePaperFeed, Logger, MarketBar, QuantumConfig, TradeRecord } from '@quantum/core'
import { fromEvent, take, takeUntil, tap, type Observable } from 'rxjs'
import type { ExitState, KernelRestore } from '@quantum/core'
import { openRunState, storedLearning, type OpenRunStateOptions, type RunState } from './run-state.js'

/** After the user-data stream starts, a reconciliation catches up on what it could not deliver (ms). */
const CATCH_UP_MS = 2_000

/** Options of {@link runVenue}. */
export interface VenueRunOptions {
  readonly mode: 'testnet' | 'live'
  /** Environment: credentials, and `QUANTUM_BINANCE_REST_URL` / `QUANTUM_BINANCE_WS_URL` to use a local emulator. */
  readonly env: Readonly<Record<string, string | undefined>>
  readonly logger: Logger
  /** Kline timeframe the strategy runs on. @default '1m' */
  readonly timeframe?: string
  /** Stop after this many closed bars (all symbols together); run until stopped otherwise. */
  readonly maxBars?: number
  /** Closed bars per symbol fetched over REST before the stream, to warm indicators up. @default {@link warmupOf} the config */
  readonly warmup?: number
  /** What reconciliation does with orphans (orders and positions this run did not place). @default adopt */
  readonly orphans?: OrphanPolicy
  /** Reconcile with the venue this often. @default 300000 (5 min) */
  readonly reconcileEveryMs?: number
  /** Aborting stops the run (the CLI wires SIGINT). */
  readonly signal?: AbortSignal
  /** Every engine event. */
  readonly onEvent?: (event: EngineEvent) => void
  /** Every closed bar as it reaches the engine (readiness, feed lag). */
  readonly onBar?: (bar: MarketBar) => void
  /** A market-stream error; the feed reconnects and backfills by itself (the runtime counts reconnects). */
  readonly onStreamError?: (error: unknown) => void
  /** The kline feed's self-healing hook, once the feed exists (the health supervisor resubscribes a stale feed). */
  readonly onFeed?: (feed: { resubscribe(): number }) => void
  /**
   * The durable state (an SQLite path or a `postgres://` URL): the run is journaled, and a restart of
   * the same config resumes it. @default none (nothing survives a crash)
   */
  readonly state?: string
  /** Start a new stored run instead of resuming the unfinished one of this config (`--new-run`). @default false */
  readonly newRun?: boolean
  /** Opens the run state (tests inject a failing store). @default {@link openRunState} */
  readonly openState?: (options: OpenRunStateOptions) => Promise<RunState>
  /** Called once the engine is ready for its first live bar (restart to first decision). */
  readonly onReady?: (info: { readonly runId?: string; readonly resumed: boolean }) => void
}

/** What a venue run did. */
export interface VenueRunResult {
  readonly mode: 'testnet' | 'live'
  readonly symbols: readonly string[]
  readonly bars: number
  readonly fills: readonly Fill[]
  readonly trades: readonly TradeRecord[]
  readonly unprotected: number
  /** The reconciliation at start. */
  readonly startReconciliation: Reconciliation
  /** The reconciliation at the end (fills the stream had not delivered yet are recovered here). */
  readonly endReconciliation: Reconciliation
  /** The stored run (with `state`), and what its restart recovered. */
  readonly state?: {
    readonly runId: string
    readonly location: string
    /** Hash of the config the run was started with (a changed config is refused on resume). */
    readonly configHash: string
    readonly resumed: boolean
    /** Intents journaled with no answer, looked up on the venue by client id: found, or never sent. */
    readonly pendingFound: number
    readonly pendingMissing: number
    /** Exit states re-attached to open positions. */
    readonly exitStatesRestored: number
    /** Trades and fills the restored trade tracker started from. */
    readonly restoredFills: number
    /** Journaling failures (the store full, unreachable). */
    readonly journalErrors: number
    readonly full: boolean
  }
}

/** The transport override from the environment (both variables or neither). */
export function transportFromEnv(env: Readonly<Record<string, string | undefined>>): Transport | undefined {
  const restUrl = env.QUANTUM_BINANCE_REST_URL
  const wsUrl = env.QUANTUM_BINANCE_WS_URL
  if (restUrl === undefined && wsUrl === undefined) return undefined
  if (restUrl === undefined || wsUrl === undefined) {
    throw new ConfigError('Incomplete Binance transport override', [
      {
        path: restUrl === undefined ? 'QUANTUM_BINANCE_REST_URL' : 'QUANTUM_BINANCE_WS_URL',
        message: 'set both or neither',
      },
    ])
  }
  return { restUrl, wsUrl }
}

/**
 * Binds the config's emergency stop (if its risk policy has one) to this account, so its state lives at
 * `<state folder>/<mode>-<digest of the key>/ess-state.json`: absolute, one per account, never the cwd.
 */
function bindEssAccount(
  config: QuantumConfig,
  account: { mode: 'testnet' | 'live'; apiKey: string; env: Readonly<Record<string, string | undefined>> },
): void {
  const { mode, apiKey, env } = account
  const ess = liveGateIssues(config.plugins).policy?.ess
  if (ess === undefined) return
  ess.bindAccount({ account: accountIdOf(mode, apiKey), stateDir: essStateDir(env) })
}

/** The account key of a venue run: the mode and a digest of the API key (never the key). */
function accountIdOf(mode: 'testnet' | 'live', apiKey: string): string {
  return `${mode}-${createHash('sha256').update(apiKey).digest('hex').slice(0, 16)}`
}

/** What a resumed run found in its journal and on the venue before its first reconciliation. */
interface Resume {
  readonly pendingFound: number
  readonly pendingMissing: number
  readonly storedFillIds: ReadonlySet<string>
  /** Venue time of the earliest journaled fill (undefined without any). */
  readonly earliestFill: number | undefined
}

/**
 * Before the first reconciliation of a resumed run: every intent journaled without an answer is looked
 * up on the venue by its client order id (found: its answer is journaled; not found: it never reached
 * the venue and is marked so, never sent again), then the adapter is told which orders, fills and
 * positions are this run's own.
 */
async function recogniseOwn(state: RunState, exchange: BinanceUsdmExchange): Promise<Resume> {
  const { store, run } = state
  const intents = await store.intents(run.id)
  const tagOf = new Map(intents.map((i) => [i.clientOrderId, i.request.tag]))
  const orders: { orderId: string; clientOrderId: string; tag?: string }[] = []
  const own = (orderId: string, clientOrderId: string): void => {
    const tag = tagOf.get(clientOrderId)
    orders.push({ orderId, clientOrderId, ...(tag === undefined ? {} : { tag }) })
  }
  for (const ack of await store.acks(run.id)) if (ack.orderId !== undefined) own(ack.orderId, ack.clientOrderId)
  let pendingFound = 0
  let pendingMissing = 0
  for (const intent of await store.pendingIntents(run.id)) {
    const order = await exchange.lookupOrder(intent.request.symbol, intent.clientOrderId)
    if (order === undefined) {
      pendingMissing++
      await store.recordAck({
        runId: run.id,
        clientOrderId: intent.clientOrderId,
        status: 'REJECTED',
        reason: 'not on the venue after a restart (never sent)',
        time: Date.now(),
      })
      continue
    }
    pendingFound++
    own(order.id, intent.clientOrderId)
    await store.recordAck({
      runId: run.id,
      clientOrderId: intent.clientOrderId,
      orderId: order.id,
      status: order.status,
      time: Date.now(),
    })
  }
  const fills = await store.fills(run.id)
  const positions = await store.positions(run.id)
  exchange.recognise({ orders, fillIds: fills.map((f) => f.id), positions: positions.map((p) => p.symbol) })
  const earliestFill = fills.length === 0 ? undefined : Math.min(...fills.map((f) => f.time))
  return { pendingFound, pendingMissing, storedFillIds: new Set(fills.map((f) => f.id)), earliestFill }
}

/**
 * After the first reconciliation of a stored run: fills recovered from the venue are journaled, the
 * venue's positions are stored, and the trade tracker's fills and the open positions' exit states are
 * gathered for the engine.
 */
async function restoreOf(
  state: RunState,
  exchange: BinanceUsdmExchange,
  input: { recovered: readonly Fill[]; config: QuantumConfig },
): Promise<KernelRestore> {
  const { recovered, config } = input
  const { store, run } = state
  for (const fill of recovered) await store.recordFill({ ...fill, runId: run.id })
  const now = Date.now()
  const stored = await store.positions(run.id)
  for (const symbol of new Set([
    ...stored.map((p) => p.symbol),
    ...exchange.account.getPositions().map((p) => p.symbol),
  ])) {
    await store.savePosition({ ...exchange.account.getPosition(symbol), runId: run.id, updatedAt: now })
  }
  const fills = (await store.fills(run.id)).map(({ runId: _r, ...fill }) => fill)
  const exitStates: ExitState[] = []
  for (const { state: exit } of await store.exitStates(run.id)) {
    const position = exchange.account.getPosition(exit.symbol)
    if (position.side === exit.side) exitStates.push(exit)
    else await store.deleteExitState(run.id, exit.symbol)
  }
  const learned = state.resumed ? await storedLearning(state, config) : undefined
  return { fills, exitStates, ...(learned === undefined ? {} : { learned }) }
}

/** The warm-up a config's agents declare: the largest `warmup` of its agent plugins (0 without any). */
export function warmupOf(config: QuantumConfig): number {
  return config.plugins.reduce((n, p) => (p.kind === 'agent' ? Math.max(n, p.warmup ?? 0) : n), 0)
}

/** Warm-up bars and where the live feed continues from them. */
async function warmupBars(
  client: UsdmClient,
  input: { unified: ReadonlyMap<string, string>; timeframe: string; count: number },
): Promise<{ history: MarketBar[]; after: Map<string, MarketBar> }> {
  const { unified, timeframe, count } = input
  const bySymbol = await fetchClosedBars({
    client,
    symbols: unified,
    timeframe,
    count,
    now: Date.now(),
  })
  const history = [...bySymbol.values()].flat().sort((a, b) => a.openTime - b.openTime)
  const after = new Map<string, MarketBar>()
  for (const [symbol, bars] of bySymbol) if (bars.length > 0) after.set(symbol, bars[bars.length - 1]!)
  return { history, after }
}

/** The symbols of a config: `data.symbols`, else the candle files' names. */
function symbolsOf(config: QuantumConfig): string[] {
  if (config.data.symbols !== undefined) return [...config.data.symbols]
  const files = Array.isArray(config.data.candles) ? config.data.candles : [config.data.candles]
  return [...new Set(files.map((f) => symbolFromPath(f)))]
}

/**
 * Runs a config on Binance USD-M (demo trading for `testnet`): connects, reconciles, streams closed
 * klines into the live engine, keeps the account in sync from the user-data stream, reconciles
 * periodically, and stops on `maxBars` or the abort signal.
 * @throws {ConfigError} for missing credentials or symbols the venue does not list.
 */
export async function runVenue(config: QuantumConfig, options: VenueRunOptions): Promise<VenueRunResult> {
  const { mode, logger } = options
  const credentials = credentialsFromEnv(mode, options.env)
  const transport = transportFromEnv(options.env)
  if (mode === 'live' && transport !== undefined) {
    throw new ConfigError('Refusing to start live trading', [
      { path: 'QUANTUM_BINANCE_REST_URL', message: 'endpoint overrides are refused in live mode' },
    ])
  }
  bindEssAccount(config, { mode, apiKey: credentials.apiKey, env: options.env })
  // The state first: a bad, foreign, newer or locked store is a typed error before any connection.
  const state =
    options.state === undefined
      ? undefined
      : await (options.openState ?? openRunState)({
          location: options.state,
          config,
          mode,
          account: accountIdOf(mode, credentials.apiKey),
          logger,
          env: options.env,
          ...(options.newRun === true ? { newRun: true } : {}),
        })
  let status: 'stopped' | 'failed' = 'failed'
  try {
    const result = await venueRun(config, options, { credentials, transport, state })
    status = 'stopped'
    return result
  } finally {
    await state?.close(status)
  }
}

async function venueRun(
  config: QuantumConfig,
  options: VenueRunOptions,
  setup: {
    credentials: ReturnType<typeof credentialsFromEnv>
    transport: Transport | undefined
    state: RunState | undefined
  },
): Promise<VenueRunResult> {
  const { mode, logger } = options
  const { credentials, transport, state } = setup
  const client = await createUsdmClient({ mode, credentials, ...(transport === undefined ? {} : { transport }) })
  const symbols = symbolsOf(config)
  const exchange = await BinanceUsdmExchange.connect({ client, symbols, leverage: config.exchange.leverage })
  const fills: Fill[] = []
  const collect = exchange.events$.subscribe((e) => {
    if (e.type === 'fill' || e.type === 'liquidation') fills.push(e.fill)
  })
  try {
    const started = Date.now()
    const resume = state?.resumed === true ? await recogniseOwn(state, exchange) : undefined
    // A resumed run looks for executions since it started (or its earliest journaled fill, by venue
    // time), within the venue's 7-day window: fills made while it was down are journaled, never lost.
    const since =
      state?.resumed === true
        ? Math.max(Math.min(state.run.startedAt, resume?.earliestFill ?? Infinity) - 60_000, started - 6 * 86_400_000)
        : started - 86_400_000
    const startReconciliation = await exchange.reconcile(since, options.orphans)
    const restore =
      state === undefined
        ? undefined
        : await restoreOf(state, exchange, {
            recovered: fills.filter((f) => resume?.storedFillIds.has(f.id) !== true),
            config,
          })
    if (state !== undefined)
      logger.info(state.resumed ? 'resumed the stored run' : 'started a stored run', {
        run: state.run.id,
        store: state.store.location,
        pendingFound: resume?.pendingFound ?? 0,
        pendingMissing: resume?.pendingMissing ?? 0,
        exitStates: restore?.exitStates.length ?? 0,
      })
    for (const action of startReconciliation.actions) logger.warn('reconciliation', { action })
    logger.info('reconciled with the venue', {
      orphanOrders: startReconciliation.orphanOrders.length,
      orphanPositions: startReconciliation.orphanPositions.length,
      unknownOrders: startReconciliation.unknownOrders.length,
      vanishedOrders: startReconciliation.vanishedOrders.length,
      positionChanges: startReconciliation.positionChanges.length,
      recoveredFills: startReconciliation.recoveredFills,
    })
    const timeframe = options.timeframe ?? '1m'
    const warm = await warmupBars(client, {
      unified: exchange.unifiedSymbols(),
      timeframe,
      count: options.warmup ?? warmupOf(config),
    })
    const feed = klineFeed({
      client,
      symbols: exchange.unifiedSymbols(),
      timeframe,
      after: warm.after,
      onError: (error) => {
        logger.warn('kline stream', { error: String(error) })
        options.onStreamError?.(error)
      },
    })
    options.onFeed?.(feed)
    // Closes are the adapter's last prices (sizing in quote currency, notional checks).
    const priced = feed.pipe(
      tap((bar) => {
        exchange.account.setLastPrice(bar.symbol, bar.close)
        options.onBar?.(bar)
      }),
    )
    const bars = options.maxBars === undefined ? priced : priced.pipe(take(options.maxBars))
    const run = startLive({
      bars,
      history: warm.history,
      exchange,
      plugins: config.plugins,
      mode,
      logger,
      // Mark prices between bars: the emergency stop's open-loss checks act inside a strategy bar.
      ...(client.watchMarkPrice === undefined
        ? {}
        : {
            marks: markPriceFeed({
              client,
              symbols: exchange.unifiedSymbols(),
              onError: (error) => logger.warn('mark-price stream', { error: String(error) }),
            }),
          }),
      ...(state === undefined ? {} : { journal: state.journal }),
      ...(restore === undefined ? {} : { restore }),
      onReady: () => {
        // Process start to ready (warm-up, restore, re-protection done): restart to first decision.
        logger.info('ready for the first live bar', {
          ...(state === undefined ? {} : { run: state.run.id, resumed: state.resumed }),
          sinceProcessStartMs: Math.round(performance.now()),
          cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
          warmupBars: warm.history.length,
        })
        options.onReady?.({
          ...(state === undefined ? {} : { runId: state.run.id }),
          resumed: state?.resumed ?? false,
        })
      },
      onEvent: (event) => {
        if (event.type === 'order-rejected')
          logger.warn('order rejected', { symbol: event.request.symbol, error: event.error.message })
        else if (event.type === 'unprotected')
          logger.error('position without a stop', { symbol: event.symbol, since: event.since })
        else if (event.type === 'protection') {
          const fields = { symbol: event.symbol, attempt: event.attempt, reason: event.reason }
          if (event.step === 'halt') logger.error('protection: halt (the close failed too)', fields)
          else if (event.step === 'retired') logger.info('protection: engine stop retired', fields)
          else logger.warn(`protection: ${event.step}`, fields)
        }
        options.onEvent?.(event)
      },
    })
    // The user-data stream once the engine listens, so that no fill reaches the adapter unseen.
    exchange.startUserStream((error) => logger.warn('user-data stream', { error: String(error) }))
    let last = started
    const reconcileNow = (): void => {
      const since = last - 60_000
      last = Date.now()
      exchange
        .reconcile(since)
        .catch((error: unknown) => logger.warn('reconciliation failed', { error: String(error) }))
    }
    // A catch-up once the stream is connected: executions between the start reconciliation and the
    // stream (a stop that triggered during the warm-up) reach the engine now, not minutes later.
    const catchUp = setTimeout(reconcileNow, CATCH_UP_MS)
    const timer = setInterval(reconcileNow, options.reconcileEveryMs ?? 300_000)
    const stop = (): void => void run.stop()
    options.signal?.addEventListener('abort', stop)
    try {
      const live = await run.done
      const endReconciliation = await exchange.reconcile(started - 60_000)
      // Fills the end reconciliation recovered reach no engine any more: journal them here (a stored
      // fill is kept once, so those the engine journaled are not doubled).
      if (state !== undefined) {
        await state.journal.flush()
        for (const fill of fills) await state.store.recordFill({ ...fill, runId: state.run.id })
      }
      return {
        mode,
        symbols,
        bars: live.bars,
        fills,
        trades: live.trades,
        unprotected: live.unprotected,
        startReconciliation,
        endReconciliation,
        ...(state === undefined
          ? {}
          : {
              state: {
                runId: state.run.id,
                location: state.store.location,
                configHash: state.run.configHash,
                resumed: state.resumed,
                pendingFound: resume?.pendingFound ?? 0,
                pendingMissing: resume?.pendingMissing ?? 0,
                exitStatesRestored: restore?.exitStates.length ?? 0,
                restoredFills: restore?.fills.length ?? 0,
                journalErrors: state.journal.errors,
                full: state.journal.full,
              },
            }),
      }
    } finally {
      clearInterval(timer)
      clearTimeout(catchUp)
      options.signal?.removeEventListener('abort', stop)
    }
  } finally {
    collect.unsubscribe()
    await exchange.close()
  }
}

/** Options of {@link venuePaperFeed}. */
export interface VenueFeedOptions {
  /** Environment: `QUANTUM_BINANCE_REST_URL` / `QUANTUM_BINANCE_WS_URL` to read a local emulator's market. */
  readonly env: Readonly<Record<string, string | undefined>>
  readonly logger: Logger
  /** Kline timeframe. @default '1m' */
  readonly timeframe?: string
  /** Complete after this many closed bars (all symbols together). @default never */
  readonly maxBars?: number
  /** Closed bars per symbol fetched over REST before the stream, to warm indicators up. @default {@link warmupOf} the config */
  readonly warmup?: number
  /** Aborting completes the feed (the paper run then ends and writes its results). */
  readonly signal?: AbortSignal
  /** A market-stream error; the feed reconnects and backfills by itself (the runtime counts reconnects). */
  readonly onStreamError?: (error: unknown) => void
}

/** A venue's live klines for a paper run, with the connection to close afterwards. */
export interface VenuePaperFeed extends LivePaperFeed {
  /** Closes the venue connection (sockets). */
  close(): Promise<void>
  /** Resubscribes a stream gone silent (the health supervisor's heal); returns the sockets dropped. */
  resubscribe(): number
}

/**
 * `--mode paper --feed venue`: closed klines of the config's symbols from Binance USD-M's public market
 * streams (or the emulator named by `QUANTUM_BINANCE_REST_URL` / `_WS_URL`), for `runPaper`'s `feed`: the
 * strategy runs in real time on the venue's market, fills are simulated by the paper exchange with the
 * venue's own trading rules. Needs no API key. Missed candles after a reconnect are backfilled over REST.
 * @throws {ConfigError} for symbols the venue does not list, or half a transport override.
 * @example const feed = await venuePaperFeed(config, { env: process.env, logger }); await runPaper(config, { baseDir, feed })
 */
export async function venuePaperFeed(config: QuantumConfig, options: VenueFeedOptions): Promise<VenuePaperFeed> {
  const transport = transportFromEnv(options.env)
  const client = await createUsdmClient({ mode: 'live', ...(transport === undefined ? {} : { transport }) })
  const symbols = symbolsOf(config)
  const timeframe = options.timeframe ?? '1m'
  const close = async (): Promise<void> => void (await client.close())
  try {
    const markets = await listedMarkets(client, symbols)
    const warm = await warmupBars(client, {
      unified: markets.unified,
      timeframe,
      count: options.warmup ?? warmupOf(config),
    })
    const feed = klineFeed({
      client,
      symbols: markets.unified,
      timeframe,
      after: warm.after,
      onError: (error) => {
        options.logger.warn('kline stream', { error: String(error) })
        options.onStreamError?.(error)
      },
    })
    let bars: Observable<MarketBar> = feed
    if (options.maxBars !== undefined) bars = bars.pipe(take(options.maxBars))
    if (options.signal !== undefined) bars = bars.pipe(takeUntil(fromEvent(options.signal, 'abort')))
    const host = transport === undefined ? 'fapi.binance.com' : new URL(transport.restUrl).host
    return {
      bars,
      symbols,
      timeframe,
      source: `binanceusdm ${timeframe} klines (${host})`,
      exchangeInfo: markets.exchangeInfo,
      close,
      resubscribe: () => feed.resubscribe(),
    }
  } catch (error) {
    await close()
    throw error
  }
}
