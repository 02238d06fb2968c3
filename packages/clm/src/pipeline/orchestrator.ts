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
import { ConfigError, type CandleSeries } from '@quantum/core'
import { buildDataset } from '../data/dataset.js'
import { describeLabel, type LabelSpec } from '../data/labels.js'
import { planSplits, splitDataset, type PlanSplitsOptions } from '../data/splits.js'
import { evaluateCandidate, type EvaluationBacktest, type EvaluationReport } from '../eval/evaluate.js'
import type { PromotionGates } from '../eval/gates.js'
import { gbdtMetadata } from '../gbdt/metadata.js'
import type { ModelLifecycle } from '../registry/lifecycle.js'
import type { TrainingAdapter } from './adapter.js'
import type { TrainingJob } from './queue.js'

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
  /** Backtest of the user's strategy with the candidate swapped in. */
  readonly backtest?: EvaluationBacktest
  /** Trading gates. @default the seed's */
  readonly gates?: PromotionGates
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
  readonly families: Readonly<Record<string, FamilyPlan>>
  /** Code version for the lineage. @default '@quantum/clm' */
  readonly codeVersion?: string
  /** Job events. */
  readonly onEvent?: (e: JobEvent) => void
}

function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

/** Runs training jobs (see the module docs). */
export class Orchestrator {
  constructor(private readonly options: OrchestratorOptions) {}

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
      const prepared = await time('data', () => this.prepare(plan))
      const trained = await time('train', () =>
        plan.adapter.train({
          family: job.family,
          train: prepared.splits.train,
          validation: prepared.splits.validation,
          features: prepared.features,
          classCount: 3,
          params: plan.params ?? {},
          timeoutMs: plan.timeoutMs ?? 600_000,
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

  private async prepare(plan: FamilyPlan) {
    const histories = await plan.data()
    const ds = buildDataset(histories, {
      label: plan.label,
      ...(plan.features === undefined ? {} : { features: plan.features }),
    })
    const end = Math.max(...histories.map((h) => h.openTime.at(-1) ?? 0)) + ds.timeframeMs
    const splits = splitDataset(ds, planSplits(ds, { ...plan.splits, end }))
    return { ds, splits, features: ds.features }
  }

  private async register(
    family: string,
    plan: FamilyPlan,
    input: {
      prepared: Awaited<ReturnType<Orchestrator['prepare']>>
      trained: Awaited<ReturnType<TrainingAdapter['train']>>
    },
  ) {
    const { prepared, trained } = input
    const train = prepared.splits.train
    const from = new Date(train.time[0] ?? 0).toISOString()
    const to = new Date(train.time.at(-1) ?? 0).toISOString()
    const metadata = gbdtMetadata({
      name: family,
      version: new Date().toISOString(),
      family: family === 'lightgbm' ? 'lightgbm' : 'xgboost',
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
    input: { prepared: Awaited<ReturnType<Orchestrator['prepare']>>; id: string },
  ): Promise<EvaluationReport> {
    const dir = await mkdtemp(join(tmpdir(), 'qt-clm-eval-'))
    try {
      const { lifecycle } = this.options
      const metaFamily = family === 'lightgbm' ? 'lightgbm' : 'xgboost'
      const candidate = await lifecycle.materialize(input.id, dir)
      const prod = await lifecycle.production(family)
      const production = prod === undefined ? undefined : await lifecycle.materialize(prod.id, dir)
      const { splits, features } = input.prepared
      return await evaluateCandidate({
        candidate: { path: candidate.path, family: metaFamily },
        ...(production === undefined ? {} : { production: { path: production.path, family: metaFamily } }),
        test: { ...splits.test, features },
        trainLabels: splits.train.labels,
        ...(plan.backtest === undefined ? {} : { backtest: plan.backtest }),
        ...(plan.gates === undefined ? {} : { gates: plan.gates }),
      })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
}
