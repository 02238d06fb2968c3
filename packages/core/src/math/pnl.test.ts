import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import { pnl } from './pnl.js'

describe('pnl', () => {
  it('should compute symmetric long and short PnL', () => {
    expect(pnl({ side: 'LONG', entry: 100, exit: 110, quantity: 2 })).toBe(20)
    expect(pnl({ side: 'SHORT', entry: 100, exit: 110, quantity: 2 })).toBe(-20)
    expect(pnl({ side: 'SHORT', entry: 110, exit: 100, quantity: 2 })).toBe(20)
  })

  it('should subtract fees on both fills when a fee rate is given', () => {
    // Reference strategy: fee = 0.0004 · qty · price on entry and exit.
    const qty = 1000 / 30_000
    const net = pnl({ side: 'LONG', entry: 30_000, exit: 30_300, quantity: qty, feeRate: 0.0004 })
    expect(net).toBeCloseTo(300 * qty - 0.0004 * qty * (30_000 + 30_300), 12)
  })

  it('should reject a negative quantity or a bad side', () => {
    expect(() => pnl({ side: 'LONG', entry: 100, exit: 110, quantity: -1 })).toThrow(ConfigError)
    expect(() => pnl({ side: 'FLAT' as 'LONG', entry: 100, exit: 110, quantity: 1 })).toThrow(/side/)
  })
})
