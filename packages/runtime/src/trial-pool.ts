/**
 * A pool of worker threads that run trials (one backtest each) in parallel. A trial that runs past its
 * timeout has its worker terminated and replaced and is recorded as `timeout`; a worker that dies
 * fails its trial and is replaced.
 * @packageDocumentation
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { JitiOptions } from 'jiti'
import { ConfigError } from '@quantum/core'
import type { ObjectiveName, Params, TrialOutcome } from '@quantum/core'
import type { ConfigOverrides } from './load-config.js'

/** A data window of one trial: the bars with `from <= open time < to` (epoch ms). */
export interface TrialWindow {
  readonly from?: number
  readonly to?: number
}

/** What the pool sends a worker. */
export interface TrialRequest {
  readonly id: number
  readonly params: Params
  readonly window?: TrialWindow
  /** Also answer the equity at each UTC day's last bar. @default false */
  readonly daily?: boolean
}

/** A trial's equity at the last bar of each UTC day, with the balance it started from. */
export interface DailyEquity {
  readonly start: number
  readonly time: readonly number[]
  readonly equity: readonly number[]
}

/** A trial's outcome with its daily equity (when asked for and the run got that far). */
export interface DetailedOutcome {
  readonly outcome: TrialOutcome
  readonly daily?: DailyEquity
}

/** What each worker loads at start. */
export interface TrialWorkerData {
  readonly configFile: string
  readonly cwd: string
  readonly overrides?: ConfigOverrides
  /** Plain-data jiti options (e.g. `alias`). */
  readonly jitiOptions?: JitiOptions
  /** Replaces the config's objective. @default the config's */
  readonly objective?: ObjectiveName
}

/** Options of {@link createTrialPool}. */
export interface TrialPoolOptions extends TrialWorkerData {
  /** Worker threads. */
  readonly workers: number
  /** A trial running longer is stopped (its worker replaced) and recorded as `timeout`. @default 60000 */
  readonly timeoutMs?: number
}

/** A running pool. */
export interface TrialPool {
  /** Trials worth keeping in flight (a search's concurrency): enough that no worker waits for the next one. */
  readonly capacity: number
  /** Runs one trial on the next free worker. Never rejects: failures are outcomes. */
  evaluate(params: Params, window?: TrialWindow): Promise<TrialOutcome>
  /** {@link TrialPool.evaluate} with the trial's daily equity. */
  evaluateDaily(params: Params, window?: TrialWindow): Promise<DetailedOutcome>
  /** Terminates every worker. */
  close(): Promise<void>
}

interface Job {
  readonly request: TrialRequest
  readonly resolve: (reply: DetailedOutcome) => void
}

interface Slot {
  worker: Worker
  ready: Promise<void>
  /** Jobs sent to the worker, in the order it runs them; the first is running. */
  jobs: Job[]
  timer: NodeJS.Timeout | undefined
}

/** Trials in flight per worker thread (the running one and the next), so it never idles waiting on the main thread. */
export const TRIAL_PREFETCH = 2
/**
 * The built worker script: beside this module in `dist/`, or in `../dist/` when this module runs from its
 * TypeScript source (tests run the sources, but a worker thread has no TypeScript loader).
 * @throws {ConfigError} when the package is not built.
 */
export function trialWorkerPath(): string {
  const here = fileURLToPath(import.meta.url)
  const path = here.endsWith('.ts')
    ? join(dirname(here), '..', 'dist', 'trial-worker.js')
    : join(dirname(here), 'trial-worker.js')
  if (!existsSync(path)) throw new ConfigError(`The trial worker ${path} is missing: run "npm run build" (npm ci does)`)
  return path
}

/** V8 flags of the whole process, which a worker thread refuses (they already hold for it). */
const PROCESS_WIDE = /^--(single-threaded-gc|single-threaded|max-semi-space-size|max-old-space-size)(=|$)/

/**
 * This process's Node flags without `--conditions` and loaders (the worker loads built JavaScript only)
 * and without the process-wide V8 flags a worker thread refuses.
 */
export function workerExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if (a === '--conditions' || a === '-C' || a === '--import' || a === '--loader') i++
    else if (!/^--(conditions|import|loader)=/.test(a) && !PROCESS_WIDE.test(a)) out.push(a)
  }
  return out
}

/**
 * Starts `workers` worker threads, each loading the config file once.
 * @throws {ConfigError} for a worker count below 1, or when the workers cannot load the config.
 * @example const pool = await createTrialPool({ workers: 2, configFile, cwd }); await pool.evaluate({ fast: 12 })
 */
