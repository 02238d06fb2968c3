/**
 * The `quantum-run` command: parse flags, load and validate the config, run the backtest, write the run
 * folder and print the summary. Every collaborator is injectable so that tests can drive it in-process.
 * @packageDocumentation
 */
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve } from 'node:path'
import pc from 'picocolors'
import { ConfigError, isQuantumError, loadPaperAccount, runBacktest, runPaper } from '@quantum/core'
import type {
  BacktestResult,
  Decision,
  EngineEvent,
  LivePaperFeed,
  Logger,
  PaperRestore,
  QuantumConfig,
  RunJournal,
  RunRecord,
} from '@quantum/core'
import { assertLiveAllowed, assertModeSupported, parseCliArgs, USAGE } from './args.js'
import type { CliArgs, NotifyTarget } from './args.js'
import { loadQuantumConfig } from './load-config.js'
import type { ConfigLoaderOptions, LoadedConfig } from './load-config.js'
import { createCliLogger, teeLogger } from './logger.js'
import { WarningLog } from './warning-log.js'
import { createProgress } from './progress.js'
import { attachedPlugins } from './config-hash.js'
import { onStopSignals, type StopSignals } from './graceful-stop.js'
import { describeRun, type RunInfo } from './run-info.js'
import type { OpsRoute } from '@quantum/ops'
// The run log only: the barrel would load prom-client and the HTTP server, which only `--http` needs.
import { createRunLogger, type RunLogger } from '@quantum/ops/run-logger'
import { riskApiFor } from '@quantum/risk'
import { hasAgentsWithoutSizer, runProblems, startRunOps, type RunOps } from './run-ops.js'
import { subcommandOf } from './subcommands.js'
import type { CliStream } from './streams.js'
import { formatSummaryTable } from './summary-table.js'
import { toJson } from './serialize.js'
import { breakdownsOf, buildSummaryJson, defaultRunDir, writeRunFolder } from './write-run.js'
import { defaultCacheDir, typeCheckConfig } from './typecheck.js'
import { VERSION } from './usage.js'
import {
  loadStore,
  openRunState,
  stateLocationOf,
  storedLearning,
  writeRunFromStore,
  type RunState,
} from './run-state.js'
import { applyScheduling } from './scheduling.js'
import type { VenueFeedOptions, VenuePaperFeed, VenueRunOptions, VenueRunResult } from './venue.js'

/** Options the CLI hands to the backtest runner. */
export interface RunnerOptions {
  /** Folder that relative paths of the config resolve against (the config file's folder). */
  readonly baseDir: string
  /** Called as bars are processed. */
  readonly onProgress?: (done: number, total: number) => void
  /** Where the run logs. */
  readonly logger?: Logger
  /** Paper replay pace (bars per second, 0 = unpaced). */
  readonly barsPerSecond?: number
  /** Paper runs on live market data (`--feed venue`) instead of the config's candles. */
  readonly feed?: LivePaperFeed
  /** Every engine event, as it happens (the CLI keeps the BUY/SELL decisions for the per-agent breakdown). */
  readonly onEvent?: (event: EngineEvent) => void
  /** The event types `onEvent` reads (the engine may skip building others nobody reads). @default every type */
  readonly onEventTypes?: readonly EngineEvent['type'][]
  /** Paper runs with a state store (`--state`, or the config's `state`): the journal. */
  readonly journal?: RunJournal
  /** A resumed paper run's stored state (account, fills, exit and sizer state). */
  readonly restore?: PaperRestore
  /** Paper runs: aborted by the first SIGTERM/SIGINT (a graceful stop after the bar in progress). */
  readonly signal?: AbortSignal
}

/** Runs a validated config and returns its result (`runBacktest` of `@quantum/core` by default). */
export type BacktestRunner = (config: QuantumConfig, options: RunnerOptions) => Promise<BacktestResult>

