import { describe, expect, it } from 'vitest'
import { predictGbdt } from './model.js'
import { syntheticRows } from './synthetic.test-helpers.js'
import { logLossOfScores, trainGbdt } from './train.js'

function logLoss(p: Float64Array, labels: Uint8Array): number {
  let s = 0
  for (let i = 0; i < labels.length; i++) s -= Math.log(Math.max(p[i * 3 + labels[i]!]!, 1e-15))
  return s / labels.length
}

function accuracy(p: Float64Array, labels: Uint8Array): number {
  let ok = 0
  for (let i = 0; i < labels.length; i++) {
    const row = [p[i * 3]!, p[i * 3 + 1]!, p[i * 3 + 2]!]
    if (row.indexOf(Math.max(...row)) === labels[i]) ok++
  }
  return ok / labels.length
}

describe('trainGbdt', () => {
  const train = syntheticRows(4000, { seed: 1, nanShare: 0.05 })
  const validation = syntheticRows(1000, { seed: 2, nanShare: 0.05 })
  const test = syntheticRows(1000, { seed: 3, nanShare: 0.05 })

  it('learns a non-linear 3-class rule far better than the class prior, NaN values included', () => {
    const model = trainGbdt({ train, validation, classCount: 3, params: { rounds: 80, maxDepth: 4 } })
    const p = predictGbdt(model, test)
    const prior = logLossOfScores(
      new Float64Array(test.rows * 3).map((_, j) => model.baseScores[j % 3]!),
      test.labels,
      3,
    )
    expect(logLoss(p, test.labels)).toBeLessThan(prior * 0.6)
    expect(accuracy(p, test.labels)).toBeGreaterThan(0.8)
  })

  it('lowers the training log-loss every round', () => {
    const model = trainGbdt({ train, classCount: 3, params: { rounds: 20, maxDepth: 3 } })
    expect(model.history.train).toHaveLength(21)
    for (let r = 1; r < model.history.train.length; r++) {
      expect(model.history.train[r]!).toBeLessThan(model.history.train[r - 1]!)
    }
  })

  it('never splits on a constant feature', () => {
    const model = trainGbdt({ train, classCount: 3, params: { rounds: 10 } })
    expect(model.trees.flatMap((t) => t.feature)).not.toContain(4)
  })

  it('stops early and keeps the rounds of the best validation log-loss', () => {
    const model = trainGbdt({
      train: syntheticRows(300, { seed: 4 }),
      validation,
      classCount: 3,
      params: { rounds: 400, maxDepth: 6, learningRate: 0.5, earlyStoppingRounds: 5 },
    })
    const v = model.history.validation
    expect(v.length).toBeLessThan(401)
    expect(model.rounds).toBe(v.indexOf(Math.min(...v)))
    expect(model.trees).toHaveLength(model.rounds * 3)
  })

  it('is deterministic', () => {
    const a = trainGbdt({ train, classCount: 3, params: { rounds: 5 } })
    const b = trainGbdt({ train, classCount: 3, params: { rounds: 5 } })
    expect(JSON.stringify(b)).toBe(JSON.stringify(a))
  })

  it('grows at most maxLeaves leaves and no deeper than maxDepth', () => {
    const model = trainGbdt({ train, classCount: 3, params: { rounds: 3, maxDepth: 8, maxLeaves: 7 } })
    for (const t of model.trees) expect(t.feature.filter((f) => f < 0).length).toBeLessThanOrEqual(7)
    const depth = trainGbdt({ train, classCount: 3, params: { rounds: 3, maxDepth: 2 } })
    for (const t of depth.trees) expect(t.feature.length).toBeLessThanOrEqual(7)
  })
})
