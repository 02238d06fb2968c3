import { describe, expect, it } from 'vitest'
import { fakeContext, market } from '../../test/fake-context.js'
import { openLossLimit } from './open-loss-limit.js'

describe('openLossLimit', () => {
  it('should reject unknown options', () => {
    expect(() => openLossLimit({ max: 0.1 } as never)).toThrow(/options/)
  })

  it('should deny entries while the open loss is at or above the limit, and pass reduce-only', () => {
    const ctx = fakeContext({ balance: 10_000 })
    ctx.setPrice('BTCUSDT', 50_000)
    ctx.hold('BTCUSDT', 0.2, { entry: 50_000 })
    const guard = openLossLimit({ maxPct: 0.03 })
    const buy = market('ETHUSDT', 'BUY', { quantity: 1 })
    expect(guard.check(buy, ctx).action).toBe('approve')
    ctx.setPrice('BTCUSDT', 48_000) // -400 of 10,000
    expect(guard.check(buy, ctx)).toMatchObject({ action: 'deny', reason: expect.stringContaining('4.00%') })
    expect(guard.check(market('BTCUSDT', 'SELL', { quantity: 0.2 }, { reduceOnly: true }), ctx).action).toBe('approve')
  })
})