/** The collaborators of {@link runCli}. */
export interface CliDeps {
  /** The backtest runner. @default runBacktest from `@quantum/core` */
  readonly run?: BacktestRunner
  /** The paper runner (`--mode paper`). @default runPaper from `@quantum/core` */
  readonly runPaper?: BacktestRunner
  /** The venue runner (`--mode testnet` / `live`). @default runVenue */
  readonly runVenue?: (config: QuantumConfig, options: VenueRunOptions) => Promise<VenueRunResult>
  /** The live market feed of `--mode paper --feed venue`. @default venuePaperFeed */
  readonly venueFeed?: (config: QuantumConfig, options: VenueFeedOptions) => Promise<VenuePaperFeed>
  /** Standard output (summary table, `--json`, `--help`). @default process.stdout */
  readonly stdout?: CliStream
  /** Standard error (errors, logs, progress bar). @default process.stderr */
  readonly stderr?: CliStream
  /** Directory that relative paths on the command line resolve against. @default process.cwd() */
  readonly cwd?: string
  /** Environment (`DEBUG=quantum` prints stacks, `NO_COLOR` disables colours). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Clock for the run folder's time stamp. @default () => new Date() */
  readonly now?: () => Date
  /** Extra jiti options for loading the config file (e.g. `alias`). @default none */
  readonly jitiOptions?: ConfigLoaderOptions
  /** Type-check the config before running it (`--no-typecheck` turns it off per run). @default true */
  readonly typecheck?: boolean
  /** Where passed type checks are remembered. @default node_modules/.cache/quantum-run of the nearest node_modules */
  readonly cacheDir?: string
  /** Ends the process at once (a second SIGTERM/SIGINT during a graceful stop). @default process.exit */
  readonly exitNow?: (code: number) => void
}

/**
 * How long a graceful stop (SIGTERM/SIGINT) may take: no new entries, in-flight commands finish, the
 * journal is flushed and the run folder written; past this the process exits 1 (stops stay on the
 * venue; the store is transactional, so nothing is corrupted).
 */
export const SHUTDOWN_TIMEOUT_MS = 30_000

interface Io {
  readonly run: BacktestRunner
  readonly runPaper: BacktestRunner
  readonly runVenue: (config: QuantumConfig, options: VenueRunOptions) => Promise<VenueRunResult>
  readonly venueFeed: (config: QuantumConfig, options: VenueFeedOptions) => Promise<VenuePaperFeed>
  readonly stdout: CliStream
  readonly stderr: CliStream
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
  readonly now: () => Date
  readonly jitiOptions: ConfigLoaderOptions | undefined
  readonly typecheck: boolean
  readonly cacheDir: string | undefined
  readonly exitNow: (code: number) => void
}

/**
 * Runs `quantum-run` with `argv` (without node and script) and resolves with the exit code: 0 ok; 1 the
 * run failed (a plugin, exchange or network failure, a missing optional package); 2 the input is wrong
 * (command line, config file, type errors, data files missing or malformed). Never throws and never calls
 * `process.exit`.
 * @example process.exitCode = await runCli(process.argv.slice(2))
 */
export async function runCli(argv: readonly string[], deps: CliDeps = {}): Promise<number> {
  const io: Io = {
    run: deps.run ?? runBacktest,
    runPaper: deps.runPaper ?? ((config, options) => runPaper(config, options)),
    // The venue modes load @quantum/ccxt (and ccxt) only when a run uses them.
    runVenue: deps.runVenue ?? (async (config, options) => (await import('./venue.js')).runVenue(config, options)),
    venueFeed:
      deps.venueFeed ?? (async (config, options) => (await import('./venue.js')).venuePaperFeed(config, options)),
    stdout: deps.stdout ?? process.stdout,
    stderr: deps.stderr ?? process.stderr,
    cwd: deps.cwd ?? process.cwd(),
    env: deps.env ?? process.env,
    now: deps.now ?? (() => new Date()),
    jitiOptions: deps.jitiOptions,
    typecheck: deps.typecheck ?? true,
    cacheDir: deps.cacheDir,
    exitNow: deps.exitNow ?? ((code) => process.exit(code)),
  }
  try {
    const sub = await subcommandOf(argv)
    if (sub !== undefined) return await sub(argv.slice(1), io)
    const args = parseCliArgs(argv)
    if (args.help) return print(io.stdout, `${USAGE}\n`)
    if (args.version) return print(io.stdout, `${VERSION}\n`)
    return await runConfig(args, io)
  } catch (error) {
    return reportError(error, io)
  }
}

