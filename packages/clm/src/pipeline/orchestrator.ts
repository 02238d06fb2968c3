/**
 * The orchestrator: one training job from data to registry. Fetch candles, build rows with the SDK's
 * features and the declared label, split in time, train through the family's adapter, register the
 * model (TRAINING), evaluate it out of time against production and the baselines (and backtest the
 * strategy when one is declared), then record CANDIDATE or REJECTED. A failure at any step raises an
 * event and leaves the production model as it was.
 * @packageDocumentation
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MODEL_FAMILIES, SEQUENCE_WINDOW, type ModelFamily } from '@quantum/agents'
import { ConfigError, isRealtime, type CandleSeries } from '@quantum/core'
import { describeLabel, type LabelSpec } from '../data/labels.js'
import type { PlanSplitsOptions } from '../data/splits.js'
import {
  evaluateCandidate,
  isStrategyModule,
  type EvaluateOptions,
  type EvaluationBacktest,
  type EvaluationReport,
} from '../eval/evaluate.js'
import type { PromotionGates } from '../eval/gates.js'
import { gbdtMetadata } from '../gbdt/metadata.js'
import type { ModelLifecycle } from '../registry/lifecycle.js'
import { runJobTask, transferableHistories, type PreparedJob } from '../worker/job-tasks.js'
import { BACKGROUND_NICENESS, checkNiceness } from '../worker/priority.js'
import type { WorkerIsolation } from '../worker/run-worker.js'
import { startWorkerHost } from '../worker/worker-host-client.js'
import type { TrainingAdapter } from './adapter.js'
import type { TrainingJob } from './queue.js'
import { runRlJob, type RlFamilyPlan } from './rl-job.js'

/** How one family is trained. */
export interface FamilyPlan {
  /** The trainer. */
  readonly adapter: TrainingAdapter
  /** The candles to train on (one series per symbol, same timeframe), newest last. */
  readonly data: () => Promise<readonly CandleSeries[]>
  /** Names of the data sources, for the lineage. */
  readonly sources: readonly string[]
  /** The label declaration. */
  readonly label: LabelSpec
  /** Feature names. @default every standard feature */
  readonly features?: readonly string[]
  /** Split lengths (the test split is the evaluation window). @default 90 / 90 days */
  readonly splits?: Omit<PlanSplitsOptions, 'end'>
  /** Trainer parameters. */
  readonly params?: Readonly<Record<string, unknown>>
  /** Wall-clock limit of the training. @default 600000 */
  readonly timeoutMs?: number
  /**
   * Backtest of the user's strategy with the candidate swapped in. Give the strategy as a module
   * (`{ module: '/abs/strategy.ts' }`) for the backtests to run in a worker thread (with `threads:
   * 'worker'`); a function runs them on the orchestrator's thread.
   */
  readonly backtest?: EvaluationBacktest
  /** Trading gates. @default the seed's */
  readonly gates?: PromotionGates
  /**
   * The model family the file serves (metadata `family`). @default the family's name when it is one of
   * the agents' families (`xgboost`, `lightgbm`, `nhits`, `patchtst`, `mlp`), else `xgboost`
   */
  readonly modelFamily?: ModelFamily
  /** Bars per prediction. @default 120 for `nhits` / `patchtst`, else 1 */
  readonly window?: number
}

/** How a family is retrained: a model family ({@link FamilyPlan}) or the RL sizer's Q-table ({@link RlFamilyPlan}). */
export type AnyFamilyPlan = FamilyPlan | RlFamilyPlan

function isRlPlan(plan: AnyFamilyPlan): plan is RlFamilyPlan {
  return 'kind' in plan && plan.kind === 'rl-sizer'
}

function modelFamilyOf(family: string, plan: FamilyPlan): ModelFamily {
  return (
    plan.modelFamily ?? ((MODEL_FAMILIES as readonly string[]).includes(family) ? (family as ModelFamily) : 'xgboost')
  )
}

