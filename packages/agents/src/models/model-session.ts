/**
 * One loaded ONNX model: an `onnxruntime-node` session plus its validated `<model>.meta.json`, with
 * probabilities always returned in the fixed {@link OUTPUT_CLASSES} order.
 * @packageDocumentation
 */
import { stat } from 'node:fs/promises'
import { ModelError } from '@quantum/core'
import type { InferenceThread } from './inference-thread.js'
import type { InferenceSession, Tensor as OnnxTensor } from 'onnxruntime-node'
import { loadOnnxRuntime } from '../optional-deps.js'
import {
  MODEL_CLASSES,
  assertModelFeatures,
  metadataPathFor,
  readModelMetadata,
  type ModelFamily,
  type ModelMetadata,
} from './model-metadata.js'

/**
 * The order of the three probabilities every {@link ModelSession.predict} returns, whatever the
 * model's own class order: index 0 = SELL, 1 = HOLD, 2 = BUY.
 */
export const OUTPUT_CLASSES = MODEL_CLASSES

/** Number of classes (columns of a prediction). */
export const CLASS_COUNT = 3

/** Families whose models read one feature row per prediction (window 1). */
export const TABULAR_FAMILIES: readonly ModelFamily[] = ['xgboost', 'lightgbm']

/** Families whose models read a sequence of feature rows (window {@link SEQUENCE_WINDOW} by default). */
export const SEQUENCE_FAMILIES: readonly ModelFamily[] = ['nhits', 'patchtst']

/** Default window of the sequence families (the seed's 120 bars). */
export const SEQUENCE_WINDOW = 120

/**
 * The window a family uses when none is configured: 1 for tabular families and `mlp`, 120 for sequences.
 * @example defaultWindowOf('nhits') // 120
 */
export function defaultWindowOf(family: ModelFamily): number {
  return SEQUENCE_FAMILIES.includes(family) ? SEQUENCE_WINDOW : 1
}

/** What a caller expects of a model: checked against its metadata at load (and at every hot swap). */
export interface ModelExpectation {
  /** Feature names, in input order; must equal the metadata's list exactly. */
  readonly features: readonly string[]
  /** Model family; must equal the metadata's `family`. */
  readonly family: ModelFamily
  /** Rows per prediction; must equal the metadata's `window`. @default defaultWindowOf(family) */
  readonly window?: number
}

/**
 * Checks `meta` against what the caller configured (features, family, window).
 * @throws {ModelError} naming `source` and what differs.
 * @example checkExpectation(meta, { features: STANDARD_FEATURES, family: 'xgboost' }, 'xgb.onnx')
 */
export function checkExpectation(meta: ModelMetadata, expect: ModelExpectation, source: string): void {
  assertModelFeatures(meta, expect.features, source)
  if (meta.family !== expect.family) {
    throw new ModelError(source, `family is ${meta.family} in its metadata, configured ${expect.family}`)
  }
  const window = expect.window ?? defaultWindowOf(expect.family)
  if (TABULAR_FAMILIES.includes(expect.family) && window !== 1) {
    throw new ModelError(source, `window ${window} configured, but a ${expect.family} model reads one row (window 1)`)
  }
  if (meta.window !== window) {
    throw new ModelError(source, `window is ${meta.window} in its metadata, configured ${window}`)
  }
}

/**
 * Why a probability triple cannot be used (non-finite, out of [0, 1], or not summing to ~1), or
 * `undefined` when it is fine.
 * @example probabilityIssue(out, 3 * row) // 'probabilities sum to 1.7'
 */
export function probabilityIssue(probs: Float32Array, offset: number): string | undefined {
  let sum = 0
  for (let j = 0; j < CLASS_COUNT; j++) {
    const p = probs[offset + j]!
    if (!Number.isFinite(p)) return `model returned a non-finite probability (${p})`
    if (p < -1e-6 || p > 1 + 1e-6) return `model returned a probability outside [0, 1] (${p})`
    sum += p
  }
  return Math.abs(sum - 1) > 1e-3 ? `probabilities sum to ${sum}, not 1` : undefined
}

/**
 * The `onnxruntime-node` session options the SDK passes through (a subset of ORT's `SessionOptions`,
 * declared here so that the package's types do not need `onnxruntime-node`, an optional peer).
 */