function print(stream: CliStream, text: string): number {
  stream.write(text)
  return 0
}

function isDebug(env: Io['env']): boolean {
  return (env.DEBUG ?? '').split(/[\s,]+/).some((d) => d === '*' || d === 'quantum' || d.startsWith('quantum:'))
}

function useColor(stream: CliStream, env: Io['env']): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined
}

/**
 * Type-checks the config (remembering passes unless `fresh`). Without TypeScript installed a run goes on
 * with a warning and `check` fails.
 * @throws {ConfigError} listing every type error as `file:line:column`.
 */
async function checkTypes(file: string, io: Io, fresh: boolean): Promise<'checked' | 'cached' | 'skipped'> {
  const abs = resolve(io.cwd, file)
  if (!existsSync(abs)) return 'skipped' // loadQuantumConfig reports the missing file
  const cacheDir = fresh ? undefined : (io.cacheDir ?? defaultCacheDir(dirname(abs)))
  try {
    const result = await typeCheckConfig(abs, { cwd: io.cwd, ...(cacheDir === undefined ? {} : { cacheDir }) })
    if (result.issues.length > 0) {
      throw new ConfigError(
        `Type errors in ${relative(io.cwd, abs)} (fix them, or run with --no-typecheck)`,
        result.issues,
      )
    }
    return result.cached ? 'cached' : 'checked'
  } catch (error) {
    if (fresh || !isQuantumError(error) || error.code !== 'DEPENDENCY_MISSING') throw error
    io.stderr.write(
      `warn  ${relative(io.cwd, abs)} not type-checked: typescript is not installed (npm install -D typescript; --no-typecheck silences this)\n`,
    )
    return 'skipped'
  }
}

async function loadConfig(args: CliArgs, io: Io): Promise<LoadedConfig> {
  return loadQuantumConfig(args.config ?? '', {
    cwd: io.cwd,
    mode: args.mode ?? 'backtest',
    overrides: { data: args.data, symbols: args.symbols, from: args.from, to: args.to },
    jitiOptions: io.jitiOptions,
  })
}

/** `quantum-run check config.ts`: type-check, load, validate and find the data files; run nothing. */
async function checkConfig(args: CliArgs, io: Io): Promise<number> {
  const types = await checkTypes(args.config ?? '', io, true)
  const loaded = await loadConfig(args, io)
  const { data, exchange } = loaded.config
  const files = [
    ...[data.candles, data.funding ?? [], data.mark ?? []].flat(),
    ...(exchange.exchangeInfo === undefined ? [] : [exchange.exchangeInfo]),
  ]
  const missing = files.filter((f) => !existsSync(f))
  if (missing.length > 0) {
    throw new ConfigError(
      `Missing data files for ${relative(io.cwd, loaded.file)}`,
      missing.map((f) => ({ path: relative(io.cwd, f), message: 'no such file' })),
    )
  }
  const plugins = loaded.config.plugins.map((p) => p.name).join(', ')
  io.stdout.write(
    `ok  ${relative(io.cwd, loaded.file)}: ${types === 'checked' ? 'types checked, ' : ''}valid; ` +
      `${loaded.config.plugins.length} plugins (${plugins}); ${files.length} data file(s) found\n`,
  )
  return 0
}

