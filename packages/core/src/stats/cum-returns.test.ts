import { describe, expect, it } from 'vitest'
import { cumReturns, cumReturnsFinal } from './cum-returns.js'

const mixed = [NaN, 0.01, 0.1, -0.04, 0.02, 0.03, 0.02, 0.01, -0.1]

describe('cumReturns', () => {
  it('should compound exactly (hand-computed) and treat NaN as 0', () => {
    const out = cumReturns(mixed)
    expect(out[0]).toBe(0)
    expect(out[2]).toBeCloseTo(1.01 * 1.1 - 1, 14)
    expect(out[3]).toBeCloseTo(1.01 * 1.1 * 0.96 - 1, 14) // 0.06656 (empyrical's test lists 0.066559)
  })

  it('should scale by a non-zero starting value', () => {
    expect(Array.from(cumReturns([0.1, -0.5], 100))).toEqual([110.00000000000001, 55.00000000000001])
    expect(cumReturns([]).length).toBe(0)
  })
})

describe('cumReturnsFinal', () => {
  it('should equal the last cumulative return, NaN when empty', () => {
    expect(cumReturnsFinal(mixed)).toBeCloseTo(1.01 * 1.1 * 0.96 * 1.02 * 1.03 * 1.02 * 1.01 * 0.9 - 1, 14)
    expect(cumReturnsFinal(mixed, 100)).toBeCloseTo(100 * 1.01 * 1.1 * 0.96 * 1.02 * 1.03 * 1.02 * 1.01 * 0.9, 12)
    expect(cumReturnsFinal([])).toBeNaN()
  })
})
