import { ConfigError } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { fakeContext, market } from '../../test/fake-context.js'
import { maxLeverage } from './max-leverage.js'

describe('maxLeverage', () => {
  it('should reject a leverage limit above 125 or unknown keys', () => {
    expect(() => maxLeverage({ max: 200 })).toThrow(ConfigError)
    expect(() => maxLeverage({ limit: 5 } as never)).toThrow(ConfigError)
  })

  it('should deny an entry above the limit and approve one at it', () => {
    const ctx = fakeContext()
    const guard = maxLeverage({ max: 10 })
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 1 }, { leverage: 20 }), ctx)).toMatchObject({
      action: 'deny',
      reason: 'leverage 20x above the limit 10x',
    })
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 1 }, { leverage: 10 }), ctx).action).toBe('approve')
  })

  it("should use the open position's leverage when the intent names none, and pass reduce-only", () => {
    const ctx = fakeContext()
    ctx.setPrice('BTCUSDT', 60_000)
    ctx.hold('BTCUSDT', 0.01, { leverage: 25 })
    const guard = maxLeverage({ max: 10 })
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.01 }), ctx).action).toBe('deny')
    expect(
      guard.check(market('BTCUSDT', 'SELL', { quantity: 0.01 }, { reduceOnly: true, leverage: 50 }), ctx).action,
    ).toBe('approve')
  })
})