async function runConfig(args: CliArgs, io: Io): Promise<number> {
  if (args.mode !== undefined && args.mode !== 'live') assertModeSupported(args.mode)
  if (args.command === 'check') return checkConfig(args, io)
  if (args.typecheck && io.typecheck) await checkTypes(args.config ?? '', io, false)
  const loaded = await loadConfig(args, io)
  const mode = args.mode ?? loaded.config.mode
  if (mode === 'live') assertLiveAllowed({ confirmLive: args.confirmLive, plugins: loaded.config.plugins, env: io.env })
  assertModeSupported(mode)
  const config: QuantumConfig = { ...loaded.config, mode }
  const restoreScheduling = applyScheduling(config.scheduling, mode, (line) => io.stderr.write(`${line}\n`))
  try {
    return await runMode({ ...loaded, config }, args, io)
  } finally {
    restoreScheduling()
  }
}

async function runMode(loaded: LoadedConfig, args: CliArgs, io: Io): Promise<number> {
  const config = loaded.config
  const mode = config.mode
  if (mode === 'testnet' || mode === 'live')
    return runOnVenue({ config, mode, file: loaded.file, baseDir: loaded.baseDir }, args, io)
  const decisions: Decision[] = []
  const warnings = new WarningLog()
  const info = describeRun(config, loaded.file, loaded.baseDir)
  // The run folder is chosen before the run: its run.log (pino JSON lines) is written as the run goes.
  const dir =
    args.out === undefined
      ? defaultRunDir({ outputDir: config.output.dir, name: info.name, cwd: io.cwd, now: io.now() })
      : resolve(io.cwd, args.out)
  const runLog = openRunLog(dir, mode)
  // A paper run stops gracefully on SIGTERM/SIGINT; the listeners stay until its run folder is written.
  const stop =
    mode === 'paper'
      ? onStopSignals({
          stderr: io.stderr,
          exitNow: io.exitNow,
          timeoutMs: SHUTDOWN_TIMEOUT_MS,
          note: 'the journal is transactional',
        })
      : undefined
  try {
    return await finishRun(loaded, { args, io, info, dir, decisions, warnings, runLog, stop })
  } finally {
    stop?.dispose()
  }
}

/** Runs a backtest or paper config and writes its run folder; returns the exit code. */
async function finishRun(
  loaded: LoadedConfig,
  ctx: {
    args: CliArgs
    io: Io
    info: RunInfo
    dir: string
    decisions: Decision[]
    warnings: WarningLog
    runLog: RunLogger
    stop: StopSignals | undefined
  },
): Promise<number> {
  const { args, io, info, dir, decisions, warnings, runLog } = ctx
  const config = loaded.config
  const onEvent = (event: EngineEvent): void => {
    if (event.type === 'decision' && event.decision.action !== 'HOLD') decisions.push(event.decision)
  }
  let result: BacktestResult
  try {
    result = await execute(loaded, args, {
      ...io,
      onEvent,
      warnings,
      runLog,
      ...(ctx.stop === undefined ? {} : { stop: ctx.stop.signal }),
    })
  } finally {
    runLog.flush()
  }
  const problems = runProblems(result)
  for (const problem of problems) io.stderr.write(`${problemLabel(io)} ${problem}\n`)
  const files = await writeRunFolder(result, {
    dir,
    info,
    report: args.report && config.output.report,
    decisions,
    warnings: warnings.entries(),
  })
  if (args.json) {
    io.stdout.write(
      `${toJson({ ...buildSummaryJson(result, info, breakdownsOf(result, decisions)), runDir: files.dir })}\n`,
    )
  } else if (!args.quiet) {
    io.stdout.write(formatSummaryTable(result.summary, { runDir: files.dir, color: useColor(io.stdout, io.env) }))
  }
  return args.failOnPluginError && result.summary.pluginErrors > 0 ? 1 : 0
}

/**
 * The `ops:notifier` of `--notify`: each receiver in its shape; an `env:NAME` url read from the environment.
 * @throws {ConfigError} naming `--notify` for an unset variable or a URL the notifier refuses.
 */
async function notifierOf(targets: readonly NotifyTarget[], env: Readonly<Record<string, string | undefined>>) {
  const webhooks = targets.map((target) => {
    const name = target.url.startsWith('env:') ? target.url.slice(4) : undefined
    const url = name === undefined ? target.url : env[name]
    if (url === undefined || url === '')
      throw new ConfigError('Invalid command line (see quantum-run --help)', [
        { path: '--notify', message: `${name ?? ''} is not set in the environment` },
      ])
    return { url, format: target.format, ...(target.chatId === undefined ? {} : { chatId: target.chatId }) }
  })
  const { notifier } = await import('@quantum/ops')
  return notifier({ webhooks })
}

