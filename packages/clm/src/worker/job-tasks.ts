/**
 * The heavy, CPU-bound steps of a training job besides training itself: building the rows (features,
 * labels, splits, windows), scoring a model file on the evaluation rows, and backtesting a strategy
 * module with a model. The orchestrator runs them
 * in a worker thread ({@link runJobTask}) so a job never stalls the decisions of a running strategy; the
 * same functions run in-thread when asked (`threads: 'main'`).
 * @packageDocumentation
 */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CandleSeries } from '@quantum/core'
import { buildDataset } from '../data/dataset.js'
import type { LabelSpec } from '../data/labels.js'
import { planSplits, splitDataset, type DatasetSlice, type PlanSplitsOptions, type SplitPlan } from '../data/splits.js'
import { columnStats, sequenceMatrix, windowedSlice, type Normalization } from '../data/windows.js'
import type { BacktestSummary } from '@quantum/core'
import { backtestWithModel, type BacktestWindow, type ModelRef, type StrategyModule } from '../eval/evaluate.js'
import type { Probabilities } from '../eval/metrics.js'
import { scoreOnnxModel, type NamedRows, type WindowRows } from '../eval/score-model.js'
import { runWorker, type WorkerIsolation } from './run-worker.js'

/** Input of the `prepare` task. */
export interface PrepareInput {
  readonly histories: readonly CandleSeries[]
  readonly label: LabelSpec
  readonly features?: readonly string[]
  readonly splits?: Omit<PlanSplitsOptions, 'end'>
  /** Window of the family's models (> 1: sequence models; rows without a full window are left out). @default 1 */
  readonly window?: number
}

/** The windows of a window family: the sequence matrix and where each split's windows end. */
export interface PreparedSequences {
  readonly window: number
  readonly values: Float32Array
  readonly columns: number
  readonly trainEnds: Uint32Array
  readonly validationEnds: Uint32Array
  readonly testEnds: Uint32Array
  /** Mean / std of the training rows (the window models read normalised inputs). */
  readonly normalization: Normalization
}

/** What the `prepare` task returns. */
export interface PreparedJob {
  readonly features: readonly string[]
  readonly timeframeMs: number
  readonly symbols: readonly string[]
  readonly train: DatasetSlice
  readonly validation: DatasetSlice
  readonly test: DatasetSlice
  readonly plan: SplitPlan
  readonly sequences?: PreparedSequences
}

/**
 * Builds the rows of a job: dataset, splits (and windows for a window family).
 * @throws {ConfigError} for unknown timeframes or splits out of order; `ModelError` for an unknown feature.
 */
export function prepareJob(input: PrepareInput): PreparedJob {
  const ds = buildDataset(input.histories, {
    label: input.label,
    ...(input.features === undefined ? {} : { features: input.features }),
  })
  const end = Math.max(...input.histories.map((h) => h.openTime.at(-1) ?? 0)) + ds.timeframeMs
  const splits = splitDataset(ds, planSplits(ds, { ...input.splits, end }))
  const base = { features: ds.features, timeframeMs: ds.timeframeMs, symbols: ds.symbols, plan: splits.plan }
  const window = input.window ?? 1
  if (window <= 1) return { ...base, train: splits.train, validation: splits.validation, test: splits.test }
  const seq = sequenceMatrix(ds, window)
  const train = windowedSlice(splits.train, seq)
  const validation = windowedSlice(splits.validation, seq)
  const test = windowedSlice(splits.test, seq)
  return {
    ...base,
    train: train.slice,
    validation: validation.slice,
    test: test.slice,
    sequences: {
      window,
      values: seq.values,
      columns: seq.columns,
      trainEnds: train.ends,
      validationEnds: validation.ends,
      testEnds: test.ends,
      normalization: columnStats(train.slice),
    },
  }
}

/** Input of the `score` task. */
export interface ScoreInput {
  readonly path: string
  readonly rows: NamedRows
  readonly windows?: WindowRows
}

/** Input of the `backtest` task: the strategy module backtested with a model over a window. */
export interface BacktestInput {
  readonly strategy: StrategyModule
  readonly model: ModelRef
  readonly window: BacktestWindow
  /** Folder the strategy's relative data paths resolve against. */
  readonly baseDir: string
  /** Folder of the binary candle cache. @default runBacktest's */
  readonly cacheDir?: string
}

