/**
 * The training-adapter port (what the orchestrator calls to turn splits into an ONNX model) and the
 * default adapter: the TypeScript histogram GBDT in a worker thread.
 * @packageDocumentation
 */
import { trainGbdtToOnnxInWorker } from '../gbdt/train-in-worker.js'
import type { GbdtParams, LabelledMatrix } from '../gbdt/train.js'
import type { PreparedSequences } from '../worker/job-tasks.js'
import type { WorkerIsolation } from '../worker/run-worker.js'

/** What an adapter trains on. */
export interface TrainingRequest {
  /** Model family slot, e.g. `xgboost`. */
  readonly family: string
  /** Training rows. */
  readonly train: LabelledMatrix
  /** Validation rows (early stopping). */
  readonly validation: LabelledMatrix
  /** Feature names in column order. */
  readonly features: readonly string[]
  /** Number of classes (3: SELL, HOLD, BUY). */
  readonly classCount: number
  /** Trainer parameters (adapter-specific). */
  readonly params: Readonly<Record<string, unknown>>
  /** Wall-clock limit. */
  readonly timeoutMs: number
  /** Aborts the training. */
  readonly signal?: AbortSignal
  /**
   * Niceness to run the training at, 0 (the caller's priority) to 19 (the lowest): an adapter that
   * trains in a thread or a process of its own should lower it so (the orchestrator passes its
   * `niceness`). @default the adapter's own (19 for the built-in adapters)
   */
  readonly niceness?: number
  /**
   * Where an adapter that trains in Node should run the training: a worker thread, or a child process
   * whose threads all run at `niceness` (the orchestrator passes its `isolation`). @default the adapter's own ('thread')
   */
  readonly isolation?: WorkerIsolation
  /**
   * For a window family (N-HiTS, PatchTST): the windows of the train and validation rows (row `k` of
   * `train` is the window ending at `sequences.trainEnds[k]`) and the normalisation to train with.
   */
  readonly sequences?: PreparedSequences
}

/** What an adapter returns. */
export interface TrainedModel {
  /** The model as ONNX (`input [N, F]` float32 -> `probabilities [N, 3]`), features raw (not normalised). */
  readonly onnx: Uint8Array
  /** Trainer name and version, for the lineage. */
  readonly trainer: string
  /** Parameters actually used. */
  readonly params: Readonly<Record<string, unknown>>
}

/**
 * A trainer the pipeline can run. Implement it to plug in any training code; throw `TrainerError`
 * (crash, timeout, missing dependency) or `DataError` (unusable rows), never a bare `Error`.
 */
export interface TrainingAdapter {
  /** Adapter name, e.g. `gbdt-ts` or `python:xgboost`. */
  readonly name: string
  /** Trains one model. */
  train(request: TrainingRequest): Promise<TrainedModel>
}

/**
 * The TypeScript GBDT adapter (no Python needed): trains and exports ONNX in a worker thread.
 * @example const adapter = gbdtAdapter({ learningRate: 0.05 })
 */
export function gbdtAdapter(defaults: Partial<GbdtParams> = {}): TrainingAdapter {
  return {
    name: 'gbdt-ts',
    async train(request) {
      const params = { ...defaults, ...(request.params as Partial<GbdtParams>) }
      const model = await trainGbdtToOnnxInWorker(
        { train: request.train, validation: request.validation, classCount: request.classCount, params },
        {
          name: request.family,
          timeoutMs: request.timeoutMs,
          featureNames: request.features,
          ...(request.signal === undefined ? {} : { signal: request.signal }),
          ...(request.niceness === undefined ? {} : { niceness: request.niceness }),
          ...(request.isolation === undefined ? {} : { isolation: request.isolation }),
        },
      )
      return { onnx: model.onnx, trainer: 'gbdt-ts@1', params: { ...model.params, rounds: model.rounds } }
    },
  }
}