/**
 * Past runs for the dashboard: the state store's latest 20 runs, read at most every 15 s (the store is
 * opened for reading and closed again; a missing store is an error the page shows).
 */
function pastRunsOf(state: string | undefined, cwd: string): () => Promise<readonly RunRecord[]> {
  let cached: { at: number; runs: Promise<readonly RunRecord[]> } | undefined
  const read = async (): Promise<readonly RunRecord[]> => {
    const { openForReading } = await import('./runs-command.js')
    const store = await openForReading(state, cwd)
    try {
      return await store.listRuns({ limit: 20 })
    } finally {
      await store.close()
    }
  }
  return () => {
    if (cached === undefined || Date.now() - cached.at > 15_000) {
      const runs = read()
      cached = { at: Date.now(), runs }
      runs.catch(() => (cached = undefined))
    }
    return cached.runs
  }
}

/** The run folder's `run.log`: every record at debug and above as pino JSON lines (service, run, level, time). */
function openRunLog(dir: string, mode: string): RunLogger {
  return createRunLogger({
    file: join(dir, 'run.log'),
    console: 'none',
    level: 'debug',
    runId: `${basename(dir)}:${mode}`,
  })
}

function problemLabel(io: Io): string {
  const c = pc.createColors(useColor(io.stderr, io.env))
  return c.yellow(c.bold('warning'))
}

/** Logs the graceful stop when the first SIGTERM/SIGINT aborts `signal`. */
function logStop(signal: AbortSignal, logger: Logger): void {
  signal.addEventListener(
    'abort',
    () =>
      logger.info('stopping: no new entries, finishing in-flight commands, flushing state', {
        signal: String(signal.reason),
      }),
    { once: true },
  )
}

/** The console log level: `--quiet` is errors only, else `--log-level`, else debug under DEBUG=quantum. */
function logLevelOf(args: CliArgs, io: Io): 'debug' | 'info' | 'warn' | 'error' {
  return args.quiet ? 'error' : (args.logLevel ?? (isDebug(io.env) ? 'debug' : 'info'))
}

/** Around a paper or venue run: systemd notifications and `--http` (metrics, dashboard, readiness) with its observers. */
async function withRunOps<T>(
  config: QuantumConfig,
  ctx: { args: CliArgs; io: Io; logger: Logger; file: string },
  run: (config: QuantumConfig, ops: RunOps | undefined) => Promise<T>,
): Promise<T> {
  // --notify: the alert notifier, on whatever the run raises (with or without --http).
  if (ctx.args.notify.length > 0)
    config = {
      ...config,
      plugins: [...config.plugins, ...attachedPlugins([await notifierOf(ctx.args.notify, ctx.io.env)])],
    }
  // Under a systemd unit (Type=notify): READY once started, a watchdog ping while the event loop runs.
  const { startSystemdWatchdog } = await import('@quantum/ops')
  const watchdog = await startSystemdWatchdog(() => true, { ...ctx.io.env })
  // A `clm` block: promotions in the registry are swapped into the running agents (and served over HTTP).
  const serving =
    config.clm === undefined
      ? undefined
      : await (
          await import('./model-serving.js')
        ).startModelServing({ clm: config.clm, plugins: config.plugins, cwd: ctx.io.cwd, logger: ctx.logger })
  try {
    if (ctx.args.http === undefined) return await run(config, undefined)
    return await withHttp(config, { ...ctx, routes: serving?.routes ?? [] }, run)
  } finally {
    await serving?.close()
    await watchdog.stop()
  }
}