/** A task of the job worker. */
export type JobTask =
  | { readonly op: 'prepare'; readonly input: PrepareInput }
  | { readonly op: 'score'; readonly input: ScoreInput }
  | { readonly op: 'backtest'; readonly input: BacktestInput }

/** What a job task answers. */
export type JobTaskResult = PreparedJob | Probabilities | BacktestSummary

/** Runs a task in this thread. */
export async function runJobTaskHere(task: JobTask): Promise<JobTaskResult> {
  if (task.op === 'prepare') return prepareJob(task.input)
  if (task.op === 'backtest') {
    const { strategy, model, window, baseDir, cacheDir } = task.input
    return backtestWithModel(model, { strategy, baseDir, ...(cacheDir === undefined ? {} : { cacheDir }) }, window)
  }
  return scoreOnnxModel(task.input.path, task.input.rows, task.input.windows)
}

/** The job worker module beside this one: `job-worker.ts` in sources, `job-worker.js|cjs` in `dist/`. */
export function jobWorkerFile(): string {
  const here = fileURLToPath(import.meta.url)
  const dir = dirname(here)
  if (here.endsWith('.ts')) return join(dir, 'job-worker.ts')
  const ext = here.endsWith('.cjs') ? 'cjs' : 'js'
  const file = join(dir, `job-worker.${ext}`)
  return existsSync(file) ? file : join(dir, 'job-worker.js')
}

/**
 * Copies of `histories` whose buffers can be moved to a worker: each column copied to a buffer of its
 * own (a column that is a view on a larger buffer, e.g. a window of a longer file, costs only its own
 * bytes), with the buffers to transfer. Posting the originals would copy every column twice (serialise,
 * then deserialise) and whole backing buffers of views, on the calling thread.
 */
export function transferableHistories(histories: readonly CandleSeries[]): {
  readonly histories: CandleSeries[]
  readonly transfer: ArrayBuffer[]
} {
  const transfer: ArrayBuffer[] = []
  const own = (a: Float64Array): Float64Array => {
    const copy = a.slice()
    transfer.push(copy.buffer)
    return copy
  }
  const copies = histories.map((h) => ({
    ...h,
    openTime: own(h.openTime),
    open: own(h.open),
    high: own(h.high),
    low: own(h.low),
    close: own(h.close),
    volume: own(h.volume),
  }))
  return { histories: copies, transfer }
}

/** Where and how {@link runJobTask} runs a task. */
export interface JobTaskOptions {
  /** `worker`: a fresh worker thread; `main`: this thread. */
  readonly threads: 'worker' | 'main'
  /** Wall-clock limit of the worker. */
  readonly timeoutMs: number
  /** Niceness of the worker thread (see `RunWorkerOptions.niceness`). @default 19 */
  readonly niceness?: number
  /** Buffers of the task to move to the worker rather than copy (see `RunWorkerOptions.transfer`). */
  readonly transfer?: readonly ArrayBuffer[]
  /** A worker thread or a child process (see `RunWorkerOptions.isolation`). @default 'thread' */
  readonly isolation?: WorkerIsolation
}

/**
 * Runs a task in a fresh worker thread (or here, with `threads: 'main'`).
 * @throws {TrainerError} when the worker crashes or outlives `timeoutMs`; the task's own error otherwise (as a `failed` TrainerError naming it).
 */
export function runJobTask(
  task: { readonly op: 'prepare'; readonly input: PrepareInput },
  o: JobTaskOptions,
): Promise<PreparedJob>
export function runJobTask(
  task: { readonly op: 'score'; readonly input: ScoreInput },
  o: JobTaskOptions,
): Promise<Probabilities>
export function runJobTask(
  task: { readonly op: 'backtest'; readonly input: BacktestInput },
  o: JobTaskOptions,
): Promise<BacktestSummary>
export function runJobTask(task: JobTask, o: JobTaskOptions): Promise<JobTaskResult> {
  if (o.threads === 'main') return runJobTaskHere(task)
  return runWorker<JobTaskResult>(jobWorkerFile(), task, {
    trainer: `clm-job:${task.op}`,
    timeoutMs: o.timeoutMs,
    ...(o.niceness === undefined ? {} : { niceness: o.niceness }),
    ...(o.transfer === undefined ? {} : { transfer: o.transfer }),
    ...(o.isolation === undefined ? {} : { isolation: o.isolation }),
  })
}
