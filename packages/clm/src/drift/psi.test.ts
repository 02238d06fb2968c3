import { describe, expect, it } from 'vitest'
import { rng } from '../gbdt/synthetic.test-helpers.js'
import { DriftMonitor, featurePsi, featureReference, predictionPsi } from './psi.js'

const normal = (n: number, seed: number, shift = 0): Float64Array => {
  const next = rng(seed)
  return Float64Array.from({ length: n }, () => {
    const u = Math.max(next(), 1e-12)
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next()) + shift
  })
}

describe('featurePsi', () => {
  const ref = featureReference(normal(20_000, 1))

  it('is near zero for a sample of the same distribution', () => {
    expect(featurePsi(ref, normal(5_000, 2))).toBeLessThan(0.02)
  })

  it('exceeds 0.25 when the distribution moves by one standard deviation', () => {
    expect(featurePsi(ref, normal(5_000, 3, 1))).toBeGreaterThan(0.25)
  })

  it('ignores NaN values', () => {
    const v = normal(5_000, 2)
    v[0] = NaN
    expect(featurePsi(ref, v)).toBeLessThan(0.02)
  })
})

describe('predictionPsi', () => {
  it('flags a model that starts predicting one class only', () => {
    const probs = new Float32Array(300).map((_, i) => (i % 3 === 1 ? 0.8 : 0.1))
    expect(predictionPsi([0.25, 0.5, 0.25], probs, 3)).toBeGreaterThan(1)
  })
})

describe('DriftMonitor', () => {
  it('raises once above the raise threshold, clears once below the clear threshold, and does not flap between', () => {
    const m = new DriftMonitor({ raise: 0.25, clear: 0.1 })
    const seen = [0.2, 0.26, 0.3, 0.24, 0.26, 0.15, 0.09, 0.12, 0.3].map((v) => m.observe('rsi_14', v)?.state)
    expect(seen).toEqual([undefined, 'drift', undefined, undefined, undefined, undefined, 'clear', undefined, 'drift'])
    expect(m.drifting).toEqual(['rsi_14'])
  })

  it('refuses thresholds without a gap', () => {
    expect(() => new DriftMonitor({ raise: 0.1, clear: 0.2 })).toThrow(/clear must be below raise/)
  })
})
