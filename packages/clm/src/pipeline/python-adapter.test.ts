import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openModelSession } from '@quantum/agents'
import { afterAll, describe, expect, it } from 'vitest'
import { TrainerError } from '../errors.js'
import { skillMetrics, classPrior, constantProbabilities } from '../eval/metrics.js'
import { gbdtMetadata } from '../gbdt/metadata.js'
import { syntheticRows } from '../gbdt/synthetic.test-helpers.js'
import { findPython, pythonAdapter } from './python-adapter.js'

const dir = await mkdtemp(join(tmpdir(), 'clm-py-'))
afterAll(() => rm(dir, { recursive: true, force: true }))
const FEATURES = ['a', 'b', 'c', 'd', 'e']
const request = (over: { timeoutMs?: number; params?: Record<string, unknown> } = {}) => ({
  family: 'xgboost',
  train: syntheticRows(3000, { seed: 41, nanShare: 0.05 }),
  validation: syntheticRows(800, { seed: 42, nanShare: 0.05 }),
  features: FEATURES,
  classCount: 3,
  params: over.params ?? { rounds: 50, maxDepth: 4 },
  timeoutMs: over.timeoutMs ?? 120_000,
})

let xgboostPython: string | undefined
try {
  xgboostPython = findPython('xgboost')
} catch (e) {
  console.warn(`[skip] XGBoost Python adapter training tests: ${(e as Error).message}`)
}

describe('pythonAdapter', () => {
  it('names what is missing when no interpreter can import the library', async () => {
    const adapter = pythonAdapter({ library: 'xgboost', python: ['/nonexistent/python3'] })
    const error: unknown = await adapter.train(request()).catch((e) => e)
    expect(error).toBeInstanceOf(TrainerError)
    expect((error as TrainerError).failure).toBe('missing-dependency')
    expect((error as TrainerError).message).toMatch(
      /\/nonexistent\/python3 \(not found\).*apt-get install -y python3-xgboost/,
    )
  })

  it.runIf(xgboostPython !== undefined)(
    'trains XGBoost in Python and converts it to an ONNX model the agents load',
    async () => {
      const trained = await pythonAdapter({ library: 'xgboost' }).train(request())
      expect(trained.trainer).toMatch(/^python:xgboost \(xgboost \d/)
      const path = join(dir, 'py.onnx')
      await writeFile(path, trained.onnx)
      const meta = gbdtMetadata({
        name: 'py',
        version: '1',
        features: FEATURES,
        data: ['s'],
        from: '2024-01-01',
        to: '2024-02-01',
        label: 'rule',
      })
      await writeFile(join(dir, 'py.meta.json'), JSON.stringify(meta))
      const test = syntheticRows(1000, { seed: 43, nanShare: 0.05 })
      const session = await openModelSession(path)
      const probs = await session.predict(test.values, test.rows)
      await session.release()
      const prior = classPrior(request().train.labels, 3)
      const model = skillMetrics({ probs, classCount: 3 }, test.labels)
      expect(model.logLoss).toBeLessThan(
        0.6 * skillMetrics(constantProbabilities(prior, test.rows), test.labels).logLoss,
      )
    },
  )

  it.runIf(xgboostPython !== undefined)('kills a Python training that outlives its timeout', async () => {
    const slow = request({ timeoutMs: 300, params: { rounds: 100_000, maxDepth: 10, earlyStoppingRounds: 0 } })
    const error: unknown = await pythonAdapter({ library: 'xgboost' })
      .train(slow)
      .catch((e) => e)
    expect((error as TrainerError).failure).toBe('timeout')
  })
})
