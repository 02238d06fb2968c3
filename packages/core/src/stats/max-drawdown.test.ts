import { describe, expect, it } from 'vitest'
import { maxDrawdown, maxDrawdownFromEquity } from './max-drawdown.js'

describe('maxDrawdown', () => {
  it('should return the deepest fall from a running peak as a negative fraction', () => {
    expect(maxDrawdown([0.1, -0.5, 0.2])).toBeCloseTo(-0.5, 15)
    expect(maxDrawdown([-0.1, 0.5, -0.2, -0.25])).toBeCloseTo(0.8 * 0.75 - 1, 15)
    expect(maxDrawdown([0.1, 0.2])).toBe(0)
    expect(maxDrawdown([])).toBeNaN()
  })

  it('should count the starting value as a peak', () => {
    expect(maxDrawdown([-0.2, 0.1])).toBeCloseTo(-0.2, 15)
  })
})

describe('maxDrawdownFromEquity', () => {
  it('should report currency and fraction drawdowns with their indices', () => {
    const dd = maxDrawdownFromEquity([110, 90, 120, 100, 130], 100)
    expect(dd.abs).toBe(20)
    expect(dd.pct).toBeCloseTo(20 / 110, 15)
    expect(dd.peakIndex).toBe(0)
    expect(dd.troughIndex).toBe(1)
  })

  it('should include the initial value in the peak', () => {
    const dd = maxDrawdownFromEquity([95, 99], 100)
    expect(dd).toEqual({ abs: 5, pct: 0.05, peakIndex: -1, troughIndex: 0 })
    expect(maxDrawdownFromEquity([95, 99]).abs).toBe(0)
  })

  it('should take the currency and percentage maxima separately', () => {
    // 100 → 50 is −50 %, 1000 → 900 is −100 USDT but −10 %.
    const dd = maxDrawdownFromEquity([100, 50, 1000, 900])
    expect(dd.abs).toBe(100)
    expect(dd.pct).toBe(0.5)
    expect([dd.peakIndex, dd.troughIndex]).toEqual([0, 1])
  })

  it('should report no drawdown for a rising curve and ignore NaN', () => {
    expect(maxDrawdownFromEquity([1, 2, NaN, 3])).toEqual({ abs: 0, pct: 0, peakIndex: -1, troughIndex: -1 })
  })
})
