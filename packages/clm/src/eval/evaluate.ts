/**
 * Out-of-time evaluation of a candidate model file against the production model and the baselines on
 * the most recent window (the test split), plus a backtest of the user's strategy with the candidate
 * swapped in, run by the SDK's own engine (`runBacktest`), and the promotion decision.
 *
 * A strategy given as a module ({@link StrategyModule}) can be backtested in a worker thread (the
 * orchestrator does so): the worker imports the module and builds the strategy there, since a factory
 * function and the plugins it returns cannot cross threads. A strategy given as a function runs on the
 * calling thread.
 * @packageDocumentation
 */
import { pathToFileURL } from 'node:url'
import type { ModelFamily } from '@quantum/agents'
import {
  ConfigError,
  QuantumConfigSchema,
  parseOrThrow,
  runBacktest,
  type BacktestSummary,
  type QuantumConfigInput,
} from '@quantum/core'
import { decidePromotion, type PromotionDecision, type PromotionGates, type SkillComparison } from './gates.js'
import { classPrior, constantProbabilities, majorityProbabilities, skillMetrics } from './metrics.js'
import type { Probabilities } from './metrics.js'
import { scoreOnnxModel, type NamedRows, type WindowRows } from './score-model.js'

/** A model file the strategy can be built around. */
export interface ModelRef {
  /** The `.onnx` file (its `.meta.json` beside it). */
  readonly path: string
  /** Its family. */
  readonly family: ModelFamily
}

/**
 * The user's strategy as a function of the model it runs: called once per evaluated model (fresh
 * plugins each time), it returns the config to backtest, e.g. `(m) => ({ ...base, plugins: [xgboostAgent({ model: m.path }), …] })`.
 */
export type StrategyFactory = (model: ModelRef) => QuantumConfigInput | Promise<QuantumConfigInput>

/**
 * The user's strategy as a module: a file whose export `export` is a {@link StrategyFactory}. Loaded by
 * `import()` where the backtest runs (a worker thread under the orchestrator), so the backtest does not
 * run on the thread that serves decisions. A `.ts` module needs tsx (or the sources) as the SDK's own.
 */
export interface StrategyModule {
  /** Absolute path (or `file:` URL) of the module. */
  readonly module: string
  /** Name of the export. @default 'default' */
  readonly export?: string
}

/** The backtest part of {@link EvaluateOptions}. */
export interface EvaluationBacktest {
  /**
   * The user's strategy: a module (backtested in a worker thread by the orchestrator) or a function
   * (backtested on the calling thread).
   */
  readonly strategy: StrategyFactory | StrategyModule
  /** Folder the strategy's relative data paths resolve against. */
  readonly baseDir: string
  /** Folder of the binary candle cache. @default runBacktest's */
  readonly cacheDir?: string
}

/** Options of {@link evaluateCandidate}. */
export interface EvaluateOptions {
  /** The candidate model file. */
  readonly candidate: ModelRef
  /** The production model file, when there is one. */
  readonly production?: ModelRef
  /** The evaluation rows (the test split: the most recent window), with feature names. */
  readonly test: NamedRows & { readonly labels: Uint8Array; readonly time: Float64Array }
  /** Labels of the training rows (the class-prior baseline). */
  readonly trainLabels: Uint8Array
  /** Backtest the strategy with the candidate (and the production model) over the test window. */
  readonly backtest?: EvaluationBacktest
  /** Trading gates. @default DEFAULT_PROMOTION_GATES */
  readonly gates?: PromotionGates
  /** The windows of the test rows, for window models (N-HiTS, PatchTST). */
  readonly windows?: WindowRows
  /**
   * Scores a model file on the rows. The orchestrator passes one that runs in a worker thread.
   * @default scoreOnnxModel, in this thread
   */
  readonly score?: (path: string, rows: NamedRows, windows?: WindowRows) => Promise<Probabilities>
  /**
   * Backtests the strategy with a model over the window. The orchestrator passes one that runs in a
   * worker thread when the strategy is a module.
   * @default {@link backtestWithModel}, in this thread
   */
  readonly runStrategy?: (model: ModelRef, window: BacktestWindow) => Promise<BacktestSummary>
}

/** The window of an evaluation backtest: bars with `from <= open time < to` (epoch ms). */
export interface BacktestWindow {
  readonly from: number
  readonly to: number
}

