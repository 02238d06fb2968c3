import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ModelError } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { STANDARD_FEATURES } from '../features/standard-features.js'
import { BatchPredictor } from './batch-predictor.js'
import { ModelRegistry, modelRegistryFor } from './model-registry.js'
import type { ModelExpectation } from './model-session.js'
import { fakeContext, writeTinyModel } from './test-helpers.js'

const expectMlp: ModelExpectation = { features: STANDARD_FEATURES, family: 'mlp' }

function row(size: number, k: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.7 + k))
}

describe('ModelRegistry', () => {
  it('should share one session per file and release it with the last reference', async () => {
    const registry = new ModelRegistry()
    const path = writeTinyModel()
    const [a, b] = await Promise.all([registry.open(path, expectMlp), registry.open(path, expectMlp)])
    expect(a.session).toBe(b.session)
    expect(registry.stats()).toEqual([{ path, refs: 2 }])
    await a.dispose()
    expect(a.session.released).toBe(false)
    expect(registry.stats()).toEqual([{ path, refs: 1 }])
    await b.dispose()
    expect(b.session.released).toBe(true)
    expect(registry.stats()).toEqual([])
  })

  it('should refuse a second user whose expectation differs without disturbing the first', async () => {
    const registry = new ModelRegistry()
    const path = writeTinyModel()
    const first = await registry.open(path, expectMlp)
    const error: unknown = await registry.open(path, { ...expectMlp, family: 'xgboost' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ModelError)
    expect(registry.stats()).toEqual([{ path, refs: 1 }])
    await expect(first.predict(row(first.session.rowSize, 1), 1)).resolves.toHaveLength(3)
    await first.dispose()
  })

  it('should forget a file that failed to load so that a later fixed file can load', async () => {
    const registry = new ModelRegistry()
    const dir = mkdtempSync(join(tmpdir(), 'qt-reg-'))
    await expect(registry.open(join(dir, 'late.onnx'), expectMlp)).rejects.toBeInstanceOf(ModelError)
    expect(registry.stats()).toEqual([])
    const path = writeTinyModel({ dir, name: 'late' })
    const handle = await registry.open(path, expectMlp)
    expect(registry.stats()).toEqual([{ path, refs: 1 }])
    await handle.dispose()
  })

  it('should keep one registry per engine run (keyed by the bus), not per process', () => {
    const a = fakeContext()
    const b = fakeContext()
    expect(modelRegistryFor(a)).toBe(modelRegistryFor(a))
    expect(modelRegistryFor(a)).not.toBe(modelRegistryFor(b))
  })
})

describe('ModelHandle.swap', () => {
  it('should swap under load without a failed or missed prediction and release the old session', async () => {
    const registry = new ModelRegistry()
    const dir = mkdtempSync(join(tmpdir(), 'qt-swap-'))
    const v1 = writeTinyModel({ dir, name: 'v1', version: '1', seed: 1 })
    const v2 = writeTinyModel({ dir, name: 'v2', version: '2', seed: 2 })
    const handle = await registry.open(v1, expectMlp)
    const old = handle.session
    const size = old.rowSize
    const versions: string[] = []
    let swap: Promise<void> | undefined
    for (let step = 0; step < 200; step++) {
      if (step === 50) swap = handle.swap(v2)
      if (step === 150) await swap // on a slow machine the load may outlast 100 steps
      const session = handle.session
      const probs = await Promise.all([0, 1, 2].map((k) => handle.predict(row(size, step + k), 1)))
      expect(probs.every((p) => p.length === 3 && Number.isFinite(p[0]))).toBe(true)
      versions.push(session.metadata.version)
    }
    await swap
    expect(versions[0]).toBe('1')
    expect(versions.at(-1)).toBe('2')
    expect(old.released).toBe(true)
    expect(registry.stats()).toEqual([{ path: v2, refs: 1 }])
    await handle.dispose()
    expect(registry.stats()).toEqual([])
  })

  it('should keep the current model when the new one is refused', async () => {
    const registry = new ModelRegistry()
    const dir = mkdtempSync(join(tmpdir(), 'qt-swap-bad-'))
    const v1 = writeTinyModel({ dir, name: 'v1' })
    const other = writeTinyModel({ dir, name: 'other', features: STANDARD_FEATURES.slice(0, 4) })
    const handle = await registry.open(v1, expectMlp)
    await expect(handle.swap(other)).rejects.toThrow(/features do not match/)
    expect(handle.session.released).toBe(false)
    expect(registry.stats()).toEqual([{ path: v1, refs: 1 }])
    await handle.dispose()
  })

  it('should let a batch collected on the old session finish on it', async () => {
    const registry = new ModelRegistry()
    const dir = mkdtempSync(join(tmpdir(), 'qt-swap-batch-'))
    const handle = await registry.open(writeTinyModel({ dir, name: 'v1' }), expectMlp)
    const old = handle.session
    const batcher = new BatchPredictor(old)
    const pending = batcher.request(row(old.rowSize, 0))
    await handle.swap(writeTinyModel({ dir, name: 'v2', seed: 9 }))
    await expect(pending).resolves.toHaveLength(3)
    await Promise.resolve()
    expect(old.released).toBe(true)
    await handle.dispose()
  })
})

describe('BatchPredictor', () => {
  it('should answer requests of one tick with one session.run, equal to single predictions', async () => {
    const registry = new ModelRegistry()
    const handle = await registry.open(writeTinyModel({ family: 'nhits', window: 120 }), {
      ...expectMlp,
      family: 'nhits',
    })
    const session = handle.session
    const batcher = new BatchPredictor(session)
    const rows = Array.from({ length: 100 }, (_, k) => row(session.rowSize, k))
    const batched = await Promise.all(rows.map((r) => batcher.request(r)))
    expect(batcher.batches).toBe(1)
    for (let k = 0; k < rows.length; k++) {
      const single = await session.predict(rows[k]!, 1)
      for (let j = 0; j < 3; j++) expect(Math.abs(single[j]! - batched[k]![j]!)).toBeLessThan(1e-6)
    }
    await handle.dispose()
  })
})
