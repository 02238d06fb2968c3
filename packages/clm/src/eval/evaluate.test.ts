import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { xgboostAgent } from '@quantum/agents'
import {
  ModelError,
  QuantumConfigSchema,
  fixedNotional,
  generateCandles,
  runBacktest,
  writeCandlesCsv,
  type BacktestSummary,
  type QuantumConfigInput,
} from '@quantum/core'
import { atrStopTarget } from '@quantum/exit-brain'
import { afterAll, describe, expect, it } from 'vitest'
import { buildDataset } from '../data/dataset.js'
import { DEFAULT_LABEL } from '../data/labels.js'
import { planSplits, splitDataset } from '../data/splits.js'
import { gbdtMetadata } from '../gbdt/metadata.js'
import { gbdtToOnnx } from '../gbdt/model.js'
import { syntheticRows } from '../gbdt/synthetic.test-helpers.js'
import { trainGbdt, type GbdtModel, type LabelledMatrix } from '../gbdt/train.js'
import { DEFAULT_LABEL as LABEL } from '../data/labels.js'
import { Orchestrator } from '../pipeline/orchestrator.js'
import { ModelLifecycle } from '../registry/lifecycle.js'
import { openFileRegistry } from '../registry/file-registry.js'
import { runJobTask } from '../worker/job-tasks.js'
import { evaluateCandidate, type ModelRef, type StrategyModule } from './evaluate.js'

