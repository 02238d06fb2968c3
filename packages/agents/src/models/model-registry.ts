/**
 * The model registry: one `onnxruntime-node` session per model file, shared by reference count, and
 * hot-swappable handles over it.
 * @packageDocumentation
 */
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { ModelError } from '@quantum/core'
import type { PluginContext } from '@quantum/core'
import { InferenceThread } from './inference-thread.js'
import {
  checkExpectation,
  DEFAULT_SESSION_OPTIONS,
  openModelSession,
  type ModelExpectation,
  type ModelSession,
  type OrtSessionOptions,
} from './model-session.js'

/** Options of {@link ModelRegistry}. */
export interface ModelRegistryOptions {
  /** `onnxruntime-node` session options for every model. @default DEFAULT_SESSION_OPTIONS (no CPU arena, one intra-op thread) */
  readonly sessionOptions?: OrtSessionOptions
  /**
   * Worker threads that run models beside the calling thread ({@link InferenceThread}): each sequence
   * model has a replica on each of them, and a batch of {@link SPLIT_MIN_ROWS} rows or more (a backtest's
   * block, a step of many symbols) is split between the calling thread and the replicas. Smaller
   * batches run on the calling thread alone. Each thread costs memory (its heap, ORT and the replicas:
   * about 30 MB with the bundled ensemble). @default 0, or `$QUANTUM_INFERENCE_THREADS`; the registry of
   * an engine run ({@link modelRegistryFor}) uses {@link defaultInferenceThreads} of its mode
   */
  readonly inferenceThreads?: number
}

/**
 * Inference threads of a run's registry by default: `$QUANTUM_INFERENCE_THREADS` when set; else, for a
 * backtest on a machine of two cores or more, 1 (its blocks of bars split between the engine's thread and
 * one inference thread: the ensemble example's year of 5m bars in 6.8–7.0 s against 8.8–11.5 s on this
 * project's 2-core machine); else 0 (a live bar of a few symbols is too small a batch to share, and a
 * live run keeps its memory: the four bundled models in at most 200 MB).
 * @example new ModelRegistry({ inferenceThreads: defaultInferenceThreads('backtest') })
 */
export function defaultInferenceThreads(mode?: string): number {
  const env = process.env.QUANTUM_INFERENCE_THREADS
  if (env !== undefined && env !== '' && Number.isInteger(Number(env)) && Number(env) >= 0) return Number(env)
  return mode === 'backtest' && availableParallelism() >= 2 ? 1 : 0
}

interface Entry {
  readonly loading: Promise<ModelSession>
  refs: number
}

/** One open model file, as {@link ModelRegistry.stats} reports it. */
export interface ModelRegistryEntry {
  /** Absolute path of the model file. */
  readonly path: string
  /** Holders of the session. */
  readonly refs: number
}

/**
 * Shares one session per model file (keyed by absolute path) among its users, with reference counts:
 * the session is released when its last user releases it. Create one per runtime (the model agents
 * default to one per engine run, see {@link modelRegistryFor}); it is not a module singleton.
 * @example
 * const registry = new ModelRegistry()
 * const model = await registry.open('models/xgb.onnx', { features: STANDARD_FEATURES, family: 'xgboost' })
 */
export class ModelRegistry {
  private readonly entries = new Map<string, Entry>()
  private readonly sessionOptions: OrtSessionOptions
  private readonly threadCount: number
  /** The inference threads; started with the first session, ended with the last. */
  private threads: InferenceThread[] = []

  /** Creates an empty registry. */
  constructor(options: ModelRegistryOptions = {}) {
    this.sessionOptions = options.sessionOptions ?? DEFAULT_SESSION_OPTIONS
    this.threadCount = Math.max(0, Math.floor(options.inferenceThreads ?? defaultInferenceThreads()))
  }

  /** Inference threads this registry runs models on beside the calling thread. */
  get inferenceThreads(): number {
    return this.threadCount
  }

  /** The inference threads, started on first use. */
  private startThreads(): InferenceThread[] {
    if (this.threads.length < this.threadCount) {
      this.threads = Array.from({ length: this.threadCount }, () => new InferenceThread())
    }
    return this.threads
  }

  /** Ends the inference threads once no session is open. */
  private async endIdleThreads(): Promise<void> {
    if (this.entries.size > 0 || this.threads.some((t) => t.sessions > 0)) return
    const threads = this.threads
    this.threads = []
    await Promise.all(threads.map((t) => t.close()))
  }