export interface OrtSessionOptions {
  /** ORT's CPU memory arena. */
  readonly enableCpuMemArena?: boolean
  /** ORT's memory pattern optimisation. */
  readonly enableMemPattern?: boolean
  /** Threads of one operator. */
  readonly intraOpNumThreads?: number
  /** Threads across operators (parallel execution mode). */
  readonly interOpNumThreads?: number
  /** Sequential or parallel execution of the graph. */
  readonly executionMode?: 'sequential' | 'parallel'
  /** Graph optimisation level. */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all'
  /** ORT's log severity: 0 verbose … 4 fatal. */
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4
}

/** Options of {@link openModelSession}. */
export interface OpenModelOptions {
  /** `onnxruntime-node` session options. @default DEFAULT_SESSION_OPTIONS (no CPU arena, one intra-op thread) */
  readonly sessionOptions?: OrtSessionOptions
  /** Metadata file. @default metadataPathFor(path) (`model.onnx` -> `model.meta.json`) */
  readonly metadataPath?: string
  /**
   * Inference threads to open a replica of a sequence model's session on (a model with a window of more
   * than one row): a batch of {@link SPLIT_MIN_ROWS} rows or more is split between the calling thread and
   * the replicas, which run side by side. Tabular models stay on the calling thread alone (measured: 1.6
   * ms per 1,024 rows for the bundled trees against 15 and 220 ms for N-HiTS and PatchTST). @default none
   */
  readonly threads?: readonly InferenceThread[]
}

/** A session and the tensor class its inputs are given in. */
interface RunTarget {
  readonly session: InferenceSession
  readonly Tensor: typeof OnnxTensor | typeof ThreadTensor
}

/**
 * Fewest rows of a batch that is split between the calling thread and the inference threads; smaller
 * batches (a live bar of a few symbols) run on the calling thread alone, with no message to a thread.
 */
export const SPLIT_MIN_ROWS = 16

/** The tensor a session on an {@link InferenceThread} is given: its data and dimensions, copied to the thread. */
class ThreadTensor {
  constructor(
    readonly type: 'float32',
    readonly data: Float32Array,
    readonly dims: readonly number[],
  ) {}
}

/**
 * Default `onnxruntime-node` session options: no CPU memory arena (about 35 MB less RSS), no memory
 * pattern (ORT's per-shape buffer plans grew PatchTST at batch 100 from 86 to 481 MB RSS and were
 * slower: 8.4 against 5.2 ms per run, measured), and one intra-op thread. On the 2-core target, ORT's spinning thread pool competed with the engine thread
 * and the other sessions: PatchTST over 30k bars took 1.6 s with one thread against 3.9 s with the
 * default pool (batch-1 latency is the same). Override per registry with `sessionOptions`.
 */
export const DEFAULT_SESSION_OPTIONS: OrtSessionOptions = Object.freeze({
  enableCpuMemArena: false,
  enableMemPattern: false,
  intraOpNumThreads: 1,
})

/**
 * Opens a model file and its metadata and checks that they agree (input name, dtype and shape, the
 * probability output). Does not check caller expectations: see {@link checkExpectation}.
 * @throws {ModelError} for a missing or corrupt file, bad metadata, or a graph that does not match it.
 * @throws {MissingDependencyError} when the optional package `onnxruntime-node` is not installed.
 * @example const s = await openModelSession('/models/xgb.onnx')
 */
export async function openModelSession(path: string, options: OpenModelOptions = {}): Promise<ModelSession> {
  const meta = await readModelMetadata(options.metadataPath ?? metadataPathFor(path))
  try {
    await stat(path)
  } catch (cause) {
    throw new ModelError(path, 'model file not found or not readable', { cause })
  }
  const ort = await loadOnnxRuntime()
  const sessionOptions = { ...(options.sessionOptions ?? DEFAULT_SESSION_OPTIONS) }
  let session: InferenceSession
  try {
    session = await ort.InferenceSession.create(path, sessionOptions)
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause)
    throw new ModelError(path, `onnxruntime cannot load the model (corrupt or unsupported): ${detail}`, { cause })
  }
  try {
    checkGraph(session, meta, path)
  } catch (error) {
    await session.release()
    throw error
  }
  const replicas: object[] = []
  try {
    // Sequence models only: a tabular model's batch (trees over one row each) costs too little to share.
    const threads = meta.window > 1 ? (options.threads ?? []) : []
    for (const thread of threads) replicas.push(await thread.open(path, sessionOptions))
  } catch (cause) {
    await Promise.all([session, ...(replicas as InferenceSession[])].map((r) => r.release()))
    const detail = cause instanceof Error ? cause.message : String(cause)
    throw new ModelError(path, `onnxruntime cannot load the model on an inference thread: ${detail}`, { cause })
  }
  return new ModelSession(path, { session, Tensor: ort.Tensor, replicas }, meta)
}

