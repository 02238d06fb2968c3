import { DataError } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { TrainerError } from '../errors.js'
import { syntheticRows } from './synthetic.test-helpers.js'
import { trainGbdt } from './train.js'
import { trainGbdtInWorker } from './train-in-worker.js'

/** Synthetic rows without the constant feature 4 (the validation refuses it). */
function rows(n: number, seed: number): ReturnType<typeof syntheticRows> {
  const m = syntheticRows(n, { seed })
  const values = new Float32Array(n * 4)
  for (let i = 0; i < n; i++) values.set(m.values.subarray(i * 5, i * 5 + 4), i * 4)
  return { ...m, values, columns: 4 }
}

describe('trainGbdtInWorker', () => {
  const train = rows(2000, 21)
  const validation = rows(500, 22)

  it('trains in a worker thread the very model trainGbdt trains in this one', async () => {
    const input = { train, validation, classCount: 3, params: { rounds: 15, maxDepth: 4 } }
    const model = await trainGbdtInWorker(input)
    expect(JSON.stringify(model)).toBe(JSON.stringify(trainGbdt(input)))
  })

  it('refuses too little data before starting a worker', async () => {
    const run = trainGbdtInWorker({ train: rows(50, 1), classCount: 3 })
    await expect(run).rejects.toThrow(DataError)
    await expect(run).rejects.toThrow(/train rows.*too little data: 50 rows, at least 200 needed/s)
  })

  it('refuses NaN features and names the row and feature', async () => {
    const bad = { ...train, values: train.values.slice() }
    bad.values[7 * 4 + 2] = NaN
    const run = trainGbdtInWorker({ train: bad, classCount: 3 }, { featureNames: ['a', 'b', 'rsi', 'd'] })
    await expect(run).rejects.toThrow(/row 7: feature rsi is NaN/)
  })

  it('refuses a constant feature by name', async () => {
    const bad = { ...train, values: train.values.slice() }
    for (let i = 0; i < bad.rows; i++) bad.values[i * 4 + 3] = 1
    await expect(trainGbdtInWorker({ train: bad, classCount: 3 })).rejects.toThrow(/feature f3 is constant \(1\)/)
  })

  it('refuses labels out of range', async () => {
    const bad = { ...train, labels: train.labels.slice() }
    bad.labels[3] = 7
    await expect(trainGbdtInWorker({ train: bad, classCount: 3 })).rejects.toThrow(/row 3: label 7 >= 3 classes/)
  })

  it('stops a training that outlives its timeout with a TrainerError', async () => {
    const input = { train: rows(20000, 3), classCount: 3, params: { rounds: 10_000, earlyStoppingRounds: 0 } }
    const error: unknown = await trainGbdtInWorker(input, { timeoutMs: 500 }).catch((e) => e)
    expect(error).toBeInstanceOf(TrainerError)
    expect((error as TrainerError).failure).toBe('timeout')
  })
})
