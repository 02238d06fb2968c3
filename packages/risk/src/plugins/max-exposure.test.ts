import { ConfigError } from '@quantum/core'
import { beforeEach, describe, expect, it } from 'vitest'
import { fakeContext, market, type FakeContext } from '../../test/fake-context.js'
import { maxExposure } from './max-exposure.js'

describe('maxExposure', () => {
  let ctx: FakeContext
  beforeEach(() => {
    ctx = fakeContext({ balance: 100_000 })
    ctx.setPrice('BTCUSDT', 50_000)
    ctx.setPrice('ETHUSDT', 2_500)
  })

  it('should reject a per-symbol cap above the total cap with the path', () => {
    try {
      maxExposure({ perSymbol: 20_000, total: 10_000 })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).issues[0]?.path).toBe('options.perSymbol')
    }
  })

  it('should resize an entry to the room left under the total cap', () => {
    ctx.hold('BTCUSDT', 0.1) // 5000
    const guard = maxExposure({ perSymbol: 5000, total: 6000 })
    const verdict = guard.check(market('ETHUSDT', 'BUY', { quantity: 1 }), ctx)
    expect(verdict).toMatchObject({ action: 'resize', quantity: 0.4, reason: expect.stringContaining('total cap') })
  })

  it('should resize to the per-symbol cap and count shorts in the gross exposure', () => {
    ctx.hold('BTCUSDT', -0.02) // 1000 short
    const guard = maxExposure({ perSymbol: 2000, total: 10_000 })
    expect(guard.check(market('ETHUSDT', 'SELL', { quantity: 2 }), ctx)).toMatchObject({
      action: 'resize',
      quantity: 0.8,
    })
  })

  it('should count working entry orders, so two entries checked before either fills cannot pass the cap together', () => {
    // A 5,000 BTC market entry is waiting for the next open.
    ctx.orders.push({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      reduceOnly: false,
      quantity: 0,
      filledQuantity: 0,
      quoteQuantity: 5000,
    } as never)
    const guard = maxExposure({ perSymbol: 5000, total: 6000 })
    expect(guard.check(market('ETHUSDT', 'BUY', { quantity: 1 }), ctx)).toMatchObject({
      action: 'resize',
      quantity: 0.4,
    })
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.01 }), ctx).action).toBe('deny')
  })

  it('should deny an entry when there is no room left and pass reductions', () => {
    ctx.hold('BTCUSDT', 0.2) // 10000
    const guard = maxExposure({ perSymbol: 10_000, total: 10_000 })
    expect(guard.check(market('ETHUSDT', 'BUY', { quantity: 1 }), ctx).action).toBe('deny')
    expect(guard.check(market('BTCUSDT', 'SELL', { quantity: 0.1 }), ctx).action).toBe('approve')
  })
})
