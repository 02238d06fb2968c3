import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  ConfigError,
  ModelError,
  createPaperExchange,
  fixedNotional,
  generateCandles,
  marketBarAt,
  runEngine,
  sliceSeries,
} from '@quantum/core'
import type { CandleSeries, EngineEvent, QuantumPlugin, Signal } from '@quantum/core'
import { describe, expect, it, vi } from 'vitest'
import { STANDARD_FEATURES, StandardFeatureStream } from '../features/standard-features.js'
import { ModelRegistry, modelRegistryFor } from '../models/model-registry.js'
import { ModelSession, openModelSession } from '../models/model-session.js'
import { fakeContext, recordingLogger, writeTinyModel } from '../models/test-helpers.js'
import { modelAgent, nhitsAgent, patchtstAgent, xgboostAgent } from './model-agent.js'

const series = generateCandles({ bars: 700, seed: 7, symbol: 'TESTUSDT', timeframeMs: 3_600_000 })

async function backtest(plugins: QuantumPlugin[], s: CandleSeries = series, blockRows?: number) {
  const exchange = createPaperExchange({
    balance: 10_000,
    instruments: { [s.symbol]: { tickSize: 0.01, stepSize: 0.001, minNotional: 5 } },
  })
  const events: EngineEvent[] = []
  const output = await runEngine({
    series: [s],
    exchange,
    plugins,
    onEvent: (e) => events.push(e),
    ...(blockRows === undefined ? {} : { blockRows }),
  })
  const signals = events.flatMap((e) => (e.type === 'signal' ? [e.signal] : []))
  return { output, signals }
}

/** Independent reference: features bar by bar, normalised, one `predict` per bar (batch of 1). */
async function rowByRow(path: string, s: CandleSeries): Promise<(Float32Array | undefined)[]> {
  const session = await openModelSession(path)
  const { window, features, mean, std } = session
  const columns = session.metadata.features.map((f) => (STANDARD_FEATURES as readonly string[]).indexOf(f))
  const stream = new StandardFeatureStream()
  const rows: Float32Array[] = []
  const out: (Float32Array | undefined)[] = []
  for (let i = 0; i < s.close.length; i++) {
    const raw = stream.update(s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!)
    const row = Float32Array.from(columns, (c, j) => (Math.fround(raw[c]!) - mean[j]!) / std[j]!)
    rows.push(row)
    const win = rows.slice(Math.max(0, rows.length - window))
    if (win.length < window || win.some((r) => r.some((x) => Number.isNaN(x)))) {
      out.push(undefined)
      continue
    }
    const input = new Float32Array(window * features)
    win.forEach((r, k) => input.set(r, k * features))
    out.push(await session.predict(input, 1))
  }
  await session.release()
  return out
}

function expectSignalsMatch(signals: readonly Signal[], reference: readonly (Float32Array | undefined)[]): void {
  const byTime = new Map(signals.map((s) => [s.time, s]))
  expect(signals).toHaveLength(reference.filter((r) => r !== undefined).length)
  reference.forEach((probs, i) => {
    const signal = byTime.get(series.openTime[i]!)
    if (probs === undefined) return expect(signal).toBeUndefined()
    expect(signal).toBeDefined()
    const p = signal!.probabilities!
    expect(Math.abs(p.SELL - probs[0]!)).toBeLessThan(1e-6)
    expect(Math.abs(p.HOLD - probs[1]!)).toBeLessThan(1e-6)
    expect(Math.abs(p.BUY - probs[2]!)).toBeLessThan(1e-6)
    expect(signal!.confidence).toBe(Math.max(p.SELL, p.HOLD, p.BUY))
  })
}