const dir = await mkdtemp(join(tmpdir(), 'clm-eval-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

async function save(name: string, model: GbdtModel, features: readonly string[]): Promise<ModelRef> {
  const path = join(dir, `${name}.onnx`)
  await writeFile(path, gbdtToOnnx(model))
  const meta = gbdtMetadata({
    name,
    version: '1',
    features,
    data: ['synthetic'],
    from: '2024-01-01',
    to: '2024-06-01',
    label: 'rule',
  })
  await writeFile(join(dir, `${name}.meta.json`), JSON.stringify(meta))
  return { path, family: 'xgboost' }
}

const FEATURES = ['a', 'b', 'c', 'd', 'e']
const shuffled = (m: LabelledMatrix, seed: number): LabelledMatrix => {
  const labels = m.labels.slice()
  let s = seed
  for (let i = labels.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648
    const j = s % (i + 1)
    ;[labels[i], labels[j]] = [labels[j]!, labels[i]!]
  }
  return { ...m, labels }
}

describe('evaluateCandidate (skill)', () => {
  const train = syntheticRows(3000, { seed: 31, nanShare: 0 })
  const t = syntheticRows(1500, { seed: 32, nanShare: 0 })
  const test = { ...t, features: FEATURES, time: Float64Array.from({ length: t.rows }, (_, i) => 1e12 + i * 3.6e6) }
  const strong = trainGbdt({ train, classCount: 3, params: { rounds: 60, maxDepth: 4 } })
  const weak = trainGbdt({ train, classCount: 3, params: { rounds: 3, maxDepth: 1 } })
  const noise = trainGbdt({ train: shuffled(train, 7), classCount: 3, params: { rounds: 60, maxDepth: 6 } })

  it('makes a model that beats the prior and production a candidate, with every skill metric', async () => {
    const report = await evaluateCandidate({
      candidate: await save('strong', strong, FEATURES),
      production: await save('weak', weak, FEATURES),
      test,
      trainLabels: train.labels,
    })
    expect(report.decision).toMatchObject({ candidate: true, reasons: [] })
    expect(report.skill.candidate.logLoss).toBeLessThan(report.skill.production!.logLoss)
    expect(report.skill.candidate.logLoss).toBeLessThan(report.skill.prior.logLoss)
    expect(report.skill.candidate.accuracy).toBeGreaterThan(report.skill.majority.accuracy)
    expect(report.skill.candidate.brier).toBeLessThan(report.skill.prior.brier)
    expect(report.skill.candidate.calibration.reduce((s, b) => s + b.rows, 0)).toBe(test.rows)
    expect(report.window.rows).toBe(test.rows)
  })

  it('never makes a model that does not beat the class prior a candidate', async () => {
    const report = await evaluateCandidate({
      candidate: await save('noise', noise, FEATURES),
      test,
      trainLabels: train.labels,
    })
    expect(report.decision.candidate).toBe(false)
    expect(report.decision.reasons.join('\n')).toMatch(/beats-prior \(log-loss\): [\d.]+ is not < [\d.]+/)
  })

  it('never makes a model that does not beat production a candidate', async () => {
    const ref = await save('strong2', strong, FEATURES)
    const report = await evaluateCandidate({ candidate: ref, production: ref, test, trainLabels: train.labels })
    expect(report.decision.candidate).toBe(false)
    expect(report.decision.reasons).toHaveLength(1)
    expect(report.decision.reasons[0]).toMatch(/^beats-production/)
  })

  it('refuses a corrupt candidate file with a ModelError naming it', async () => {
    const ref = await save('corrupt', strong, FEATURES)
    await writeFile(ref.path, 'not an onnx model')
    const run = evaluateCandidate({ candidate: ref, test, trainLabels: train.labels })
    await expect(run).rejects.toThrow(ModelError)
    await expect(run).rejects.toThrow(/corrupt\.onnx/)
  })
})

describe('evaluateCandidate (backtest through the engine)', () => {
  it('backtests the strategy with the candidate swapped in over the evaluation window and gates on it', async () => {
    const HOUR = 3_600_000
    const series = generateCandles({
      bars: 24 * 200,
      seed: 9,
      symbol: 'BTCUSDT',
      startTime: Date.UTC(2024, 0, 1),
      timeframeMs: HOUR,
      sigma: 0.012,
    })
    const csv = join(dir, 'BTCUSDT-1h.csv')
    await writeCandlesCsv(series, csv)
    const ds = buildDataset([series], { label: DEFAULT_LABEL })
    const end = series.openTime.at(-1)! + HOUR
    const splits = splitDataset(ds, planSplits(ds, { end, testDays: 30, validationDays: 30 }))
    const model = trainGbdt({
      train: splits.train,
      validation: splits.validation,
      classCount: 3,
      params: { rounds: 40 },
    })
    const candidate = await save('bt', model, ds.features)
    const strategy = (m: ModelRef): QuantumConfigInput => ({
      name: 'eval',
      data: { candles: csv, cache: false },
      exchange: { balance: 10_000, precision: 'none' },
      plugins: [
        xgboostAgent({ model: m.path }),
        fixedNotional({ notional: 1000, leverage: 2 }),
        atrStopTarget({ period: 14, stopAtr: 2, targetAtr: 3 }),
      ],
    })
    const test = { ...splits.test, features: ds.features }
    const report = await evaluateCandidate({
      candidate,
      test,
      trainLabels: splits.train.labels,
      backtest: { strategy, baseDir: dir },
    })
    const direct = await runBacktest(
      {
        ...QuantumConfigSchema.parse(strategy(candidate)),
        data: { candles: csv, cache: false, from: test.time[0]!, to: test.time.at(-1)! + 1 },
      },
      { baseDir: dir },
    )
    expect(report.backtest!.candidate.trades).toBe(direct.summary.trades)
    expect(report.backtest!.candidate.pnl).toBe(direct.summary.pnl)
    expect(report.backtest!.candidate.trades).toBeGreaterThan(0)
    expect(report.backtest!.candidate.from).toBe(new Date(test.time[0]!).toISOString())
    const trades = report.decision.gates.find((g) => g.name === 'trades')!
    expect(trades.value).toBe(direct.summary.trades)
    expect(report.decision.gates.map((g) => g.name)).toEqual([
      'beats-prior (log-loss)',
      'sharpe',
      'win-rate',
      'profit-factor',
      'max-drawdown',
      'trades',
    ])
  })
})

/** A summary without what depends on where and how fast it ran (the thread in the name, the timings). */
const comparable = (s: BacktestSummary) => ({ ...s, name: '', durationMs: 0, barsPerSecond: 0 })

describe('evaluateCandidate (backtest in a worker thread)', () => {
  const HOUR = 3_600_000
  const series = generateCandles({
    bars: 24 * 200,
    seed: 11,
    symbol: 'BTCUSDT',
    startTime: Date.UTC(2024, 0, 1),
    timeframeMs: HOUR,
    sigma: 0.012,
  })
  const strategy: StrategyModule = {
    module: fileURLToPath(new URL('../../test/fixtures/eval-strategy.ts', import.meta.url)),
  }

  it('gives the same summaries as the backtest in this thread, built from the same strategy module', async () => {
    const base = await mkdtemp(join(dir, 'worker-bt-'))
    await writeCandlesCsv(series, join(base, 'BTCUSDT-1h.csv'))
    const ds = buildDataset([series], { label: DEFAULT_LABEL })
    const end = series.openTime.at(-1)! + HOUR
    const splits = splitDataset(ds, planSplits(ds, { end, testDays: 30, validationDays: 30 }))
    // No early stopping: on a random walk it would keep a constant model, and both would trade alike.
    const fit = (train: LabelledMatrix) => trainGbdt({ train, classCount: 3, params: { rounds: 40 } })
    const candidate = await save('wbt-c', fit(splits.train), ds.features)
    const production = await save('wbt-p', fit(shuffled(splits.train, 5)), ds.features) // another model
    const options = {
      candidate,
      production,
      test: { ...splits.test, features: ds.features },
      trainLabels: splits.train.labels,
      backtest: { strategy, baseDir: base },
    }
    const here = await evaluateCandidate(options)
    const inWorker = await evaluateCandidate({
      ...options,
      runStrategy: (model, window) =>
        runJobTask(
          { op: 'backtest', input: { strategy, model, window, baseDir: base } },
          { threads: 'worker', timeoutMs: 120_000 },
        ),
    })
    expect(here.backtest!.candidate.name).toBe('eval-main')
    expect(inWorker.backtest!.candidate.name).toBe('eval-worker')
    const unnamed = (r: typeof here) => ({
      candidate: comparable(r.backtest!.candidate),
      production: comparable(r.backtest!.production!),
    })
    expect(unnamed(inWorker)).toEqual(unnamed(here))
    expect(inWorker.backtest!.candidate.trades).toBeGreaterThan(0)
    expect(inWorker.backtest!.candidate.pnl).not.toBe(inWorker.backtest!.production!.pnl)
    expect(inWorker.decision).toEqual(here.decision)
  })

  it('is where the orchestrator runs the backtest of a strategy module (a function stays on its thread)', async () => {
    const base = await mkdtemp(join(dir, 'orch-bt-'))
    await writeCandlesCsv(series, join(base, 'BTCUSDT-1h.csv'))
    const lifecycle = new ModelLifecycle(await openFileRegistry({ dir: join(base, 'registry'), create: true }))
    const plan = {
      adapter: {
        name: 'gbdt-here',
        train: (r: { train: LabelledMatrix }) =>
          Promise.resolve({
            onnx: gbdtToOnnx(trainGbdt({ train: r.train, classCount: 3, params: { rounds: 20 } })),
            trainer: 'gbdt',
            params: { rounds: 20 },
          }),
      },
      data: () => Promise.resolve([series]),
      sources: ['BTCUSDT 1h'],
      label: LABEL,
      splits: { testDays: 30, validationDays: 30 },
    }
    const job = { family: 'xgboost', reason: 'manual' as const, requestedAt: 0 }
    const { default: factory } = (await import(strategy.module)) as { default: (m: ModelRef) => QuantumConfigInput }
    const worker = await new Orchestrator({
      lifecycle,
      families: { xgboost: { ...plan, backtest: { strategy, baseDir: base } } },
    }).run(job)
    const here = await new Orchestrator({
      lifecycle,
      families: { xgboost: { ...plan, backtest: { strategy: factory, baseDir: base } } },
    }).run(job)
    expect(worker.failure).toBeUndefined()
    expect(worker.evaluation!.backtest!.candidate.name).toBe('eval-worker')
    expect(here.evaluation!.backtest!.candidate.name).toBe('eval-main')
    expect(comparable(worker.evaluation!.backtest!.candidate)).toEqual(comparable(here.evaluation!.backtest!.candidate))
    expect(worker.evaluation!.decision).toEqual(here.evaluation!.decision)
  })
})
