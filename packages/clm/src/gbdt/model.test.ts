import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MODEL_METADATA_FORMAT, openModelSession, type ModelMetadata } from '@quantum/agents'
import { ModelError } from '@quantum/core'
import { afterAll, describe, expect, it } from 'vitest'
import { gbdtToOnnx, parseGbdtModel, predictGbdt } from './model.js'
import { syntheticRows } from './synthetic.test-helpers.js'
import { trainGbdt } from './train.js'

const dir = await mkdtemp(join(tmpdir(), 'clm-gbdt-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

function metadata(features: string[]): ModelMetadata {
  return {
    format: MODEL_METADATA_FORMAT,
    name: 'gbdt',
    family: 'xgboost',
    version: 't1',
    createdAt: '2026-12-03T00:00:00Z',
    features,
    window: 1,
    input: { name: 'input', shape: ['batch', features.length] },
    outputs: { probabilities: 'probabilities', label: 'label' },
    classes: ['SELL', 'HOLD', 'BUY'],
    normalization: { mean: features.map(() => 0), std: features.map(() => 1) },
    training: { data: ['synthetic'], from: '2024-01-01', to: '2024-02-01', label: 'synthetic rule' },
  }
}

describe('gbdtToOnnx', () => {
  const train = syntheticRows(3000, { seed: 11, nanShare: 0.08 })
  const test = syntheticRows(500, { seed: 12, nanShare: 0.2 })
  const model = trainGbdt({ train, classCount: 3, params: { rounds: 25, maxDepth: 5 } })

  it('loads in the agents model session and gives the trainer probabilities to 1e-5, NaN rows included', async () => {
    const path = join(dir, 'gbdt.onnx')
    await writeFile(path, gbdtToOnnx(model))
    await writeFile(join(dir, 'gbdt.meta.json'), JSON.stringify(metadata(['a', 'b', 'c', 'd', 'e'])))
    const session = await openModelSession(path)
    try {
      const onnx = await session.predict(test.values, test.rows)
      const ts = predictGbdt(model, test)
      let maxErr = 0
      for (let i = 0; i < ts.length; i++) maxErr = Math.max(maxErr, Math.abs(onnx[i]! - ts[i]!))
      expect(maxErr).toBeLessThan(1e-5)
      expect(test.values.filter((v) => Number.isNaN(v)).length).toBeGreaterThan(100)
    } finally {
      await session.release()
    }
  })
})

describe('parseGbdtModel', () => {
  const model = trainGbdt({ train: syntheticRows(500, { seed: 5 }), classCount: 3, params: { rounds: 2 } })

  it('round-trips a model through JSON', () => {
    const back = parseGbdtModel(JSON.parse(JSON.stringify(model)), 'm.json')
    expect(back.trees).toHaveLength(6)
  })

  it('refuses a model whose tree points outside itself, naming the file and the node', () => {
    const bad = JSON.parse(JSON.stringify(model))
    bad.trees[1].left[0] = 999
    expect(() => parseGbdtModel(bad, 'm.json')).toThrow(ModelError)
    expect(() => parseGbdtModel(bad, 'm.json')).toThrow(/m\.json.*trees\.1: node 0/)
  })

  it('refuses something that is not a model', () => {
    expect(() => parseGbdtModel({ format: 'x' }, 'junk.json')).toThrow(/junk\.json: not a quantum-gbdt@1 model/)
  })
})