describe('model agents in a backtest', () => {
  it('should be deterministic and equal to row-by-row predictions (tabular)', async () => {
    const path = writeTinyModel({ family: 'xgboost', seed: 4, version: '3.1.0' })
    const a = await backtest([xgboostAgent({ model: path }), fixedNotional({ notional: 500 })])
    const b = await backtest([xgboostAgent({ model: path }), fixedNotional({ notional: 500 })])
    expect(b.signals).toEqual(a.signals)
    expect(b.output.trades).toEqual(a.output.trades)
    expect(a.output.trades.length).toBeGreaterThan(0)
    expectSignalsMatch(a.signals, await rowByRow(path, series))
    expect(a.signals[0]!.time).toBe(series.openTime[64])
    expect(a.signals[0]!.meta).toMatchObject({ modelVersion: '3.1.0', family: 'xgboost' })
    expect(a.signals[0]!.agent).toBe('agents:xgboost')
  })

  it('should share one session between two agents on the same file within a run', async () => {
    const path = writeTinyModel({ family: 'xgboost' })
    const runs = vi.spyOn(ModelSession.prototype, 'predict')
    const { signals } = await backtest([
      xgboostAgent({ model: path }),
      modelAgent({ name: 'test:twin', model: path, family: 'xgboost' }),
    ])
    expect(new Set(runs.mock.contexts).size).toBe(1)
    expect((runs.mock.contexts[0] as ModelSession).released).toBe(true)
    runs.mockRestore()
    expect(signals.filter((s) => s.agent === 'test:twin')).toHaveLength(signals.length / 2)
  })

  it('should read the 120 rows ending at each bar for sequence models, batched or not', async () => {
    const path = writeTinyModel({ family: 'nhits', window: 120, seed: 8 })
    const { signals } = await backtest([nhitsAgent({ model: path, batchRows: 37 })])
    expect(signals[0]!.time).toBe(series.openTime[64 + 119])
    expectSignalsMatch(signals, await rowByRow(path, series))
  })

  it('should answer each bar from the bars up to it only: cut data and any block size give the same answers', async () => {
    const path = writeTinyModel({ family: 'nhits', window: 120, seed: 9 })
    const full = (await backtest([nhitsAgent({ model: path, batchRows: 50 })], series, 4096)).signals
    expect(full.length).toBeGreaterThan(400)
    const key = (s: Signal): string => `${s.time} ${s.action} ${s.confidence}`
    for (const [cut, blockRows] of [
      [250, 1],
      [401, 7],
      [555, 1024],
      [699, 100],
    ] as const) {
      const end = series.openTime[cut]!
      const partial = (await backtest([nhitsAgent({ model: path })], sliceSeries(series, undefined, end), blockRows))
        .signals
      expect(partial.map(key)).toEqual(full.filter((s) => s.time < end).map(key))
    }
  })

  it('should give no signal on bars whose features hold NaN (warm-up)', async () => {
    const path = writeTinyModel({ family: 'patchtst', window: 120 })
    const agent = patchtstAgent({ model: path })
    expect(agent.warmup).toBe(65 + 119)
    const { signals } = await backtest([agent])
    expect(signals).toHaveLength(series.close.length - (65 + 119) + 1)
  })

  it('should record a HOLD with confidence 0 and no trade when the model returns NaN', async () => {
    const logger = recordingLogger()
    const agent = modelAgent({ name: 'test:nan', model: writeTinyModel({ nan: true }), family: 'mlp' })
    const exchange = createPaperExchange({ balance: 10_000, instruments: { TESTUSDT: { minNotional: 5 } } })
    const events: EngineEvent[] = []
    const output = await runEngine({
      series: [series],
      exchange,
      logger,
      plugins: [agent, fixedNotional()],
      onEvent: (e) => events.push(e),
    })
    const signals = events.flatMap((e) => (e.type === 'signal' ? [e.signal] : []))
    expect(signals.length).toBeGreaterThan(600)
    expect(signals.every((s) => s.action === 'HOLD' && s.confidence === 0 && s.probabilities === undefined)).toBe(true)
    expect(signals[0]!.meta!.reason).toMatch(/non-finite/)
    expect(output.fills).toHaveLength(0)
    expect(agent.diagnostics().invalidOutputs).toBe(signals.length)
    expect(logger.warnings.filter((w) => w.includes('refused'))).toHaveLength(1)
  })

  it('should record a HOLD when the probabilities do not sum to 1', async () => {
    const agent = modelAgent({ name: 'test:raw', model: writeTinyModel({ noSoftmax: true }), family: 'mlp' })
    const { signals } = await backtest([agent])
    expect(signals.every((s) => s.action === 'HOLD' && s.confidence === 0)).toBe(true)
    expect(agent.diagnostics().lastInvalidReason).toMatch(/sum to|outside|non-finite/)
  })

  it('should refuse at setup a model whose metadata does not match the configuration', async () => {
    const path = writeTinyModel({ family: 'xgboost', features: STANDARD_FEATURES.slice(0, 5) })
    const error: unknown = await backtest([xgboostAgent({ model: path })]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ModelError)
    expect((error as ModelError).message).toMatch(/tiny\.onnx: features do not match \(model 5, configured 10\)/)
    const five = STANDARD_FEATURES.slice(0, 5)
    await expect(backtest([nhitsAgent({ model: path, features: five })])).rejects.toThrow(/family is xgboost/)
    await expect(backtest([xgboostAgent({ model: '/nonexistent/m.onnx' })])).rejects.toBeInstanceOf(ModelError)
  })

  it('should validate options with ConfigError', () => {
    expect(() => modelAgent({ model: 'm.onnx', family: 'xgboost', window: 5 })).toThrow(ConfigError)
    expect(() => xgboostAgent({ model: 'm.onnx', features: ['nope' as 'ret_1'] })).toThrow(ConfigError)
    expect(() => modelAgent({ name: 'Bad Name', model: 'm.onnx', family: 'mlp' })).toThrow(ConfigError)
    expect(nhitsAgent({ model: 'm.onnx' }).warmup).toBe(184)
  })
})