  /**
   * Takes a reference on the session of `path` (loading it on first use) after checking its metadata
   * against `expect`; pair every successful call with {@link ModelRegistry.release}.
   * @throws {ModelError} when the file is missing, corrupt, or does not match `expect`.
   * @example const session = await registry.acquire('xgb.onnx', { features, family: 'xgboost' })
   */
  async acquire(path: string, expect: ModelExpectation): Promise<ModelSession> {
    const key = resolve(path)
    let entry = this.entries.get(key)
    if (entry === undefined) {
      const loading = openModelSession(key, { sessionOptions: this.sessionOptions, threads: this.startThreads() })
      entry = { loading, refs: 0 }
      this.entries.set(key, entry)
      const created = entry
      loading.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key)
      })
    }
    entry.refs++
    let session: ModelSession | undefined
    try {
      session = await entry.loading
      checkExpectation(session.metadata, expect, key)
    } catch (error) {
      if (this.drop(key, entry)) await session?.release()
      await this.endIdleThreads()
      throw error
    }
    return session
  }

  /**
   * Gives back one reference taken by {@link ModelRegistry.acquire}; the last one releases the session
   * (after its runs in flight).
   * @example await registry.release(session)
   */
  async release(session: ModelSession): Promise<void> {
    const key = resolve(session.path)
    const entry = this.entries.get(key)
    if (entry === undefined) return
    const last = this.drop(key, entry)
    if (last) {
      await session.release()
      await this.endIdleThreads()
    }
  }

  private drop(key: string, entry: Entry): boolean {
    entry.refs--
    if (entry.refs > 0 || this.entries.get(key) !== entry) return false
    this.entries.delete(key)
    return true
  }

  /**
   * Opens a hot-swappable {@link ModelHandle} on `path`.
   * @throws {ModelError} as {@link ModelRegistry.acquire}.
   * @example const model = await registry.open('nhits.onnx', { features, family: 'nhits' })
   */
  async open(path: string, expect: ModelExpectation): Promise<ModelHandle> {
    const session = await this.acquire(path, expect)
    return new ModelHandle(this, session, expect)
  }

  /** The open model files with their reference counts. */
  stats(): ModelRegistryEntry[] {
    return [...this.entries].map(([path, e]) => ({ path, refs: e.refs }))
  }

  /** Shown instead of the registry's internals when plugin options are serialised. */
  toJSON(): string {
    return 'ModelRegistry'
  }
}

/**
 * A reference to a model that can be replaced while in use: {@link ModelHandle.swap} opens the new
 * file, validates it against the same expectation, flips the pointer, then releases the old session
 * once its runs in flight are done. A prediction uses the session current when it started.
 */
export class ModelHandle {
  private current: ModelSession
  private swapping: Promise<void> = Promise.resolve()
  private disposed = false

  /** Wraps a session acquired from `registry`; use {@link ModelRegistry.open}. */
  constructor(
    private readonly registry: ModelRegistry,
    session: ModelSession,
    private readonly expect: ModelExpectation,
  ) {
    this.current = session
  }

  /** The session decisions currently start on. */
  get session(): ModelSession {
    return this.current
  }

  /**
   * Predicts with the current session (see {@link ModelSession.predict}).
   * @example const probs = await handle.predict(input, rows)
   */
  predict(features: Float32Array, rows: number): Promise<Float32Array> {
    return this.current.predict(features, rows)
  }

  /**
   * Replaces the model by `path` without missing a decision; swaps are serialised. On failure the
   * current model stays in place and the error is thrown.
   * @throws {ModelError} when the new model cannot be loaded or does not match the expectation.
   * @example await handle.swap('models/xgb-v2.onnx')
   */
  swap(path: string): Promise<void> {
    const next = this.swapping.then(() => this.swapNow(path))
    this.swapping = next.catch(() => undefined)
    return next
  }

  private async swapNow(path: string): Promise<void> {
    if (this.disposed) throw new ModelError(path, 'cannot swap a disposed model handle')
    const fresh = await this.registry.acquire(path, this.expect)
    const old = this.current
    if (fresh.rowSize !== old.rowSize) {
      await this.registry.release(fresh)
      throw new ModelError(path, `input of ${fresh.rowSize} floats per row, the current model takes ${old.rowSize}`)
    }
    this.current = fresh
    await this.registry.release(old)
  }

  /**
   * Releases the handle's reference (after pending swaps); idempotent.
   * @example await handle.dispose()
   */
  async dispose(): Promise<void> {
    await this.swapping
    if (this.disposed) return
    this.disposed = true
    await this.registry.release(this.current)
  }
}

const perRun = new WeakMap<object, ModelRegistry>()

/**
 * The default registry of a runtime: one per engine run, keyed by the run's event bus (`ctx.bus`),
 * so every model agent of a run shares one session per file and nothing outlives the run.
 * @example const registry = options.registry ?? modelRegistryFor(ctx)
 */
export function modelRegistryFor(ctx: PluginContext): ModelRegistry {
  let registry = perRun.get(ctx.bus)
  if (registry === undefined) {
    registry = new ModelRegistry({ inferenceThreads: defaultInferenceThreads(ctx.mode) })
    perRun.set(ctx.bus, registry)
  }
  return registry
}