async function withHttp<T>(
  config: QuantumConfig,
  ctx: { args: CliArgs; io: Io; logger: Logger; file: string; routes: readonly OpsRoute[] },
  run: (config: QuantumConfig, ops: RunOps | undefined) => Promise<T>,
): Promise<T> {
  // The risk API (ESS status, trip, reset, validate) on the same server under /risk, behind its guards.
  const risk = riskApiFor(config.plugins)
  const ops = await startRunOps({
    mode: config.mode,
    run: { config: relative(ctx.io.cwd, ctx.file), mode: config.mode, symbols: config.data.symbols?.join(',') ?? '' },
    http: ctx.args.http,
    token: ctx.io.env.QUANTUM_HTTP_TOKEN,
    logger: ctx.logger,
    routes: [...ctx.routes, ...(risk?.routes ?? [])],
    pastRuns: pastRunsOf(ctx.args.state ?? config.state, ctx.io.cwd),
  })
  try {
    const plugins = [
      ...config.plugins,
      ...attachedPlugins([...ops.plugins, ...(risk === undefined ? [] : [risk.plugin])]),
    ]
    return await run({ ...config, plugins }, ops)
  } finally {
    await ops.close()
  }
}

async function execute(
  loaded: LoadedConfig,
  args: CliArgs,
  io: Io & { onEvent: (event: EngineEvent) => void; warnings: WarningLog; runLog: Logger; stop?: AbortSignal },
): Promise<BacktestResult> {
  // The run's warnings are kept for its report and summary as well as printed (and in run.log).
  const logger = io.warnings.tap(
    teeLogger(createCliLogger({ stream: io.stderr, level: logLevelOf(args, io) }), io.runLog),
  )
  if (hasAgentsWithoutSizer(loaded.config.plugins)) {
    logger.warn(
      'the config has agents but no sizer: their decisions will never become orders (add fixedNotional() or another sizer)',
    )
  }
  const progress = createProgress({ stream: io.stderr, enabled: args.progress && !args.quiet })
  const options = (ops: RunOps | undefined): RunnerOptions => ({
    baseDir: loaded.baseDir,
    onProgress: (done, total) => {
      ops?.onBar()
      progress.onProgress(done, total)
    },
    logger,
    barsPerSecond: args.speed,
    onEvent: (event) => {
      ops?.onEvent(event)
      io.onEvent(event)
    },
    // The CLI itself reads decisions only; `--http` ops read more (and add observers anyway).
    ...(ops === undefined ? { onEventTypes: ['decision'] as const } : {}),
  })
  try {
    if (loaded.config.mode !== 'paper') {
      if (args.feed === 'venue')
        throw new ConfigError('Invalid command line (see quantum-run --help)', [
          { path: '--feed', message: 'only --mode paper takes a feed' },
        ])
      return await io.run(loaded.config, options(undefined))
    }
    // SIGTERM/SIGINT: the replay or the venue feed ends after the bar in progress, the state is flushed
    // and the run folder written (a stored run resumes after that bar); a second signal exits at once.
    const signal = io.stop ?? new AbortController().signal
    logStop(signal, logger)
    const ctx = { args, io, logger, signal }
    return await withRunOps(loaded.config, { args, io, logger, file: loaded.file }, (config, ops) =>
      withPaperState(config, ctx, (stored) =>
        args.feed === 'replay'
          ? io.runPaper(config, { ...options(ops), ...stored, signal })
          : onVenueFeed(config, { ...ctx, ops }, (feed) =>
              io.runPaper(config, { ...options(ops), ...stored, feed, signal }),
            ),
      ),
    )
  } finally {
    progress.stop()
  }
}

/**
 * A paper run with a state store (only when one is asked for: `--state` or the config's `state`; paper
 * runs are not stored by default): the run is journaled, and a restart of the same config continues
 * from the stored account, fills, exit and sizer state. A replay that ends is `completed` (the next start
 * is a new run); a stopped venue feed is `stopped` (resumed next time); a crash leaves it `running`.
 */