describe('model agents live', () => {
  const symbols = ['AAAUSDT', 'BBBUSDT', 'CCCUSDT']
  const multi = symbols.map((symbol, k) => generateCandles({ bars: 400, seed: 20 + k, symbol }))

  it('should share one session between two agents on the same file and release it on dispose', async () => {
    const path = writeTinyModel({ family: 'xgboost' })
    const ctx = fakeContext()
    const a = xgboostAgent({ model: path })
    const b = xgboostAgent({ model: path, minConfidence: 0.5 })
    await a.setup!(ctx)
    await b.setup!(ctx)
    expect(modelRegistryFor(ctx).stats()).toEqual([{ path, refs: 2 }])
    await a.dispose!()
    await b.dispose!()
    expect(modelRegistryFor(ctx).stats()).toEqual([])
  })

  it('should batch the symbols of a bar into one run and match the backtest answers', async () => {
    const path = writeTinyModel({ family: 'nhits', window: 120, seed: 5 })
    const registry = new ModelRegistry()
    const live = nhitsAgent({ model: path, registry })
    const ctx = fakeContext()
    await live.setup!(ctx)
    const runs = vi.spyOn(ModelSession.prototype, 'predict')
    const got = new Map<string, Signal[]>(symbols.map((s) => [s, []]))
    for (let i = 0; i < 400; i++) {
      const bars = multi.map((s) => marketBarAt(s, i))
      const answers = await Promise.all(bars.map((bar) => live.onBarAsync(bar, ctx)))
      bars.forEach((bar, k) => {
        if (answers[k] !== undefined) got.get(bar.symbol)!.push(answers[k])
      })
    }
    expect(runs).toHaveBeenCalledTimes(400 - 183)
    runs.mockRestore()
    await live.dispose!()
    for (const s of multi) {
      const { signals: expected } = await backtest([nhitsAgent({ model: path, registry })], s)
      const actual = got.get(s.symbol)!
      expect(actual).toHaveLength(expected.length)
      actual.forEach((sig, k) => expect(Math.abs(sig.confidence - expected[k]!.confidence)).toBeLessThan(1e-6))
    }
    expect(registry.stats()).toEqual([])
  })

  it('should keep deciding through a hot swap under load and release the old session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qt-agent-swap-'))
    const v1 = writeTinyModel({ dir, name: 'v1', family: 'xgboost', version: '1' })
    const v2 = writeTinyModel({ dir, name: 'v2', family: 'xgboost', version: '2', seed: 3 })
    const registry = new ModelRegistry()
    const agent = xgboostAgent({ model: v1, registry })
    const ctx = fakeContext()
    await agent.setup!(ctx)
    let swap: Promise<void> | undefined
    const versions = new Set<unknown>()
    for (let i = 0; i < 400; i++) {
      if (i === 200) swap = agent.swapModel(v2)
      if (i === 300) await swap // on a slow machine the load may outlast 100 bars
      const answers = await Promise.all(multi.map((s) => agent.onBarAsync(marketBarAt(s, i), ctx)))
      if (i >= 64) expect(answers.every((a) => a !== undefined && a.probabilities !== undefined)).toBe(true)
      answers.forEach((a) => versions.add(a?.meta?.modelVersion))
    }
    await swap
    expect(versions).toEqual(new Set([undefined, '1', '2']))
    expect(registry.stats()).toEqual([{ path: v2, refs: 1 }])
    expect(agent.diagnostics()).toMatchObject({ invalidOutputs: 0, unanswered: 0 })
    await agent.dispose!()
  })

  it('should normalise with the new model statistics after a swap, as a backtest on the new model does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qt-agent-renorm-'))
    const v1 = writeTinyModel({ dir, name: 'v1', family: 'nhits', window: 120 })
    const v2 = writeTinyModel({ dir, name: 'v2', family: 'nhits', window: 120, seed: 6, normScale: 3 })
    const registry = new ModelRegistry()
    const ctx = fakeContext()
    const live = nhitsAgent({ model: v1, registry })
    await live.setup!(ctx)
    const { signals } = await backtest([nhitsAgent({ model: v2, registry })])
    const reference = new Map(signals.map((sig) => [sig.time, sig]))
    for (let i = 0; i < 300; i++) await live.onBarAsync(marketBarAt(series, i), ctx)
    await live.swapModel(v2)
    for (let i = 300; i < series.close.length; i++) {
      const bar = marketBarAt(series, i)
      const got = await live.onBarAsync(bar, ctx)
      const want = reference.get(bar.openTime)
      expect(Math.abs(got!.probabilities!.BUY - want!.probabilities!.BUY)).toBeLessThan(1e-6)
    }
    await live.dispose!()
    expect(registry.stats()).toEqual([])
  })

  it('should give no opinion (counted, logged once) on a bar without onBlock or onBarAsync', async () => {
    const logger = recordingLogger()
    const agent = xgboostAgent({ model: writeTinyModel({ family: 'xgboost' }), registry: new ModelRegistry() })
    const ctx = fakeContext(logger)
    await agent.setup!(ctx)
    for (let i = 0; i < 100; i++) expect(agent.onBar(marketBarAt(series, i), ctx)).toBeUndefined()
    expect(agent.diagnostics().unanswered).toBe(100)
    expect(logger.warnings).toHaveLength(1)
    // The features stayed current: the pre-step answers at once.
    expect(await agent.onBarAsync(marketBarAt(series, 100), ctx)).toBeDefined()
    await agent.dispose!()
  })
})

const fixtures = fileURLToPath(new URL('../../test/fixtures/models/', import.meta.url))
const realModels = [
  ['nhits', join(fixtures, 'nhits_tiny.onnx')],
  ['patchtst', join(fixtures, 'patchtst_tiny.onnx')],
] as const

describe.skipIf(!realModels.every(([, p]) => existsSync(p)))('model agents on the torch fixture models', () => {
  it('should run N-HiTS and PatchTST fixtures in a backtest equal to row-by-row predictions', async () => {
    const short = generateCandles({ bars: 320, seed: 7, symbol: 'TESTUSDT', timeframeMs: 3_600_000 })
    for (const [family, path] of realModels) {
      const agent = family === 'nhits' ? nhitsAgent({ model: path }) : patchtstAgent({ model: path })
      const { signals } = await backtest([agent], short)
      const reference = await rowByRow(path, short)
      expect(signals).toHaveLength(reference.filter((r) => r !== undefined).length)
      signals.forEach((s, k) => {
        const probs = reference[64 + 119 + k]!
        expect(Math.abs(s.probabilities!.BUY - probs[2]!)).toBeLessThan(1e-6)
      })
    }
  })
})