function windowOf(family: ModelFamily, plan: FamilyPlan): number {
  return plan.window ?? (family === 'nhits' || family === 'patchtst' ? SEQUENCE_WINDOW : 1)
}

/** Events of a job, besides the lifecycle's. */
export type JobEvent =
  | { readonly type: 'job-started'; readonly family: string; readonly reason: TrainingJob['reason'] }
  | { readonly type: 'job-failed'; readonly family: string; readonly step: JobStep; readonly error: string }
  | { readonly type: 'job-done'; readonly family: string; readonly id: string; readonly stage: string }

/** The steps of a job. */
export type JobStep = 'data' | 'train' | 'register' | 'evaluate'

/** What a job did. */
export interface JobReport {
  readonly family: string
  /** The registered version, when training got that far. */
  readonly id?: string
  /** Its final stage (CANDIDATE, REJECTED, FAILED), when registered. */
  readonly stage?: string
  /** Milliseconds per step and in total. */
  readonly timings: Readonly<Partial<Record<JobStep | 'total', number>>>
  /** The evaluation, when it ran. */
  readonly evaluation?: EvaluationReport
  /** The step that failed and why. */
  readonly failure?: { readonly step: JobStep; readonly error: string }
}

/** Options of {@link Orchestrator}. */
export interface OrchestratorOptions {
  readonly lifecycle: ModelLifecycle
  readonly families: Readonly<Record<string, AnyFamilyPlan>>
  /** Code version for the lineage. @default '@quantum/clm' */
  readonly codeVersion?: string
  /** Job events. */
  readonly onEvent?: (e: JobEvent) => void
  /**
   * Where the row building and the scoring of the evaluation run: `worker` (a worker thread, so a job
   * never stalls the decisions of a strategy running in this process) or `main`. @default 'worker'
   */
  readonly threads?: 'worker' | 'main'
  /**
   * CPU priority of the job's worker threads and trainer processes, as a niceness from 0 (the same as
   * the decisions' thread) to 19 (the lowest): on a machine with few cores the job then takes the CPU
   * the strategy leaves idle instead of delaying its decisions. Linux lowers each worker thread; where a
   * thread's priority cannot be set (macOS, Windows) the workers run at the caller's priority, and the
   * Python trainers are lowered as processes. @default 19 (BACKGROUND_NICENESS)
   */
  readonly niceness?: number
  /**
   * With `threads: 'worker'`, what runs the job's steps (rows, training with the built-in adapter,
   * scoring, backtests): `thread`, a worker thread of this process, or `process`, a worker thread of a
   * child Node process. A worker thread lowers only itself, while V8's garbage-collector and compiler helper
   * threads it keeps busy are this process's, at the decisions' priority; a child process runs all of
   * its threads at `niceness`, so on a machine with few cores the decisions wait less for a core. A
   * process (the worker host, started with the orchestrator and kept) copies the rows over IPC instead
   * of moving them. When the constructing thread runs under real-time scheduling (`enterRealtime` of
   * `@quantum/core`, the runtime's `scheduling: 'realtime'`), worker threads would inherit that class,
   * so the default is then `process`, whose host runs under SCHED_IDLE from its first instruction.
   * @default 'process' when the constructing thread is real-time, else 'thread'
   */
  readonly isolation?: WorkerIsolation
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

/** Runs training jobs (see the module docs). */
export class Orchestrator {
  /** What runs the job's steps: the `isolation` option, else its default (see {@link OrchestratorOptions.isolation}). */
  readonly isolation: WorkerIsolation

  constructor(private readonly options: OrchestratorOptions) {
    if (options.niceness !== undefined) checkNiceness(options.niceness)
    this.isolation = options.isolation ?? (isRealtime() ? 'process' : 'thread')
    // The worker host is forked now, while this process is likely smaller than during a job (see startWorkerHost).
    if (this.isolation === 'process' && options.threads !== 'main') startWorkerHost(this.niceness)
  }