async function withPaperState<T>(
  config: QuantumConfig,
  ctx: { args: CliArgs; io: Io; logger: Logger; signal: AbortSignal },
  run: (stored: Pick<RunnerOptions, 'journal' | 'restore'>) => Promise<T>,
): Promise<T> {
  const { args, io, logger } = ctx
  if (args.noState || (args.state === undefined && config.state === undefined)) return run({})
  const state = await openRunState({
    location: await stateLocationOf(args.state, config, io.cwd),
    config,
    mode: 'paper',
    account: 'paper',
    logger,
    ...(args.newRun ? { newRun: true } : {}),
  })
  let status: 'completed' | 'stopped' | 'failed' = 'failed'
  try {
    const restore = state.resumed ? await paperRestoreOf(state, config) : undefined
    logger.info(state.resumed ? 'resumed the stored paper run' : 'started a stored paper run', {
      run: state.run.id,
      store: state.store.location,
      configHash: state.run.configHash,
      ...(restore === undefined ? {} : { fills: restore.fills.length, exitStates: restore.exitStates.length }),
    })
    const result = await run({ journal: state.journal, ...(restore === undefined ? {} : { restore }) })
    // A replay stopped by a signal is resumed by the next start, like a stopped venue feed.
    status = args.feed === 'venue' || ctx.signal.aborted ? 'stopped' : 'completed'
    return result
  } finally {
    await state.close(status)
  }
}

/** What a resumed paper run continues from: its stored account, fills, exit states and sizer state. */
async function paperRestoreOf(state: RunState, config: QuantumConfig): Promise<PaperRestore> {
  const { store, run } = state
  const [account, fills, exits, learned] = await Promise.all([
    loadPaperAccount(store, run.id),
    store.fills(run.id),
    store.exitStates(run.id),
    storedLearning(state, config),
  ])
  return {
    fills: fills.map(({ runId: _r, ...fill }) => fill),
    exitStates: exits.map((e) => e.state),
    ...(account === undefined ? {} : { account }),
    ...(learned === undefined ? {} : { learned }),
  }
}

/** Opens the venue's kline feed for a paper run (a stop signal ends the feed; the run keeps its results), then closes it. */
async function onVenueFeed<T>(
  config: QuantumConfig,
  ctx: { args: CliArgs; io: Io; logger: Logger; ops: RunOps | undefined; signal: AbortSignal },
  run: (feed: VenuePaperFeed) => Promise<T>,
): Promise<T> {
  const feed = await ctx.io.venueFeed(config, {
    env: ctx.io.env,
    logger: ctx.logger,
    timeframe: ctx.args.timeframe,
    signal: ctx.signal,
    onStreamError: (error) => ctx.ops?.reconnecting('market', String(error)),
    ...(ctx.args.maxBars === undefined ? {} : { maxBars: ctx.args.maxBars }),
    ...(ctx.args.warmup === undefined ? {} : { warmup: ctx.args.warmup }),
  })
  ctx.ops?.setResubscribe(() => void feed.resubscribe())
  try {
    return await run(feed)
  } finally {
    await feed.close()
  }
}

