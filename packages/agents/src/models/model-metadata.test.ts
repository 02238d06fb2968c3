import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ModelError } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { STANDARD_FEATURES } from '../features/standard-features.js'
import {
  ModelMetadataSchema,
  assertModelFeatures,
  metadataPathFor,
  parseModelMetadata,
  readModelMetadata,
  type ModelMetadata,
} from './model-metadata.js'

function valid(): ModelMetadata {
  return {
    format: 'quantum-model@1',
    name: 'xgb',
    family: 'xgboost',
    version: 'v20251001-1',
    createdAt: '2025-10-01T00:00:00Z',
    features: [...STANDARD_FEATURES],
    window: 1,
    input: { name: 'input', shape: ['batch', 10] },
    outputs: { probabilities: 'probabilities', label: 'label' },
    classes: ['SELL', 'HOLD', 'BUY'],
    normalization: { mean: Array<number>(10).fill(0), std: Array<number>(10).fill(1) },
    training: {
      data: ['BTCUSDT-1h.csv'],
      from: '2023-12-01',
      to: '2025-06-30T23:59:59Z',
      label: 'fwd 4-bar',
      metrics: { val_accuracy: 0.5 },
    },
  }
}

function errorOf(value: unknown): ModelError {
  try {
    parseModelMetadata(value, 'models/xgb.meta.json')
  } catch (error) {
    if (error instanceof ModelError) return error
    throw error
  }
  throw new Error('expected a ModelError')
}

async function tempFile(name: string, content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qt-meta-'))
  const path = join(dir, name)
  await writeFile(path, content)
  return path
}

describe('ModelMetadataSchema', () => {
  it('should accept valid tabular and sequence metadata and any class permutation', () => {
    expect(ModelMetadataSchema.parse(valid())).toEqual(valid())
    const seq = { ...valid(), family: 'patchtst', window: 120, input: { name: 'input', shape: ['batch', 120, 10] } }
    expect(ModelMetadataSchema.safeParse(seq).success).toBe(true)
    expect(ModelMetadataSchema.safeParse({ ...valid(), classes: ['BUY', 'SELL', 'HOLD'] }).success).toBe(true)
  })

  it('should name every bad field in one ModelError', () => {
    const bad = {
      ...valid(),
      format: 'quantum-model@2',
      family: 'catboost',
      createdAt: 'yesterday',
      classes: ['SELL', 'SELL', 'BUY'],
      normalization: { mean: [0, 0], std: [1, 0, 1, 1, 1, 1, 1, 1, 1, 1] },
    }
    const error = errorOf(bad)
    expect(error.code).toBe('MODEL_INVALID')
    expect(error.model).toBe('models/xgb.meta.json')
    for (const field of ['format', 'family', 'createdAt', 'normalization.std.1']) expect(error.message).toContain(field)
  })

  it('should check the cross-field rules once the fields are well-typed', () => {
    const error = errorOf({
      ...valid(),
      classes: ['SELL', 'SELL', 'BUY'],
      window: 120,
      normalization: { mean: [0, 0], std: Array<number>(10).fill(1) },
      training: { ...valid().training, from: '2025-07-01', to: '2025-06-01' },
    })
    for (const field of ['classes', 'normalization.mean', 'input.shape', 'window', 'training.to']) {
      expect(error.message).toContain(field)
    }
  })

  it('should name a wrong dimension of input.shape and a duplicate feature', () => {
    const error = errorOf({
      ...valid(),
      features: [...STANDARD_FEATURES.slice(0, 9), 'ret_1'],
      input: { name: 'input', shape: ['batch', 11] },
    })
    expect(error.message).toContain('input.shape.1')
    expect(error.message).toContain('features.9')
  })
})

describe('readModelMetadata', () => {
  it('should read and validate a file', async () => {
    const path = await tempFile('m.meta.json', JSON.stringify(valid()))
    await expect(readModelMetadata(path)).resolves.toEqual(valid())
  })

  it('should throw a ModelError naming the file when it is missing, not JSON or invalid', async () => {
    await expect(readModelMetadata('/nonexistent/x.meta.json')).rejects.toThrow(/x\.meta\.json: cannot read/)
    const corrupt = await tempFile('c.meta.json', '{"format": "quantum-mod')
    await expect(readModelMetadata(corrupt)).rejects.toBeInstanceOf(ModelError)
    await expect(readModelMetadata(corrupt)).rejects.toThrow(/c\.meta\.json: metadata is not valid JSON/)
    const { version: _v, ...noVersion } = valid()
    const missing = await tempFile('v.meta.json', JSON.stringify(noVersion))
    await expect(readModelMetadata(missing)).rejects.toThrow(/v\.meta\.json[\s\S]*version/)
  })
})

describe('metadataPathFor', () => {
  it('should put the sidecar next to the model', () => {
    expect(metadataPathFor('models/xgb.onnx')).toBe('models/xgb.meta.json')
    expect(metadataPathFor('models/xgb')).toBe('models/xgb.meta.json')
  })
})

describe('assertModelFeatures', () => {
  it('should pass on the same features and name mismatching positions otherwise', () => {
    expect(() => assertModelFeatures(valid(), STANDARD_FEATURES, 'xgb.onnx')).not.toThrow()
    const swapped = [...STANDARD_FEATURES]
    ;[swapped[0], swapped[1]] = [swapped[1]!, swapped[0]!]
    expect(() => assertModelFeatures(valid(), swapped, 'xgb.onnx')).toThrow(/features\.0[\s\S]*features\.1/)
    expect(() => assertModelFeatures(valid(), STANDARD_FEATURES.slice(0, 9), 'xgb.onnx')).toThrow(ModelError)
  })
})
