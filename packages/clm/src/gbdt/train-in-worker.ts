/**
 * {@link trainGbdt} in a worker thread, so a training job never blocks the decisions of a running
 * strategy; with a wall-clock limit and the rows validated first.
 * @packageDocumentation
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runWorker, type WorkerIsolation } from '../worker/run-worker.js'
import type { GbdtModel, GbdtParams, GbdtTrainInput } from './train.js'
import { validateTrainingRows } from './validate.js'

/** Options of {@link trainGbdtInWorker}. */
export interface TrainInWorkerOptions {
  /** Wall-clock limit; the worker is terminated after it. @default 600000 (10 min) */
  readonly timeoutMs?: number
  /** Aborts the training. */
  readonly signal?: AbortSignal
  /** Feature names for error messages. */
  readonly featureNames?: readonly string[]
  /** Fewest training rows accepted. @default 200 */
  readonly minRows?: number
  /** Accept NaN features. @default false */
  readonly allowMissing?: boolean
  /** Niceness of the worker thread (see `RunWorkerOptions.niceness`). @default 19 */
  readonly niceness?: number
  /** A worker thread or a child process (see `RunWorkerOptions.isolation`). @default 'thread' */
  readonly isolation?: WorkerIsolation
}

/** The worker module beside this one: `gbdt-worker.ts` in sources, `gbdt-worker.js|cjs` in `dist/`. */
export function gbdtWorkerFile(): string {
  const here = fileURLToPath(import.meta.url)
  const dir = dirname(here)
  if (here.endsWith('.ts')) return join(dir, 'gbdt-worker.ts')
  const ext = here.endsWith('.cjs') ? 'cjs' : 'js'
  const file = join(dir, `gbdt-worker.${ext}`)
  return existsSync(file) ? file : join(dir, 'gbdt-worker.js')
}

/**
 * Validates the rows, then trains in a fresh worker thread.
 * @throws {DataError} when the training or validation rows are unusable (nothing is started).
 * @throws {TrainerError} when the worker crashes, fails, or outlives `timeoutMs`.
 * @example const model = await trainGbdtInWorker({ train, validation, classCount: 3 }, { timeoutMs: 60_000 })
 */
export async function trainGbdtInWorker(input: GbdtTrainInput, options: TrainInWorkerOptions = {}): Promise<GbdtModel> {
  validateInput(input, options)
  return runWorker<GbdtModel>(
    gbdtWorkerFile(),
    { input },
    {
      trainer: 'gbdt-worker',
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      niceness: options.niceness,
      isolation: options.isolation,
    },
  )
}

/** What {@link trainGbdtToOnnxInWorker} returns. */
export interface GbdtOnnxResult {
  /** The model as ONNX (see `gbdtToOnnx`). */
  readonly onnx: Uint8Array
  /** Parameters used. */
  readonly params: GbdtParams
  /** Boosting rounds kept. */
  readonly rounds: number
}

/**
 * Like {@link trainGbdtInWorker}, but the worker also converts the model to ONNX and hands back only the
 * bytes: the caller's thread neither rebuilds the model's object graph nor runs the conversion (which
 * stalled a 4 ms decision loop for ~370 ms on the main thread).
 * @throws {DataError} when the rows are unusable; {@link TrainerError} when the worker crashes, fails or times out.
 * @example const { onnx } = await trainGbdtToOnnxInWorker({ train, validation, classCount: 3 }, { name: 'xgb' })
 */
export async function trainGbdtToOnnxInWorker(
  input: GbdtTrainInput,
  options: TrainInWorkerOptions & { readonly name: string },
): Promise<GbdtOnnxResult> {
  validateInput(input, options)
  return runWorker<GbdtOnnxResult>(
    gbdtWorkerFile(),
    { input, onnx: { name: options.name } },
    {
      trainer: 'gbdt-worker',
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      niceness: options.niceness,
      isolation: options.isolation,
    },
  )
}

function validateInput(input: GbdtTrainInput, options: TrainInWorkerOptions): void {
  const common = {
    classCount: input.classCount,
    featureNames: options.featureNames,
    allowMissing: options.allowMissing,
  }
  validateTrainingRows(input.train, { ...common, split: 'train', minRows: options.minRows })
  if (input.validation !== undefined) {
    validateTrainingRows(input.validation, {
      ...common,
      split: 'validation',
      minRows: 1,
      refuseConstant: false,
      requireEveryClass: false,
    })
  }
}
