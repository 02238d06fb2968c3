import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import { breakEvenPrice } from './break-even-price.js'
import { pnl } from './pnl.js'

describe('breakEvenPrice', () => {
  it('should give the exit price where PnL pays both taker fees', () => {
    const long = breakEvenPrice({ side: 'LONG', entry: 100, takerFee: 0.0004 })
    const short = breakEvenPrice({ side: 'SHORT', entry: 100, takerFee: 0.0004 })
    expect(long).toBeCloseTo((100 * 1.0004) / 0.9996, 12)
    expect(short).toBeCloseTo((100 * 0.9996) / 1.0004, 12)
    expect(pnl({ side: 'LONG', entry: 100, exit: long, quantity: 3, feeRate: 0.0004 })).toBeCloseTo(0, 12)
    expect(pnl({ side: 'SHORT', entry: 100, exit: short, quantity: 3, feeRate: 0.0004 })).toBeCloseTo(0, 12)
  })

  it('should use the maker fee for the exit when given', () => {
    const p = breakEvenPrice({ side: 'LONG', entry: 20_000, takerFee: 0.0005, makerFee: 0.0002 })
    // gross = fees: (p − E)·q = 0.0005·E·q + 0.0002·p·q
    expect(p - 20_000).toBeCloseTo(0.0005 * 20_000 + 0.0002 * p, 9)
    expect(breakEvenPrice({ side: 'LONG', entry: 50, takerFee: 0 })).toBe(50)
  })

  it('should reject bad inputs', () => {
    expect(() => breakEvenPrice({ side: 'LONG', entry: 0, takerFee: 0.0004 })).toThrow(ConfigError)
    expect(() => breakEvenPrice({ side: 'LONG', entry: 100, takerFee: -0.1 })).toThrow(/takerFee/)
  })
})