function shapeText(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`
}

function checkGraph(session: InferenceSession, meta: ModelMetadata, path: string): void {
  const { name, shape } = meta.input
  if (!session.inputNames.includes(name)) {
    throw new ModelError(
      path,
      `input "${name}" of the metadata not in the graph (inputs: ${session.inputNames.join(', ')})`,
    )
  }
  if (session.inputNames.length !== 1) {
    throw new ModelError(path, `graph has ${session.inputNames.length} inputs, expected exactly one ("${name}")`)
  }
  const out = meta.outputs.probabilities
  if (!session.outputNames.includes(out)) {
    throw new ModelError(
      path,
      `output "${out}" of the metadata not in the graph (outputs: ${session.outputNames.join(', ')})`,
    )
  }
  const input = session.inputMetadata.find((m) => m.name === name)
  if (input === undefined || !input.isTensor) return
  if (input.type !== 'float32') throw new ModelError(path, `input "${name}" is ${input.type}, expected float32`)
  const wrongRank = input.shape.length !== 0 && input.shape.length !== shape.length
  const wrongDim = input.shape.some((d, i) => i > 0 && typeof d === 'number' && d > 0 && d !== shape[i])
  if (wrongRank || wrongDim) {
    throw new ModelError(
      path,
      `input "${name}" has shape ${shapeText(input.shape)} in the graph, metadata says ${shapeText(shape)}`,
    )
  }
}

/**
 * An open `onnxruntime-node` session and ORT's `Tensor` class, as {@link openModelSession} hands them to
 * {@link ModelSession} (opaque here so that the package's types do not need `onnxruntime-node`).
 */
export interface OrtSessionHandle {
  /** ORT's `InferenceSession`. */
  readonly session: object
  /** ORT's `Tensor` class. */
  readonly Tensor: object
  /** Replicas of the session on inference threads ({@link InferenceThread.open}). @default none */
  readonly replicas?: readonly object[]
}

/**
 * A loaded model. Prefer getting one from a {@link ModelRegistry} (one session per file per process).
 * Counts runs in flight so that {@link ModelSession.release} waits for them: a decision that started on
 * this session finishes on it, even during a hot swap.
 */
export class ModelSession {
  /** Absolute or given path of the `.onnx` file. */
  readonly path: string
  /** The validated metadata. */
  readonly metadata: ModelMetadata
  /** Floats per feature row (the number of features). */
  readonly features: number
  /** Rows per prediction (1 for tabular models). */
  readonly window: number
  /** Floats per prediction input: `window * features`. */
  readonly rowSize: number
  /** Normalisation means, one per feature. */
  readonly mean: Float64Array
  /** Normalisation standard deviations, one per feature (> 0). */
  readonly std: Float64Array
  private readonly session: InferenceSession
  private readonly replicas: readonly InferenceSession[]
  /** Where a batch runs: this thread's session, and each replica (with the tensor class it takes). */
  private readonly local: RunTarget
  private readonly remote: readonly RunTarget[]
  /** For output column j (OUTPUT_CLASSES order), the model's column. */
  private readonly perm: Int32Array
  private readonly inputDims: number[]
  private inFlight = 0
  private releasing: Promise<void> | undefined
  private releaseNow: (() => void) | undefined

  /** Wraps an already validated session; use {@link openModelSession}. */
  constructor(path: string, ort: OrtSessionHandle, metadata: ModelMetadata) {
    this.path = path
    this.session = ort.session as InferenceSession
    this.replicas = (ort.replicas ?? []) as readonly InferenceSession[]
    this.local = { session: this.session, Tensor: ort.Tensor as typeof OnnxTensor }
    this.remote = this.replicas.map((session) => ({ session, Tensor: ThreadTensor }))
    this.metadata = metadata
    this.features = metadata.features.length
    this.window = metadata.window
    this.rowSize = this.window * this.features
    this.mean = Float64Array.from(metadata.normalization.mean)
    this.std = Float64Array.from(metadata.normalization.std)
    this.perm = Int32Array.from(OUTPUT_CLASSES, (c) => metadata.classes.indexOf(c))
    this.inputDims = this.window === 1 ? [0, this.features] : [0, this.window, this.features]
  }

  /** True once {@link ModelSession.release} was called (new predictions are refused). */
  get released(): boolean {
    return this.releasing !== undefined
  }

  /** Leases currently held (runs in flight included). */
  get pending(): number {
    return this.inFlight
  }

  /**
   * Runs the model on `rows` inputs (row-major, already normalised: `rows * rowSize` floats) in one
   * `session.run` and returns `[rows, 3]` probabilities in {@link OUTPUT_CLASSES} order (SELL, HOLD, BUY).
   * @throws {ModelError} on a wrong input length, a released session, or a failed run.
   * @example const probs = await session.predict(input, 64) // probs[3 * r + 2] = P(BUY) of row r
   */
  async predict(features: Float32Array, rows: number): Promise<Float32Array> {
    if (!Number.isInteger(rows) || rows < 1 || features.length !== rows * this.rowSize) {
      throw new ModelError(this.path, `input of ${features.length} floats for ${rows} rows of ${this.rowSize}`)
    }
    const done = this.lease()
    try {
      return await this.run(features, rows)
    } finally {
      done()
    }
  }

  /**
   * Keeps the session open until the returned function is called (a run in flight, or a batch being
   * collected): {@link ModelSession.release} waits for every lease.
   * @example const done = session.lease(); try { … } finally { done() }
   */
  lease(): () => void {
    if (this.releasing !== undefined && this.inFlight === 0) throw new ModelError(this.path, 'session released')
    this.inFlight++
    let open = true
    return () => {
      if (!open) return
      open = false
      this.inFlight--
      if (this.inFlight === 0) this.releaseNow?.()
    }
  }

  /**
   * One batch: on the calling thread alone, or split in equal parts between it and the replicas
   * (the parts for the threads are posted first, so they run while the calling thread runs its own).
   */
  private async run(features: Float32Array, rows: number): Promise<Float32Array> {
    const parts = this.remote.length + 1
    if (parts === 1 || rows < SPLIT_MIN_ROWS) return this.runOn(this.local, features, rows)
    const per = Math.ceil(rows / parts)
    const size = this.rowSize
    const out = new Float32Array(rows * CLASS_COUNT)
    const jobs: Promise<void>[] = []
    for (let p = parts - 1; p >= 0; p--) {
      const from = p * per
      const to = Math.min(rows, from + per)
      if (from >= to) continue
      const local = (): Promise<Float32Array> =>
        this.runOn(this.local, features.subarray(from * size, to * size), to - from)
      // A part whose thread failed (it ended) runs here instead: a model error then comes from this thread.
      const part =
        p === 0
          ? local()
          : this.runOn(this.remote[p - 1]!, features.slice(from * size, to * size), to - from).catch(local)
      jobs.push(part.then((probs) => out.set(probs, from * CLASS_COUNT)))
    }
    await Promise.all(jobs)
    return out
  }

  private async runOn(on: RunTarget, features: Float32Array, rows: number): Promise<Float32Array> {
    const { session, Tensor } = on
    const dims = this.inputDims.slice()
    dims[0] = rows
    const name = this.metadata.outputs.probabilities
    let data: unknown
    try {
      const out = await session.run(
        { [this.metadata.input.name]: new Tensor('float32', features, dims) as OnnxTensor },
        [name],
      )
      data = out[name]?.data
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause)
      throw new ModelError(this.path, `inference failed: ${detail}`, { cause })
    }
    if (!(data instanceof Float32Array) || data.length !== rows * CLASS_COUNT) {
      throw new ModelError(this.path, `output "${name}" is not float32 [${rows}, ${CLASS_COUNT}]`)
    }
    return this.reorder(data, rows)
  }

  private reorder(data: Float32Array, rows: number): Float32Array {
    const [a, b, c] = this.perm
    if (a === 0 && b === 1 && c === 2) return data
    const out = new Float32Array(rows * CLASS_COUNT)
    for (let r = 0, o = 0; r < rows; r++, o += CLASS_COUNT) {
      out[o] = data[o + a!]!
      out[o + 1] = data[o + b!]!
      out[o + 2] = data[o + c!]!
    }
    return out
  }

  /**
   * Releases the native session once the runs in flight have finished; idempotent. New predictions
   * are refused from the call on.
   * @example await old.release()
   */
  release(): Promise<void> {
    this.releasing ??= new Promise<void>((resolve) => {
      this.releaseNow = resolve
      if (this.inFlight === 0) resolve()
    }).then(async () => {
      await Promise.all([this.session, ...this.replicas].map((r) => r.release()))
    })
    return this.releasing
  }
}
