import { ConfigError } from '@quantum/core'
import { beforeEach, describe, expect, it } from 'vitest'
import { fakeContext, market, type FakeContext } from '../../test/fake-context.js'
import { maxPositionNotional } from './max-position-notional.js'

describe('maxPositionNotional', () => {
  let ctx: FakeContext
  beforeEach(() => {
    ctx = fakeContext()
    ctx.setPrice('BTCUSDT', 60_000)
  })

  it('should reject unknown and negative options with a ConfigError naming the path', () => {
    expect(() => maxPositionNotional({ max: -1 })).toThrow(ConfigError)
    expect(() => maxPositionNotional({ maxx: 5 } as never)).toThrow(/options/)
  })

  it('should approve an entry inside the cap', () => {
    const guard = maxPositionNotional({ max: 1000 })
    expect(guard.check(market('BTCUSDT', 'BUY', { quoteQuantity: 900 }), ctx)).toEqual({ action: 'approve' })
  })

  it('should resize an entry beyond the cap down to the step, below the cap', () => {
    const guard = maxPositionNotional({ max: 1000 })
    const verdict = guard.check(market('BTCUSDT', 'BUY', { quantity: 0.05 }), ctx)
    expect(verdict).toMatchObject({ action: 'resize', quantity: 0.016 })
    if (verdict.action === 'resize') expect(verdict.quantity! * 60_000).toBeLessThanOrEqual(1000)
  })

  it('should count the held position and deny when the cap is already used', () => {
    const guard = maxPositionNotional({ max: 1000 })
    ctx.hold('BTCUSDT', 0.017)
    expect(guard.check(market('BTCUSDT', 'BUY', { quoteQuantity: 200 }), ctx)).toMatchObject({
      action: 'deny',
      reason: expect.stringContaining('already at the cap'),
    })
  })

  it('should deny when the room left is below the min notional', () => {
    const guard = maxPositionNotional({ max: 1000 })
    ctx.hold('BTCUSDT', 0.0155) // 930 USDT: 70 left, below BTC's 100 min notional
    expect(guard.check(market('BTCUSDT', 'BUY', { quoteQuantity: 500 }), ctx)).toMatchObject({
      action: 'deny',
      reason: expect.stringContaining('below the minimum'),
    })
  })

  it('should always pass reduce-only intents and intents that shrink the position', () => {
    const guard = maxPositionNotional({ max: 100 })
    ctx.hold('BTCUSDT', 1)
    expect(guard.check(market('BTCUSDT', 'SELL', { quantity: 1 }, { reduceOnly: true }), ctx).action).toBe('approve')
    expect(guard.check(market('BTCUSDT', 'SELL', { quantity: 0.5 }), ctx).action).toBe('approve')
  })

  it('should deny when no price is known', () => {
    const guard = maxPositionNotional()
    expect(guard.check(market('ETHUSDT', 'BUY', { quantity: 1 }), ctx).action).toBe('deny')
  })
})
