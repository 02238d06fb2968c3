import { randomBytes } from 'node:crypto'
import { copyFileSync, mkdtempSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ModelError } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { STANDARD_FEATURES } from '../features/standard-features.js'
import { metadataPathFor } from './model-metadata.js'
import { checkExpectation, openModelSession, probabilityIssue } from './model-session.js'
import { writeTinyModel } from './test-helpers.js'

const F = STANDARD_FEATURES.length

function inputs(rows: number, size: number, seed = 3): Float32Array {
  let s = seed
  return Float32Array.from({ length: rows * size }, () => {
    s = (s * 16807) % 2147483647
    return (s / 2147483647 - 0.5) * 4
  })
}

async function modelErrorOf(promise: Promise<unknown>): Promise<ModelError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ModelError)
  return error as ModelError
}

describe('openModelSession', () => {
  it('should return [rows, 3] probabilities in SELL, HOLD, BUY order whatever the model class order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qt-order-'))
    const a = await openModelSession(writeTinyModel({ dir, name: 'a', classes: ['BUY', 'SELL', 'HOLD'] }))
    const b = await openModelSession(writeTinyModel({ dir, name: 'b', classes: ['SELL', 'HOLD', 'BUY'] }))
    const x = inputs(5, F)
    const pa = await a.predict(x, 5)
    const pb = await b.predict(x, 5)
    expect(pa).toHaveLength(15)
    for (let r = 0; r < 5; r++) {
      // Same graph: raw column 0 is BUY for `a`, SELL for `b`; raw 1 is SELL / HOLD; raw 2 is HOLD / BUY.
      expect(pa[3 * r + 2]).toBe(pb[3 * r])
      expect(pa[3 * r]).toBe(pb[3 * r + 1])
      expect(pa[3 * r + 1]).toBe(pb[3 * r + 2])
      expect(probabilityIssue(pa, 3 * r)).toBeUndefined()
    }
    await Promise.all([a.release(), b.release()])
  })

  it('should give a batch of 64 the same probabilities as 64 single predictions (1e-6)', async () => {
    for (const window of [1, 120]) {
      const family = window === 1 ? 'xgboost' : 'nhits'
      const session = await openModelSession(writeTinyModel({ family, window, seed: 11 }))
      const size = session.rowSize
      const x = inputs(64, size, 5)
      const batch = await session.predict(x, 64)
      for (let r = 0; r < 64; r++) {
        const one = await session.predict(x.slice(r * size, (r + 1) * size), 1)
        for (let j = 0; j < 3; j++) expect(Math.abs(one[j]! - batch[3 * r + j]!)).toBeLessThan(1e-6)
      }
      await session.release()
    }
  })

  it('should refuse a missing model file, a missing metadata file and a corrupt file with ModelError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qt-bad-'))
    const missing = await modelErrorOf(openModelSession(join(dir, 'nope.onnx')))
    expect(missing.message).toContain('nope.meta.json')

    const path = writeTinyModel({ dir, name: 'gone' })
    unlinkSync(path)
    const gone = await modelErrorOf(openModelSession(path))
    expect(gone.model).toBe(path)
    expect(gone.message).toMatch(/not found/)

    const good = writeTinyModel({ dir, name: 'good' })
    const corrupt = join(dir, 'corrupt.onnx')
    writeFileSync(corrupt, randomBytes(4096))
    copyFileSync(metadataPathFor(good), metadataPathFor(corrupt))
    const bad = await modelErrorOf(openModelSession(corrupt))
    expect(bad.code).toBe('MODEL_INVALID')
    expect(bad.message).toMatch(/corrupt\.onnx.*cannot load/)
  })

  it('should refuse a graph whose input shape differs from its metadata', async () => {
    const path = writeTinyModel({ graphFeatures: F - 3 })
    const error = await modelErrorOf(openModelSession(path))
    expect(error.message).toMatch(/input "input" has shape \[batch, 7\] in the graph, metadata says \[batch, 10\]/)
  })

  it('should refuse metadata whose features, family or window differ from the configuration', async () => {
    const path = writeTinyModel({ family: 'nhits', window: 120, features: [...STANDARD_FEATURES].reverse() })
    const session = await openModelSession(path)
    const meta = session.metadata
    expect(() => checkExpectation(meta, { features: STANDARD_FEATURES, family: 'nhits' }, path)).toThrow(
      /features do not match[\s\S]*features\.0: model has volume_ratio_20, configured ret_1/,
    )
    const reversed = [...STANDARD_FEATURES].reverse()
    expect(() => checkExpectation(meta, { features: reversed, family: 'patchtst' }, path)).toThrow(/family is nhits/)
    expect(() => checkExpectation(meta, { features: reversed, family: 'nhits', window: 60 }, path)).toThrow(
      /window is 120 in its metadata, configured 60/,
    )
    expect(() => checkExpectation(meta, { features: reversed, family: 'nhits' }, path)).not.toThrow()
    await session.release()
  })

  it('should finish a run in flight before releasing, then refuse new runs', async () => {
    const session = await openModelSession(writeTinyModel({ family: 'nhits', window: 120 }))
    const running = session.predict(inputs(512, session.rowSize), 512)
    const released = session.release()
    expect(session.released).toBe(true)
    await expect(running).resolves.toHaveLength(512 * 3)
    await released
    await expect(session.predict(inputs(1, session.rowSize), 1)).rejects.toThrow(/released/)
  })

  it('should report probabilities that are not finite or do not sum to 1', () => {
    expect(probabilityIssue(Float32Array.of(NaN, 0.5, 0.5), 0)).toMatch(/non-finite/)
    expect(probabilityIssue(Float32Array.of(0.2, 0.2, 0.2), 0)).toMatch(/sum to/)
    expect(probabilityIssue(Float32Array.of(0, 2, -1), 0)).toMatch(/outside/)
    expect(probabilityIssue(Float32Array.of(0.2, 0.3, 0.5), 0)).toBeUndefined()
  })
})
