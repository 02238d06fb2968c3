import { describe, expect, it } from 'vitest'
import { fakeContext, market } from '../../test/fake-context.js'
import { availableMargin } from './available-margin.js'

describe('availableMargin', () => {
  it('should reject a buffer of 100% or more', () => {
    expect(() => availableMargin({ buffer: 1 })).toThrow(/buffer/)
  })

  it('should approve an entry whose margin fits and resize one that does not', () => {
    const ctx = fakeContext({ balance: 1000 })
    ctx.setPrice('BTCUSDT', 50_000)
    const guard = availableMargin({ buffer: 0.1, feeRate: 0 })
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.01 }, { leverage: 1 }), ctx).action).toBe('approve')
    // 900 free at 1x: 0.018 BTC
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.1 }, { leverage: 1 }), ctx)).toMatchObject({
      action: 'resize',
      quantity: 0.018,
    })
    // 10x leverage: 0.1 BTC needs 500 margin
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.1 }, { leverage: 10 }), ctx).action).toBe('approve')
  })

  it('should deny when nothing is available and pass intents that reduce', () => {
    const ctx = fakeContext({ balance: 1000 })
    ctx.setPrice('BTCUSDT', 50_000)
    ctx.hold('BTCUSDT', 0.02) // 1000 margin at 1x: nothing available
    const guard = availableMargin()
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.01 }), ctx).action).toBe('deny')
    expect(guard.check(market('BTCUSDT', 'SELL', { quantity: 0.02 }), ctx).action).toBe('approve')
  })
})