  /**
   * Runs one job. Never throws for a failed step: the report says which step failed and why, and a
   * `job-failed` event is raised; a registered version that fails later is marked FAILED.
   * @throws {ConfigError} when the job's family has no plan.
   */
  async run(job: TrainingJob): Promise<JobReport> {
    const plan = this.options.families[job.family]
    if (plan === undefined) {
      throw new ConfigError(
        `No training plan for family "${job.family}" (known: ${Object.keys(this.options.families).join(', ')})`,
      )
    }
    const emit = this.options.onEvent ?? (() => {})
    emit({ type: 'job-started', family: job.family, reason: job.reason })
    if (isRlPlan(plan)) {
      return runRlJob(job, plan, { lifecycle: this.options.lifecycle, emit, codeVersion: this.options.codeVersion })
    }
    const timings: Partial<Record<JobStep | 'total', number>> = {}
    const t0 = performance.now()
    let step: JobStep = 'data'
    let id: string | undefined
    const time = async <T>(s: JobStep, fn: () => Promise<T>): Promise<T> => {
      step = s
      const t = performance.now()
      const out = await fn()
      timings[s] = performance.now() - t
      return out
    }
    try {
      const prepared = await time('data', () => this.prepare(job.family, plan))
      const trained = await time('train', () =>
        plan.adapter.train({
          family: job.family,
          train: prepared.train,
          validation: prepared.validation,
          features: prepared.features,
          classCount: 3,
          params: plan.params ?? {},
          timeoutMs: plan.timeoutMs ?? 600_000,
          niceness: this.niceness,
          isolation: this.isolation,
          ...(prepared.sequences === undefined ? {} : { sequences: prepared.sequences }),
        }),
      )
      const version = await time('register', () => this.register(job.family, plan, { prepared, trained }))
      id = version.id
      const evaluation = await time('evaluate', () => this.evaluate(job.family, plan, { prepared, id: version.id }))
      const final = await this.options.lifecycle.recordEvaluation(version.id, {
        candidate: evaluation.decision.candidate,
        reasons: evaluation.decision.reasons,
        metrics: {
          logLoss: evaluation.skill.candidate.logLoss,
          accuracy: evaluation.skill.candidate.accuracy,
          priorLogLoss: evaluation.skill.prior.logLoss,
          ...(evaluation.skill.production === undefined
            ? {}
            : { productionLogLoss: evaluation.skill.production.logLoss }),
          ...(evaluation.backtest === undefined
            ? {}
            : { sharpe: evaluation.backtest.candidate.sharpe, trades: evaluation.backtest.candidate.trades }),
        },
      })
      timings.total = performance.now() - t0
      emit({ type: 'job-done', family: job.family, id: final.id, stage: final.stage })
      return { family: job.family, id: final.id, stage: final.stage, timings, evaluation }
    } catch (error) {
      const failure = { step, error: message(error) }
      emit({ type: 'job-failed', family: job.family, ...failure })
      if (id !== undefined) await this.options.lifecycle.fail(id, `${step}: ${failure.error}`).catch(() => undefined)
      timings.total = performance.now() - t0
      return { family: job.family, ...(id === undefined ? {} : { id, stage: 'FAILED' }), timings, failure }
    }
  }

  private get threads(): 'worker' | 'main' {
    return this.options.threads ?? 'worker'
  }

  private get niceness(): number {
    return this.options.niceness ?? BACKGROUND_NICENESS
  }

  /** Runs the strategy's backtests in a worker thread, when it is a module and jobs use workers. */
  private strategyRunner(bt: EvaluationBacktest | undefined, timeoutMs: number): Pick<EvaluateOptions, 'runStrategy'> {
    if (bt === undefined || this.threads === 'main') return {}
    const strategy = bt.strategy
    if (!isStrategyModule(strategy)) return {}
    return {
      runStrategy: (model, window) =>
        runJobTask(
          {
            op: 'backtest',
            input: {
              strategy,
              model,
              window,
              baseDir: bt.baseDir,
              ...(bt.cacheDir === undefined ? {} : { cacheDir: bt.cacheDir }),
            },
          },
          { threads: 'worker', timeoutMs, niceness: this.niceness, isolation: this.isolation },
        ),
    }
  }

