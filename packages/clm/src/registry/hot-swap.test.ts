/**
 * A promotion in the state-store registry reaches a running ONNX agent through the production watcher
 * (what `quantum-run` does for a config with a `clm` block): no restart, no bar without an answer.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { STANDARD_FEATURES, xgboostAgent } from '@quantum/agents'
import {
  ProductionWatcher,
  generateCandles,
  marketBarAt,
  silentLogger,
  type PluginContext,
  type StateStore,
} from '@quantum/core'
import { openSqliteStore } from '@quantum/store'
import { afterAll, describe, expect, it } from 'vitest'
import { gbdtMetadata } from '../gbdt/metadata.js'
import { gbdtToOnnx } from '../gbdt/model.js'
import { syntheticRows } from '../gbdt/synthetic.test-helpers.js'
import { trainGbdt } from '../gbdt/train.js'
import { ModelLifecycle } from './lifecycle.js'

const dir = await mkdtemp(join(tmpdir(), 'clm-hot-swap-'))
let store: StateStore | undefined
afterAll(async () => {
  await store?.close()
  await rm(dir, { recursive: true, force: true })
})

const FEATURES = STANDARD_FEATURES.slice(0, 5)
const ctx = { mode: 'paper', logger: silentLogger, bus: { emit: () => undefined } } as unknown as PluginContext

async function registerCandidate(l: ModelLifecycle, seed: number, version: string): Promise<string> {
  const model = trainGbdt({ train: syntheticRows(600, { seed }), classCount: 3, params: { rounds: 4 } })
  const metadata = gbdtMetadata({
    name: 'xgb',
    version,
    features: FEATURES,
    data: ['s'],
    from: '2024-01-01',
    to: '2024-06-01',
    label: 'l',
  })
  const lineage = {
    dataFrom: '2024-01-01T00:00:00Z',
    dataTo: '2024-06-01T00:00:00Z',
    data: ['synthetic'],
    features: [...FEATURES],
    label: 'rule',
    trainer: 'gbdt',
    params: { rounds: 4, seed },
    codeVersion: '@quantum/clm 0.1.0',
  }
  const v = await l.register({ family: 'xgboost', lineage, model: gbdtToOnnx(model), metadata })
  await l.recordEvaluation(v.id, { candidate: true, reasons: [] })
  return v.id
}

describe('a promotion reaching a running ONNX agent', () => {
  it('swaps the model between bars without a restart and without a bar left unanswered', async () => {
    store = await openSqliteStore(join(dir, 'state.db'))
    const lifecycle = new ModelLifecycle(store.models)
    const v1 = await registerCandidate(lifecycle, 1, '1')
    await lifecycle.promote(v1)
    const served = await lifecycle.materialize(v1, join(dir, 'serve'))
    const agent = xgboostAgent({ model: served.path, features: FEATURES })
    await agent.setup!(ctx)
    const watcher = new ProductionWatcher({
      lifecycle,
      families: ['xgboost'],
      dir: join(dir, 'serve'),
      onChange: (change) => agent.swapModel(change.files.path),
    })
    await watcher.baseline()
    const v2 = await registerCandidate(lifecycle, 2, '2')

    const series = generateCandles({ bars: 400, seed: 3, symbol: 'TESTUSDT', timeframeMs: 3_600_000 })
    const versions: unknown[] = []
    let check: Promise<unknown> | undefined
    for (let i = 0; i < 400; i++) {
      if (i === 200) {
        await lifecycle.promote(v2) // e.g. `quantum-run models promote` from another process
        check = watcher.check() // the watcher's next tick, running while bars keep coming
      }
      if (i === 300) await check // on a slow machine the load may outlast 100 bars
      const signal = await agent.onBarAsync(marketBarAt(series, i), ctx)
      if (i >= 100) {
        expect(signal?.probabilities).toBeDefined()
        versions.push(signal?.meta?.modelVersion)
      }
    }
    await check
    expect(watcher.serving('xgboost')).toBe(v2)
    expect(versions[0]).toBe('1')
    expect(versions.at(-1)).toBe('2')
    expect(new Set(versions)).toEqual(new Set(['1', '2']))
    expect(agent.diagnostics()).toMatchObject({ unanswered: 0, invalidOutputs: 0 })
    await agent.dispose!()
  })
})
