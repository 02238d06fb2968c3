import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import { pnl } from './pnl.js'
import { floorToStep, sizeFromRisk } from './size-from-risk.js'

describe('sizeFromRisk', () => {
  it('should size a long so that the stop loses riskPct of equity', () => {
    expect(sizeFromRisk({ equity: 10_000, riskPct: 0.01, entry: 50_000, stop: 49_000 })).toBeCloseTo(0.1, 15)
  })

  it('should size symmetric long and short cases identically', () => {
    const long = sizeFromRisk({ equity: 5_000, riskPct: 0.02, entry: 100, stop: 95, side: 'LONG' })
    const short = sizeFromRisk({ equity: 5_000, riskPct: 0.02, entry: 100, stop: 105, side: 'SHORT' })
    expect(long).toBe(20)
    expect(short).toBe(20)
  })

  it('should include entry and exit fees in the loss at the stop', () => {
    const input = { equity: 10_000, riskPct: 0.01, entry: 100, stop: 98, feeRate: 0.0004 } as const
    const q = sizeFromRisk(input)
    expect(q).toBeCloseTo(100 / (2 + 0.0004 * 198), 12)
    // Loss at the stop, both fees included, is exactly 1 % of equity.
    expect(pnl({ side: 'LONG', entry: 100, exit: 98, quantity: q, feeRate: 0.0004 })).toBeCloseTo(-100, 9)
  })

  it('should round the quantity down to the step size', () => {
    expect(sizeFromRisk({ equity: 10_000, riskPct: 0.01, entry: 50_000, stop: 49_300, stepSize: 0.001 })).toBe(0.142)
    expect(sizeFromRisk({ equity: 100, riskPct: 0.01, entry: 50_000, stop: 49_000, stepSize: 0.001 })).toBe(0.001)
    expect(sizeFromRisk({ equity: 10, riskPct: 0.01, entry: 50_000, stop: 49_000, stepSize: 0.001 })).toBe(0)
  })

  it('should reject a stop on the wrong side, at the entry, or bad numbers', () => {
    expect(() => sizeFromRisk({ equity: 1_000, riskPct: 0.01, entry: 100, stop: 101, side: 'LONG' })).toThrow(
      ConfigError,
    )
    expect(() => sizeFromRisk({ equity: 1_000, riskPct: 0.01, entry: 100, stop: 99, side: 'SHORT' })).toThrow(
      /wrong side/,
    )
    expect(() => sizeFromRisk({ equity: 1_000, riskPct: 0.01, entry: 100, stop: 100 })).toThrow(ConfigError)
    expect(() => sizeFromRisk({ equity: -1, riskPct: 0.01, entry: 100, stop: 99 })).toThrow(/equity/)
    expect(() => sizeFromRisk({ equity: 1_000, riskPct: 1.5, entry: 100, stop: 99 })).toThrow(/riskPct/)
  })
})

describe('floorToStep', () => {
  it('should floor to the step without binary noise', () => {
    expect(floorToStep(0.3, 0.1)).toBe(0.3)
    expect(floorToStep(0.12399, 0.001)).toBe(0.123)
    expect(floorToStep(7, 2)).toBe(6)
    expect(floorToStep(0.000000123, 1e-8)).toBe(0.00000012)
  })
})