  private async prepare(family: string, plan: FamilyPlan): Promise<PreparedJob> {
    const data = await plan.data()
    // The plan's series stay the caller's: a worker thread gets copies it owns, moved rather than cloned
    // (a process gets them copied over IPC anyway).
    const { histories, transfer } =
      this.threads === 'worker' && this.isolation === 'thread'
        ? transferableHistories(data)
        : { histories: data, transfer: undefined }
    return runJobTask(
      {
        op: 'prepare',
        input: {
          histories,
          label: plan.label,
          window: windowOf(modelFamilyOf(family, plan), plan),
          ...(plan.features === undefined ? {} : { features: plan.features }),
          ...(plan.splits === undefined ? {} : { splits: plan.splits }),
        },
      },
      {
        threads: this.threads,
        timeoutMs: plan.timeoutMs ?? 600_000,
        niceness: this.niceness,
        isolation: this.isolation,
        transfer,
      },
    )
  }

  private async register(
    family: string,
    plan: FamilyPlan,
    input: {
      prepared: PreparedJob
      trained: Awaited<ReturnType<TrainingAdapter['train']>>
    },
  ) {
    const { prepared, trained } = input
    const train = prepared.train
    const modelFamily = modelFamilyOf(family, plan)
    const from = new Date(train.time[0] ?? 0).toISOString()
    const to = new Date(train.time.at(-1) ?? 0).toISOString()
    const metadata = gbdtMetadata({
      name: family,
      version: new Date().toISOString(),
      family: modelFamily,
      window: windowOf(modelFamily, plan),
      ...(prepared.sequences === undefined ? {} : { normalization: prepared.sequences.normalization }),
      features: prepared.features,
      data: [...plan.sources],
      from,
      to,
      label: describeLabel(plan.label),
    })
    return this.options.lifecycle.register({
      family,
      model: trained.onnx,
      metadata,
      lineage: {
        dataFrom: from,
        dataTo: to,
        data: [...plan.sources],
        features: [...prepared.features],
        label: describeLabel(plan.label),
        trainer: trained.trainer,
        params: { ...trained.params },
        codeVersion: this.options.codeVersion ?? '@quantum/clm',
      },
    })
  }

  private async evaluate(
    family: string,
    plan: FamilyPlan,
    input: { prepared: PreparedJob; id: string },
  ): Promise<EvaluationReport> {
    const dir = await mkdtemp(join(tmpdir(), 'qt-clm-eval-'))
    try {
      const { lifecycle } = this.options
      const metaFamily = modelFamilyOf(family, plan)
      const candidate = await lifecycle.materialize(input.id, dir)
      const prod = await lifecycle.production(family)
      const production = prod === undefined ? undefined : await lifecycle.materialize(prod.id, dir)
      const { test, train, features, sequences } = input.prepared
      const timeoutMs = plan.timeoutMs ?? 600_000
      return await evaluateCandidate({
        candidate: { path: candidate.path, family: metaFamily },
        ...(production === undefined ? {} : { production: { path: production.path, family: metaFamily } }),
        test: { ...test, features },
        trainLabels: train.labels,
        ...(sequences === undefined
          ? {}
          : {
              windows: {
                matrix: { values: sequences.values, columns: sequences.columns, window: sequences.window },
                ends: sequences.testEnds,
              },
            }),
        score: (path, rows, windows) =>
          runJobTask(
            { op: 'score', input: { path, rows, ...(windows === undefined ? {} : { windows }) } },
            { threads: this.threads, timeoutMs, niceness: this.niceness, isolation: this.isolation },
          ),
        ...(plan.backtest === undefined ? {} : { backtest: plan.backtest }),
        ...this.strategyRunner(plan.backtest, timeoutMs),
        ...(plan.gates === undefined ? {} : { gates: plan.gates }),
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
}