export async function createTrialPool(options: TrialPoolOptions): Promise<TrialPool> {
  if (!(Number.isInteger(options.workers) && options.workers >= 1))
    throw new ConfigError('Invalid worker count', [{ path: '--workers', message: 'expected an integer >= 1' }])
  const timeoutMs = options.timeoutMs ?? 60_000
  const data: TrialWorkerData = {
    configFile: options.configFile,
    cwd: options.cwd,
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    ...(options.jitiOptions === undefined ? {} : { jitiOptions: options.jitiOptions }),
    ...(options.objective === undefined ? {} : { objective: options.objective }),
  }
  const script = trialWorkerPath()
  const queue: Job[] = []
  let nextId = 0
  let closed = false

  const startTimer = (slot: Slot): void => {
    if (slot.timer !== undefined) clearTimeout(slot.timer)
    slot.timer = undefined
    const job = slot.jobs[0]
    if (job === undefined) return
    slot.timer = setTimeout(() => {
      if (slot.jobs[0] !== job) return
      const stuck = slot.worker
      // The jobs behind the stuck one never started: back to the front of the queue.
      queue.unshift(...slot.jobs.slice(1))
      slot.jobs = []
      spawn(slot)
      job.resolve({
        outcome: { status: 'timeout', error: `trial ran longer than ${timeoutMs} ms; its worker was terminated` },
      })
      void stuck.terminate()
      pump()
    }, timeoutMs)
  }

  const finish = (slot: Slot, outcome: TrialOutcome, daily?: DailyEquity): void => {
    const job = slot.jobs.shift()
    startTimer(slot)
    job?.resolve(daily === undefined ? { outcome } : { outcome, daily })
    pump()
  }

  /** A worker died: its running job fails, the ones queued behind it go back to the pool's queue. */
  const lost = (slot: Slot, error: string): void => {
    const [running, ...waiting] = slot.jobs
    if (slot.timer !== undefined) clearTimeout(slot.timer)
    slot.timer = undefined
    slot.jobs = []
    queue.unshift(...waiting)
    running?.resolve({ outcome: { status: 'failed', error } })
    pump()
  }

  const spawn = (slot: Partial<Slot>): Slot => {
    const worker = new Worker(script, { workerData: data, execArgv: workerExecArgv() })
    const s = slot as Slot
    if (s.timer !== undefined) clearTimeout(s.timer)
    s.worker = worker
    s.jobs = []
    s.timer = undefined
    s.ready = new Promise<void>((resolve, reject) => {
      worker.on(
        'message',
        (msg: { ready?: true; fatal?: string; id?: number; outcome?: TrialOutcome; daily?: DailyEquity }) => {
          if (msg.ready === true) resolve()
          else if (msg.fatal !== undefined) reject(new ConfigError(`Trial worker could not start: ${msg.fatal}`))
          else if (msg.outcome !== undefined && s.jobs[0]?.request.id === msg.id) finish(s, msg.outcome, msg.daily)
        },
      )
      worker.on('error', (error) => {
        reject(error)
        if (s.worker === worker && s.jobs.length > 0) lost(s, `worker crashed: ${error.message}`)
      })
      worker.on('exit', (code) => {
        if (closed || s.worker !== worker) return
        const jobs = s.jobs
        spawn(s)
        s.jobs = jobs
        lost(s, `worker exited with code ${code}`)
      })
    })
    s.ready.catch(() => undefined)
    return s
  }

  const slots: Slot[] = Array.from({ length: options.workers }, () => spawn({}))

  /** Sends queued jobs to the workers: the least loaded first, up to {@link TRIAL_PREFETCH} each. */
  const pump = (): void => {
    if (closed) return
    for (let depth = 1; depth <= TRIAL_PREFETCH; depth++) {
      for (const slot of slots) {
        if (slot.jobs.length >= depth || queue.length === 0) continue
        const job = queue.shift() as Job
        slot.jobs.push(job)
        const worker = slot.worker
        slot.ready
          .then(() => {
            if (slot.worker !== worker || !slot.jobs.includes(job)) return
            if (slot.jobs[0] === job) startTimer(slot)
            worker.postMessage(job.request)
          })
          .catch((error: unknown) => {
            if (slot.worker === worker) lost(slot, error instanceof Error ? error.message : String(error))
          })
      }
    }
  }

  const submit = (request: Omit<TrialRequest, 'id'>): Promise<DetailedOutcome> =>
    new Promise<DetailedOutcome>((resolve) => {
      queue.push({ request: { id: nextId++, ...request }, resolve })
      pump()
    })

  try {
    await Promise.all(slots.map((s) => s.ready))
  } catch (error) {
    closed = true
    await Promise.all(slots.map((s) => s.worker.terminate()))
    throw error
  }

  return {
    capacity: options.workers * TRIAL_PREFETCH,
    evaluate(params, window) {
      return submit({ params, ...(window === undefined ? {} : { window }) }).then((r) => r.outcome)
    },
    evaluateDaily(params, window) {
      return submit({ params, daily: true, ...(window === undefined ? {} : { window }) })
    },
    async close() {
      closed = true
      for (const s of slots) if (s.timer !== undefined) clearTimeout(s.timer)
      await Promise.all(slots.map((s) => s.worker.terminate()))
    },
  }
}
