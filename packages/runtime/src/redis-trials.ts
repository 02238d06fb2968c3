/**
 * Trials on BullMQ over Redis: `optimize --redis` queues each trial as a job (id `<study>-<trial>`), and
 * `quantum-run worker --redis` processes jobs on its own worker-thread pool, on any machine that has the
 * config at the same path. A worker killed mid-trial stops renewing its job's lock; another worker's
 * stalled-job check puts the job back and it runs again there. The study waits on each job's state, so a
 * trial is counted once however often it ran; while Redis is unreachable both sides keep retrying and go
 * on when it returns. `bullmq` is imported only when `--redis` is used.
 * @packageDocumentation
 */
import { ConfigError, importOptional } from '@quantum/core'
import type { Params } from '@quantum/core'
import type * as BullMqModule from 'bullmq'
import type { ConnectionOptions, Job, Queue, Worker } from 'bullmq'
import {
  createTrialPool,
  TRIAL_PREFETCH,
  type DetailedOutcome,
  type TrialPool,
  type TrialWindow,
  type TrialWorkerData,
} from './trial-pool.js'

/** The queue trials go through. */
export const TRIAL_QUEUE = 'quantum-trials'

/** A queued trial: where the config is, and the point to run. */
export interface RedisTrialJob extends TrialWorkerData {
  readonly params: Params
  readonly window?: TrialWindow
  readonly daily?: boolean
  /** Per-trial timeout in the worker's pool, ms. */
  readonly timeoutMs: number
}

/** Where Redis is and how the queue is named. */
export interface RedisTarget {
  /** `redis://[:password@]host[:port][/db][?prefix=<key prefix>]` */
  readonly redis: string
  /** Key prefix (separates deployments and tests). @default the URL's `prefix`, else 'quantum' */
  readonly prefix?: string
}

/** The key prefix of a target: its own, else the URL's `?prefix=`, else `quantum`. */
export function prefixOf(target: RedisTarget): string {
  return target.prefix ?? new URL(target.redis).searchParams.get('prefix') ?? 'quantum'
}

/**
 * BullMQ connection options of a `redis://` URL (commands wait for a reconnect instead of failing).
 * @throws {ConfigError} for a URL that is not `redis://…`.
 */
export function redisConnection(url: string): ConnectionOptions {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    u = new URL('invalid://')
  }
  if (u.protocol !== 'redis:')
    throw new ConfigError('Invalid Redis URL', [{ path: '--redis', message: `"${url}" is not redis://host:port` }])
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port === '' ? 6379 : Number(u.port),
    db,
    ...(u.password === '' ? {} : { password: decodeURIComponent(u.password) }),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(100 * times, 1000),
  }
}

type BullMq = typeof BullMqModule

/** bullmq is an optional peer: only `--redis` needs it (MissingDependencyError naming it otherwise). */
async function bullmq(): Promise<BullMq> {
  return importOptional('bullmq', 'quantum-run optimize --redis and quantum-run worker', () => import('bullmq'))
}

/** Options of {@link createRedisTrialPool}. */
export interface RedisPoolOptions extends TrialWorkerData, RedisTarget {
  /** The study's id: job ids are `<study>-<n>`. */
  readonly study: string
  /** Per-trial timeout in the workers, ms. @default 60000 */
  readonly timeoutMs?: number
  /** How often a waiting trial looks at its job when no completion event came (events missed while Redis was away), ms. @default 1000 */
  readonly pollMs?: number
  /** Trials to keep queued at once (the pool's {@link TrialPool.capacity}). @default 1 */
  readonly inFlight?: number
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A waiting trial's flag: set (and the waiter woken) by its job's completion event. */
interface Signal {
  notified: boolean
  wake?: () => void
}

/** Waits until the signal is notified or `ms` have passed. */
function wakeOrSleep(signal: Signal, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      delete signal.wake
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.wake = done
  })
}

/**
 * A {@link TrialPool} whose trials are BullMQ jobs run by `quantum-run worker` processes.
 * @example const pool = await createRedisTrialPool({ redis: 'redis://127.0.0.1:6379', study, configFile, cwd })
 */
