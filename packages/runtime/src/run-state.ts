/**
 * The durable state of a testnet/live run: which run a config is (a new one, or the one a restart
 * resumes), its lock, its journal, and the run folder regenerated from the store.
 * @packageDocumentation
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { RunJournal, StateInvalidError, loadLearnedState } from '@quantum/core'
import type * as StoreModule from '@quantum/store'
import type { Logger, QuantumConfig, RunLock, RunRecord, StateFullError, StateStore } from '@quantum/core'
import { writeFileAtomic } from './atomic.js'
import { configHashOf } from './config-hash.js'
import { equityCsvBytes, toJson, tradesCsvChunks } from './serialize.js'

/** Where the embedded state store lives when neither `--state` nor the config's `state` is given. */
export const DEFAULT_STATE_FILE = '.quantum/state.db'

export { configHashOf } from './config-hash.js'

/** How often a run says its lock is alive. */
const HEARTBEAT_MS = 5_000

/**
 * `@quantum/store`, loaded when a run first needs its state: a backtest never does, and the store's
 * drivers (Kysely, pg, libsql) took ~0.1-0.2 s of every run's start when imported up front.
 */
export async function loadStore(): Promise<typeof StoreModule> {
  return import('@quantum/store')
}

/** The state location of a run: `--state`, else the config's `state`, else {@link DEFAULT_STATE_FILE} (files against `cwd`). */
export async function stateLocationOf(flag: string | undefined, config: QuantumConfig, cwd: string): Promise<string> {
  const location = flag ?? config.state ?? DEFAULT_STATE_FILE
  const { isPostgresUrl } = await loadStore()
  return isPostgresUrl(location) ? location : resolve(cwd, location)
}

/** Options of {@link openRunState}. */
export interface OpenRunStateOptions {
  /** An SQLite path or a `postgres://` URL. */
  readonly location: string
  readonly config: QuantumConfig
  readonly mode: RunRecord['mode']
  /** Who the run trades for (the venue account's digest, or `paper`). */
  readonly account: string
  readonly logger: Logger
  /** The store to use instead of opening `location` (tests: a wrapper that simulates a full disk). */
  readonly store?: StateStore
  /** Called once when the disk is full (the run stops opening positions). */
  readonly onFull?: (error: StateFullError) => void
  /**
   * Crash points of the kill -9 harness: `QUANTUM_CRASH_AFTER_INTENT=n` kills the process (SIGKILL)
   * right after its n-th intent is journaled, before it is sent; `QUANTUM_CRASH_AFTER_FILL=n` right
   * after its n-th fill is journaled, before the exit policies protect it. @default none
   */
  readonly env?: Readonly<Record<string, string | undefined>>
  /**
   * Start a new run even when an unfinished run of this config could be resumed (`--new-run`). The
   * unfinished runs of the same name and mode are marked `stopped` (their history stays queryable); the
   * venue's positions they left are the new run's orphans (`--orphans` decides). @default false
   */
  readonly newRun?: boolean
}

/** The store with the harness's crash points (see {@link OpenRunStateOptions.env}); the store itself without them. */
function withCrashPoints(store: StateStore, env: Readonly<Record<string, string | undefined>> | undefined): StateStore {
  const afterIntent = Number(env?.['QUANTUM_CRASH_AFTER_INTENT'] ?? 0)
  const afterFill = Number(env?.['QUANTUM_CRASH_AFTER_FILL'] ?? 0)
  if (!(afterIntent > 0) && !(afterFill > 0)) return store
  let intents = 0
  let fills = 0
  const crash = (): never => {
    process.kill(process.pid, 'SIGKILL')
    throw new Error('unreachable')
  }
  return Object.assign(Object.create(store) as StateStore, {
    journalIntent: async (intent: Parameters<StateStore['journalIntent']>[0]) => {
      await store.journalIntent(intent)
      if (++intents === afterIntent) crash()
    },
    recordFill: async (fill: Parameters<StateStore['recordFill']>[0]) => {
      const kept = await store.recordFill(fill)
      if (++fills === afterFill) crash()
      return kept
    },
  })
}

/**
 * What the config's sizer had learnt in a stored run (its latest `learnedState`), or `undefined` (none
 * stored, or a sizer that learns nothing).
 */
export async function storedLearning(state: RunState, config: QuantumConfig): Promise<unknown> {
  const sizer = config.plugins.filter((p) => p.kind === 'sizer').at(-1)
  if (sizer === undefined || sizer.restoreLearnedState === undefined) return undefined
  return loadLearnedState(state.store, state.run.id, sizer.name)
}

/** An open run state: the store, the run (new or resumed), its lock and journal. */
export interface RunState {
  readonly store: StateStore
  readonly run: RunRecord
  /** True when this process resumes a run an earlier one started (after a crash or a stop). */
  readonly resumed: boolean
  readonly journal: RunJournal
  /** Flushes the journal, marks the run ended with `status`, releases the lock and closes the store. Idempotent. */
  close(status: 'completed' | 'stopped' | 'failed'): Promise<void>
}

/** The client id prefix of a run: short, stable across restarts, distinct between runs. */
export function clientIdPrefixOf(runId: string): string {
  return `q${createHash('sha256').update(runId).digest('hex').slice(0, 10)}`
}

/** The highest sequence number among a run's journaled client ids (0 without any). */
function lastSequence(prefix: string, ids: readonly string[]): number {
  let last = 0
  for (const id of ids) {
    if (!id.startsWith(`${prefix}-`)) continue
    const n = Number.parseInt(id.slice(prefix.length + 1), 36)
    if (Number.isFinite(n) && n > last) last = n
  }
  return last
}