/** `--mode testnet|live`: runs on the venue until `--max-bars` or Ctrl-C, then writes `summary.json`. */
async function runOnVenue(
  run: { config: QuantumConfig; mode: 'testnet' | 'live'; file: string; baseDir: string },
  args: CliArgs,
  io: Io,
): Promise<number> {
  const info = describeRun(run.config, run.file, run.baseDir)
  const dir =
    args.out === undefined
      ? defaultRunDir({ outputDir: run.config.output.dir, name: info.name, cwd: io.cwd, now: io.now() })
      : resolve(io.cwd, args.out)
  const runLog = openRunLog(dir, run.mode)
  const logger = teeLogger(createCliLogger({ stream: io.stderr, level: logLevelOf(args, io) }), runLog)
  // First signal: a graceful stop, bounded by SHUTDOWN_TIMEOUT_MS. Second: exit at once (130).
  const stop = onStopSignals({
    stderr: io.stderr,
    exitNow: io.exitNow,
    timeoutMs: SHUTDOWN_TIMEOUT_MS,
    note: 'stops stay on the venue; the journal is transactional',
  })
  logStop(stop.signal, logger)
  const state = args.noState ? undefined : await stateLocationOf(args.state, run.config, io.cwd)
  try {
    const result = await withRunOps(run.config, { args, io, logger, file: run.file }, (config, ops) =>
      io.runVenue(config, {
        ...(state === undefined ? {} : { state }),
        ...(args.newRun ? { newRun: true } : {}),
        onBar: () => ops?.onBar(),
        onEvent: (event) => ops?.onEvent(event),
        onStreamError: (error) => ops?.reconnecting('market', String(error)),
        onFeed: (feed) => ops?.setResubscribe(() => void feed.resubscribe()),
        mode: run.mode,
        env: io.env,
        logger,
        timeframe: args.timeframe,
        signal: stop.signal,
        orphans:
          args.orphans === 'flatten'
            ? { orders: 'cancel', positions: 'close' }
            : args.orphans === 'cancel'
              ? { orders: 'cancel' }
              : {},
        ...(args.maxBars === undefined ? {} : { maxBars: args.maxBars }),
        ...(args.warmup === undefined ? {} : { warmup: args.warmup }),
      }),
    )
    const summary = {
      mode: result.mode,
      configHash: info.configHash,
      symbols: result.symbols,
      bars: result.bars,
      fills: result.fills.length,
      trades: result.trades.length,
      pnl: result.trades.reduce((s, t) => s + t.netPnl, 0),
      unprotected: result.unprotected,
      startReconciliation: {
        orphanOrders: result.startReconciliation.orphanOrders.length,
        orphanPositions: result.startReconciliation.orphanPositions,
        unknownOrders: result.startReconciliation.unknownOrders.length,
        vanishedOrders: result.startReconciliation.vanishedOrders.length,
        positionChanges: result.startReconciliation.positionChanges,
        recoveredFills: result.startReconciliation.recoveredFills,
        actions: result.startReconciliation.actions,
      },
      endReconciliation: {
        unknownOrders: result.endReconciliation.unknownOrders.length,
        vanishedOrders: result.endReconciliation.vanishedOrders.length,
        positionChanges: result.endReconciliation.positionChanges,
        recoveredFills: result.endReconciliation.recoveredFills,
      },
      runDir: dir,
    }
    await mkdir(dir, { recursive: true })
    if (result.state !== undefined && state !== undefined) {
      // trades.csv, equity.csv and the stored run's summary, regenerated from the store.
      const store = await (await loadStore()).openStateStore(state, { createIfMissing: false })
      try {
        await writeRunFromStore(store, result.state.runId, join(dir, 'state'))
      } finally {
        await store.close()
      }
    }
    await writeFile(join(dir, 'summary.json'), `${toJson({ ...summary, state: result.state })}\n`)
    if (args.json) io.stdout.write(`${toJson(summary)}\n`)
    else if (!args.quiet)
      io.stdout.write(
        `${run.mode}: ${summary.bars} bars, ${summary.fills} fills, ${summary.trades} trades; run folder ${dir}\n`,
      )
    return 0
  } finally {
    runLog.flush()
    stop.dispose()
  }
}

function reportError(error: unknown, io: Io): number {
  // 2: the input is wrong (command line, config, data files); 1: the run failed. See the README's table.
  const usage =
    isQuantumError(error) &&
    (error.code === 'CONFIG_INVALID' ||
      error.code === 'NOT_SUPPORTED' ||
      error.code === 'DATA_INVALID' ||
      error.code === 'STATE_INVALID')
  const c = pc.createColors(useColor(io.stderr, io.env))
  const message = error instanceof Error ? error.message : String(error)
  io.stderr.write(`${c.red(c.bold('error'))} ${message}\n`)
  if (!usage && isDebug(io.env) && error instanceof Error && error.stack !== undefined) {
    io.stderr.write(`${c.dim(error.stack)}\n`)
  } else if (!usage) {
    io.stderr.write(c.dim('(set DEBUG=quantum for the stack trace)\n'))
  }
  return usage ? 2 : 1
}
