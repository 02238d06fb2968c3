import { fileURLToPath } from 'node:url'
import { InferenceSession, Tensor } from 'onnxruntime-node'
import { describe, expect, it } from 'vitest'
import { STANDARD_FEATURES, readModelMetadata } from '@quantum/agents'

const path = (file: string): string => fileURLToPath(new URL(file, import.meta.url))

describe('bundled example models', () => {
  it.each(['xgb', 'lgbm', 'nhits', 'patchtst'])(
    'should ship %s with valid metadata, no post-2025-06-30 training data and a working ONNX file',
    async (name) => {
      const meta = await readModelMetadata(path(`${name}.meta.json`))
      expect(meta.features).toEqual([...STANDARD_FEATURES])
      expect(meta.classes).toEqual(['SELL', 'HOLD', 'BUY'])
      expect(Date.parse(meta.training.to)).toBeLessThan(Date.UTC(2025, 6, 1))
      expect(meta.training.metrics?.['val_accuracy']).toBeGreaterThan(0.33)
      const session = await InferenceSession.create(path(`${name}.onnx`))
      const dims = meta.input.shape.map((d) => (d === 'batch' ? 2 : d))
      const input = new Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims)
      const out = await session.run({ [meta.input.name]: input }, [meta.outputs.probabilities])
      await session.release()
      const probs = out[meta.outputs.probabilities]!
      expect(probs.dims).toEqual([2, 3])
      const p = Array.from(probs.data as Float32Array)
      expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 5)
    },
  )
})
