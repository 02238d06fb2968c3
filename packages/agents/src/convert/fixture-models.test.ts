import { readFileSync } from 'node:fs'
import { InferenceSession, Tensor } from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import {
  fixturePath,
  inputTensor,
  loadGoldens,
  maxAbsDiff,
  runProbabilities,
} from '../../test/fixtures/models/fixtures.js'
import { STANDARD_FEATURES } from '../features/standard-features.js'
import { readModelMetadata } from '../models/model-metadata.js'
import { lightgbmTextToOnnx } from './lightgbm-to-onnx.js'
import { xgboostJsonToOnnx } from './xgboost-to-onnx.js'

describe('fixture models', () => {
  const goldens = loadGoldens()

  it('should use the standard features and class order in the goldens and every metadata file', async () => {
    expect(goldens.features).toEqual([...STANDARD_FEATURES])
    for (const name of ['xgb_tiny', 'lgbm_tiny', 'nhits_tiny', 'patchtst_tiny']) {
      const meta = await readModelMetadata(fixturePath(`${name}.meta.json`))
      expect(meta.features).toEqual([...STANDARD_FEATURES])
      expect(meta.classes).toEqual(goldens.classes)
    }
  })

  it.each([
    ['nhits_tiny', 'nhits'],
    ['patchtst_tiny', 'patchtst'],
  ] as const)('should run %s in onnxruntime and match the torch forward at 1e-5', async (name, key) => {
    const probs = await runProbabilities(fixturePath(`${name}.onnx`), inputTensor(goldens.sequence))
    expect(maxAbsDiff(probs, goldens.sequence[key])).toBeLessThan(1e-5)
    const meta = await readModelMetadata(fixturePath(`${name}.meta.json`))
    expect(meta.input.shape).toEqual(['batch', 120, 10])
  })

  it('should accept any batch size on the sequence models (dynamic batch axis)', async () => {
    const session = await InferenceSession.create(fixturePath('patchtst_tiny.onnx'))
    const input = new Tensor('float32', new Float32Array(5 * 120 * 10).fill(0.01), [5, 120, 10])
    const out = await session.run({ input })
    await session.release()
    expect(out['probabilities']!.dims).toEqual([5, 3])
  })

  it('should build tree models whose argmax label agrees with the probabilities', async () => {
    const xgb: unknown = JSON.parse(readFileSync(fixturePath('xgb_tiny.json'), 'utf8'))
    const lgbm = readFileSync(fixturePath('lgbm_tiny.txt'), 'utf8')
    for (const bytes of [xgboostJsonToOnnx(xgb, { featureCount: 10 }), lightgbmTextToOnnx(lgbm)]) {
      const session = await InferenceSession.create(bytes)
      const out = await session.run({ input: inputTensor(goldens.tabular) })
      await session.release()
      const probs = out['probabilities']!.data as Float32Array
      const labels = Array.from(out['label']!.data as BigInt64Array, Number)
      labels.forEach((label, i) => {
        const row = Array.from(probs.subarray(i * 3, i * 3 + 3))
        expect(label).toBe(row.indexOf(Math.max(...row)))
      })
    }
  })
})
