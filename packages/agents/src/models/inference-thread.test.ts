import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ModelError } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { STANDARD_FEATURES } from '../features/standard-features.js'
import { availableParallelism } from 'node:os'
import { defaultInferenceThreads, ModelRegistry, modelRegistryFor } from './model-registry.js'
import { SPLIT_MIN_ROWS, type ModelExpectation } from './model-session.js'
import { fakeContext, writeTinyModel } from './test-helpers.js'

const expectMlp: ModelExpectation = { features: STANDARD_FEATURES, family: 'mlp' }
const input = (size: number, rows: number): Float32Array =>
  Float32Array.from({ length: size * rows }, (_, i) => Math.sin(i * 0.37))
const threadsOf = (registry: ModelRegistry): { sessions: number }[] =>
  (registry as unknown as { threads: { sessions: number }[] }).threads

describe('models on an inference thread', () => {
  it('should split a large batch between the calling thread and a replica, with the same predictions', async () => {
    const onMain = new ModelRegistry({ inferenceThreads: 0 })
    const split = new ModelRegistry({ inferenceThreads: 1 })
    const path = writeTinyModel({ name: 'split', window: 4 })
    const expect4 = { ...expectMlp, window: 4 }
    const reference = await onMain.open(path, expect4)
    const replicated = await split.open(path, expect4)
    expect(threadsOf(onMain)).toEqual([])
    expect(threadsOf(split).map((t) => t.sessions)).toEqual([1])
    for (const rows of [1, SPLIT_MIN_ROWS - 1, SPLIT_MIN_ROWS, 41, 1024]) {
      const x = input(reference.session.rowSize, rows)
      const want = await reference.predict(x, rows)
      const got = await replicated.predict(x, rows)
      expect(got).toHaveLength(rows * 3)
      expect(got).toEqual(want)
    }
    await reference.dispose()
    await replicated.dispose()
    expect(threadsOf(split)).toEqual([]) // ended with the last session
  })

  it('should run a part on the calling thread when its inference thread has ended, with the same predictions', async () => {
    const onMain = new ModelRegistry({ inferenceThreads: 0 })
    const split = new ModelRegistry({ inferenceThreads: 1 })
    const path = writeTinyModel({ name: 'ended', window: 4 })
    const expect4 = { ...expectMlp, window: 4 }
    const reference = await onMain.open(path, expect4)
    const replicated = await split.open(path, expect4)
    await (threadsOf(split)[0] as unknown as { close(): Promise<void> }).close()
    const x = input(reference.session.rowSize, 41)
    expect(await replicated.predict(x, 41)).toEqual(await reference.predict(x, 41))
    await reference.dispose()
    await replicated.dispose()
  })

  it('should refuse a corrupt model with a ModelError naming the file, and end the unused thread', async () => {
    const registry = new ModelRegistry({ inferenceThreads: 1 })
    const dir = mkdtempSync(join(tmpdir(), 'qt-thread-'))
    const path = writeTinyModel({ dir, name: 'broken' })
    writeFileSync(path, 'not an onnx graph')
    const error: unknown = await registry.open(path, expectMlp).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ModelError)
    expect((error as Error).message).toContain('broken.onnx')
    expect(threadsOf(registry)).toEqual([])
  })
})

describe('inference threads by default', () => {
  it('should give a backtest one thread on two cores or more, a live mode none, and follow the environment', () => {
    const saved = process.env.QUANTUM_INFERENCE_THREADS
    try {
      delete process.env.QUANTUM_INFERENCE_THREADS
      expect(defaultInferenceThreads('backtest')).toBe(availableParallelism() >= 2 ? 1 : 0)
      for (const mode of ['paper', 'testnet', 'live', undefined]) expect(defaultInferenceThreads(mode)).toBe(0)
      expect(new ModelRegistry().inferenceThreads).toBe(0)
      process.env.QUANTUM_INFERENCE_THREADS = '2'
      expect(defaultInferenceThreads('live')).toBe(2)
      process.env.QUANTUM_INFERENCE_THREADS = 'lots'
      expect(defaultInferenceThreads('live')).toBe(0)
    } finally {
      if (saved === undefined) delete process.env.QUANTUM_INFERENCE_THREADS
      else process.env.QUANTUM_INFERENCE_THREADS = saved
    }
  })

  it("should size a run's registry by its mode", () => {
    const saved = process.env.QUANTUM_INFERENCE_THREADS
    delete process.env.QUANTUM_INFERENCE_THREADS
    try {
      const backtest = { ...fakeContext(), mode: 'backtest' } as Parameters<typeof modelRegistryFor>[0]
      const live = { ...fakeContext(), mode: 'live' } as Parameters<typeof modelRegistryFor>[0]
      expect(modelRegistryFor(backtest).inferenceThreads).toBe(defaultInferenceThreads('backtest'))
      expect(modelRegistryFor(live).inferenceThreads).toBe(0)
    } finally {
      if (saved !== undefined) process.env.QUANTUM_INFERENCE_THREADS = saved
    }
  })
})