/**
 * Opens the state store, then resumes the newest run of the same config and account that did not
 * complete (`running` after a crash, `stopped` after a signal), or starts a new one (none, or
 * `newRun`); takes its lock
 * (with a heartbeat) and sets up its journal. Every failure is a typed error before any order.
 * @throws {StateInvalidError} for a corrupt or foreign database or a newer schema, and (`config-changed`)
 *   when the unfinished run of this strategy was started with another config and `newRun` is not set.
 * @throws {StateUnavailableError} when PostgreSQL cannot be reached.
 * @throws {StateLockedError} naming the process that holds the run.
 */
export async function openRunState(options: OpenRunStateOptions): Promise<RunState> {
  const opened = options.store ?? (await (await loadStore()).openStateStore(options.location))
  const store = withCrashPoints(opened, options.env)
  let lock: RunLock | undefined
  try {
    const configHash = configHashOf(options.config)
    const name = options.config.name ?? 'strategy'
    // The unfinished runs of this strategy (same account, name and mode), newest first.
    const unfinished = (await store.listRuns({ account: options.account, limit: 100 })).filter(
      (r) => r.name === name && r.mode === options.mode && (r.status === 'running' || r.status === 'stopped'),
    )
    const latest = unfinished[0]
    if (options.newRun === true) {
      // Each is locked first: one a live process still runs is a StateLockedError, never ended under it.
      for (const old of unfinished) {
        if (old.status !== 'running') continue
        const held = await store.lockRun(old.id)
        await store.endRun(old.id, 'stopped', Date.now())
        await held.release()
      }
    } else if (latest !== undefined && latest.configHash !== configHash) {
      // A changed config under open positions would trade them with another strategy: refuse, and say how.
      throw new StateInvalidError(
        'config-changed',
        `run ${latest.id} (${name}, ${options.mode}, ${latest.status}) was started with config ${latest.configHash.slice(0, 12)}, this config is ${configHash.slice(0, 12)}; restore its config to resume it, or pass --new-run to start a new run (its open positions become the new run's orphans)`,
        { store: store.location },
      )
    }
    const previous = options.newRun === true ? undefined : latest
    const resumable = previous !== undefined
    const run: RunRecord =
      previous !== undefined
        ? previous
        : {
            id: `${options.mode}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
            account: options.account,
            name,
            configHash,
            mode: options.mode,
            status: 'running',
            startedAt: Date.now(),
          }
    lock = await store.lockRun(run.id)
    if (resumable) await store.resumeRun(run.id)
    else await store.startRun(run)
    const prefix = clientIdPrefixOf(run.id)
    const intents = resumable ? await store.intents(run.id) : []
    const journal = new RunJournal({
      store,
      runId: run.id,
      clientIdPrefix: prefix,
      nextSequence:
        lastSequence(
          prefix,
          intents.map((i) => i.clientOrderId),
        ) + 1,
      onFull: (error) => {
        options.logger.error('state store full: no new positions, stops stay', { error: error.message })
        options.onFull?.(error)
      },
      onError: (error) => options.logger.warn('journaling failed', { error: String(error) }),
    })
    const held = lock
    const heartbeat = setInterval(() => {
      held.heartbeat().catch((error: unknown) => options.logger.error('run lock lost', { error: String(error) }))
    }, HEARTBEAT_MS)
    heartbeat.unref()
    let closed: Promise<void> | undefined
    return {
      store,
      run,
      resumed: resumable,
      journal,
      close: (status) =>
        (closed ??= (async () => {
          clearInterval(heartbeat)
          try {
            await journal.flush()
            await store.endRun(run.id, status, Date.now())
            await held.release()
          } finally {
            await store.close()
          }
        })()),
    }
  } catch (error) {
    await lock?.release().catch(() => undefined)
    if (options.store === undefined) await opened.close().catch(() => undefined)
    throw error
  }
}

/**
 * Writes a run's folder from its stored state: `summary.json` (run, counts, PnL, open positions),
 * `trades.csv` and `equity.csv`, the same columns as a backtest's. Returns the files written.
 */
export async function writeRunFromStore(store: StateStore, runId: string, dir: string): Promise<string[]> {
  const run = await store.getRun(runId)
  const counts = await store.runCounts(runId)
  if (run === undefined || counts === undefined) return []
  const [trades, equity, positions, exitStates, risk] = await Promise.all([
    store.trades(runId),
    store.equity(runId),
    store.positions(runId),
    store.exitStates(runId),
    store.riskStates(runId),
  ])
  const netPnl = trades.reduce((sum, t) => sum + t.netPnl, 0)
  const summary = {
    run,
    counts,
    trades: trades.length,
    netPnl,
    fees: trades.reduce((sum, t) => sum + t.fees, 0),
    lastEquity: equity.at(-1)?.equity ?? null,
    openPositions: positions,
    exitStates: exitStates.map((e) => e.state),
    riskStates: risk,
    store: store.location,
  }
  await mkdir(dir, { recursive: true })
  const files = [join(dir, 'summary.json'), join(dir, 'trades.csv'), join(dir, 'equity.csv')]
  await writeFileAtomic(files[0]!, `${toJson(summary)}\n`)
  await writeFileAtomic(files[1]!, tradesCsvChunks(trades))
  await writeFileAtomic(
    files[2]!,
    equityCsvBytes({
      time: Float64Array.from(equity, (p) => p.time),
      equity: Float64Array.from(equity, (p) => p.equity),
    }),
  )
  return files
}