/** What {@link evaluateCandidate} found. */
export interface EvaluationReport {
  /** First and last bar time of the evaluation rows (ISO). */
  readonly window: { readonly from: string; readonly to: string; readonly rows: number }
  /** Skill of the candidate, the production model and the baselines. */
  readonly skill: SkillComparison
  /** Backtest summaries over the window, when a strategy was given. */
  readonly backtest?: { readonly candidate: BacktestSummary; readonly production?: BacktestSummary }
  /** The promotion decision. */
  readonly decision: PromotionDecision
}

/** Whether a strategy is given as a module. */
export function isStrategyModule(strategy: EvaluationBacktest['strategy']): strategy is StrategyModule {
  return typeof strategy === 'object' && strategy !== null && typeof strategy.module === 'string'
}

/**
 * The factory a strategy module exports.
 * @throws {ConfigError} when the module cannot be imported or its export is not a function.
 */
export async function loadStrategyModule(strategy: StrategyModule): Promise<StrategyFactory> {
  const url = strategy.module.startsWith('file:') ? strategy.module : pathToFileURL(strategy.module).href
  const name = strategy.export ?? 'default'
  let mod: Record<string, unknown>
  try {
    mod = (await import(url)) as Record<string, unknown>
  } catch (cause) {
    throw new ConfigError(`cannot import the strategy module ${strategy.module}: ${String(cause)}`, [], { cause })
  }
  const factory = mod[name]
  if (typeof factory !== 'function')
    throw new ConfigError(`the strategy module ${strategy.module} has no function export "${name}"`)
  return factory as StrategyFactory
}

/**
 * Backtests the strategy with `model` over `window` in this thread, through the SDK's engine.
 * @throws {ConfigError} when the strategy's config is invalid or its module cannot be loaded.
 * @example const summary = await backtestWithModel(candidate, { strategy, baseDir }, { from, to })
 */
export async function backtestWithModel(
  model: ModelRef,
  bt: EvaluationBacktest,
  window: BacktestWindow,
): Promise<BacktestSummary> {
  const factory = isStrategyModule(bt.strategy) ? await loadStrategyModule(bt.strategy) : bt.strategy
  const input = await factory(model)
  const config = parseOrThrow(QuantumConfigSchema, input, { what: `strategy config for ${model.path}` })
  const data = { ...config.data, from: window.from, to: window.to }
  const run = await runBacktest(
    { ...config, data },
    { baseDir: bt.baseDir, ...(bt.cacheDir === undefined ? {} : { cacheDir: bt.cacheDir }) },
  )
  return run.summary
}

/**
 * Scores the candidate and the production model on the evaluation rows, compares them with the
 * baselines, backtests the strategy with each over the same window, and decides.
 * @throws {ModelError} when a model file or its metadata is missing or corrupt.
 * @example const report = await evaluateCandidate({ candidate, production, test, trainLabels, backtest })
 */
export async function evaluateCandidate(options: EvaluateOptions): Promise<EvaluationReport> {
  const { test } = options
  const prior = classPrior(options.trainLabels, 3)
  const score = options.score ?? scoreOnnxModel
  const candidate = skillMetrics(await score(options.candidate.path, test, options.windows), test.labels)
  const production =
    options.production === undefined
      ? undefined
      : skillMetrics(await score(options.production.path, test, options.windows), test.labels)
  const skill: SkillComparison = {
    candidate,
    ...(production === undefined ? {} : { production }),
    prior: skillMetrics(constantProbabilities(prior, test.rows), test.labels),
    majority: skillMetrics(majorityProbabilities(prior, test.rows), test.labels),
  }
  const from = test.time[0] ?? 0
  const to = (test.time.at(-1) ?? 0) + 1
  let backtest: EvaluationReport['backtest']
  if (options.backtest !== undefined) {
    const bt = options.backtest
    const run = options.runStrategy ?? ((model, window) => backtestWithModel(model, bt, window))
    const c = await run(options.candidate, { from, to })
    const p = options.production === undefined ? undefined : await run(options.production, { from, to })
    backtest = { candidate: c, ...(p === undefined ? {} : { production: p }) }
  }
  const decision = decidePromotion({
    skill,
    ...(backtest === undefined ? {} : { backtest: backtest.candidate }),
    ...(options.gates === undefined ? {} : { gates: options.gates }),
  })
  return {
    window: { from: new Date(from).toISOString(), to: new Date(to - 1).toISOString(), rows: test.rows },
    skill,
    ...(backtest === undefined ? {} : { backtest }),
    decision,
  }
}