export async function createRedisTrialPool(options: RedisPoolOptions): Promise<TrialPool> {
  const { Queue, QueueEvents } = await bullmq()
  const queue: Queue = new Queue(TRIAL_QUEUE, {
    connection: redisConnection(options.redis),
    prefix: prefixOf(options),
  })
  // Completion events wake the trial waiting on that job at once (a poll alone adds up to pollMs a trial).
  const events = new QueueEvents(TRIAL_QUEUE, { connection: redisConnection(options.redis), prefix: prefixOf(options) })
  events.on('error', () => undefined)
  const signals = new Map<string, Signal>()
  const notify = ({ jobId }: { jobId: string }): void => {
    const signal = signals.get(jobId)
    if (signal === undefined) return
    signal.notified = true
    signal.wake?.()
  }
  events.on('completed', notify)
  events.on('failed', notify)
  await events.waitUntilReady().catch(() => undefined)
  const pollMs = options.pollMs ?? 1000
  let next = 0
  let closed = false
  const base: TrialWorkerData = {
    configFile: options.configFile,
    cwd: options.cwd,
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    ...(options.jitiOptions === undefined ? {} : { jitiOptions: options.jitiOptions }),
    ...(options.objective === undefined ? {} : { objective: options.objective }),
  }
  const run = async (params: Params, window: TrialWindow | undefined, daily: boolean): Promise<DetailedOutcome> => {
    const jobId = `${options.study}-${next++}`
    const signal: Signal = { notified: false }
    signals.set(jobId, signal)
    try {
      return await waitFor({ jobId, signal, params, window, daily })
    } finally {
      signals.delete(jobId)
    }
  }
  const waitFor = async (trial: {
    jobId: string
    signal: Signal
    params: Params
    window: TrialWindow | undefined
    daily: boolean
  }): Promise<DetailedOutcome> => {
    const { jobId, signal, params, window, daily } = trial
    const data: RedisTrialJob = {
      ...base,
      params,
      daily,
      timeoutMs: options.timeoutMs ?? 60_000,
      ...(window === undefined ? {} : { window }),
    }
    await retrying(
      () =>
        queue.add('trial', data, {
          jobId,
          attempts: 2,
          removeOnComplete: { age: 3600 },
          removeOnFail: { age: 86_400 },
        }),
      () => closed,
    )
    for (;;) {
      if (closed) return { outcome: { status: 'failed', error: 'the study was closed' } }
      const found = await retrying(
        async (): Promise<DetailedOutcome | undefined> => {
          // The state first, then the job: a job read before it completed would hold no return value yet.
          const state = await queue.getJobState(jobId)
          if (state === 'unknown') return { outcome: { status: 'failed', error: `job ${jobId} vanished from Redis` } }
          if (state !== 'completed' && state !== 'failed') return undefined
          const job: Job<RedisTrialJob, DetailedOutcome | null> | undefined = await queue.getJob(jobId)
          if (job === undefined) return { outcome: { status: 'failed', error: `job ${jobId} vanished from Redis` } }
          if (state === 'failed') return { outcome: { status: 'failed', error: job.failedReason || 'failed' } }
          return job.returnvalue ?? undefined
        },
        () => closed,
      )
      if (found !== undefined) return found
      if (signal.notified) signal.notified = false
      else await wakeOrSleep(signal, pollMs)
    }
  }
  return {
    capacity: options.inFlight ?? 1,
    evaluate: async (params, window) => (await run(params, window, false)).outcome,
    evaluateDaily: (params, window) => run(params, window, true),
    close: async () => {
      closed = true
      for (const signal of signals.values()) signal.wake?.()
      await Promise.all([queue.close(), events.close()])
    },
  }
}

/** Runs `fn` until it succeeds (Redis unreachable: try again every 500 ms) or `stop()` says so. */
async function retrying<T>(fn: () => Promise<T>, stop: () => boolean): Promise<T> {
  for (;;) {
    try {
      return await fn()
    } catch (error) {
      if (stop()) throw error
      await sleep(500)
    }
  }
}

/** Options of {@link startTrialWorker}. */
export interface TrialWorkerOptions extends RedisTarget {
  /** Trials run at once (one worker thread each). @default 1 */
  readonly concurrency?: number
  /** Lock of a running job; a worker that stops renewing it (killed) loses the job after this. @default 30000 */
  readonly lockMs?: number
  /** Called when a job starts and ends. */
  readonly onJob?: (event: { readonly id: string; readonly phase: 'start' | 'done' }) => void
}

/** A running `quantum-run worker`. */
export interface TrialWorker {
  /** Stops taking jobs, waits for the running ones, closes the pools. */
  close(): Promise<void>
}

/** Starts a worker that runs queued trials on worker-thread pools (one per config). */
export async function startTrialWorker(options: TrialWorkerOptions): Promise<TrialWorker> {
  const { Worker } = await bullmq()
  const concurrency = options.concurrency ?? 1
  const pools = new Map<string, Promise<TrialPool>>()
  const poolFor = (job: RedisTrialJob): Promise<TrialPool> => {
    const { params: _p, window: _w, daily: _d, timeoutMs, ...data } = job
    const key = JSON.stringify([data, timeoutMs])
    let pool = pools.get(key)
    if (pool === undefined) pools.set(key, (pool = createTrialPool({ ...data, workers: concurrency, timeoutMs })))
    return pool
  }
  const lockMs = options.lockMs ?? 30_000
  const worker: Worker<RedisTrialJob, DetailedOutcome> = new Worker(
    TRIAL_QUEUE,
    async (job) => {
      options.onJob?.({ id: job.id ?? '', phase: 'start' })
      const pool = await poolFor(job.data)
      const out = await (job.data.daily === true
        ? pool.evaluateDaily(job.data.params, job.data.window)
        : pool.evaluate(job.data.params, job.data.window).then((outcome) => ({ outcome })))
      options.onJob?.({ id: job.id ?? '', phase: 'done' })
      return out
    },
    {
      connection: redisConnection(options.redis),
      prefix: prefixOf(options),
      // Take the next job while a thread runs one: the pool queues it, so no thread waits on Redis.
      concurrency: concurrency * TRIAL_PREFETCH,
      lockDuration: lockMs,
      stalledInterval: Math.max(500, Math.floor(lockMs / 2)),
      maxStalledCount: 5,
    },
  )
  worker.on('error', () => undefined)
  await worker.waitUntilReady()
  return {
    close: async () => {
      await worker.close()
      for (const pool of pools.values()) await (await pool).close()
    },
  }
}
