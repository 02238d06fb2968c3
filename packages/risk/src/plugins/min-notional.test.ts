import { describe, expect, it } from 'vitest'
import { fakeContext, market } from '../../test/fake-context.js'
import { minNotional } from './min-notional.js'

describe('minNotional', () => {
  const ctx = fakeContext()
  ctx.setPrice('BTCUSDT', 60_000)

  it('should reject unknown options', () => {
    expect(() => minNotional({ strict: true } as never)).toThrow(/options/)
  })

  it('should round a quantity off the step down to it', () => {
    expect(minNotional().check(market('BTCUSDT', 'BUY', { quantity: 0.0129 }), ctx)).toMatchObject({
      action: 'resize',
      quantity: 0.012,
    })
  })

  it('should deny an entry below the min notional or minQty, with the reason', () => {
    const guard = minNotional()
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.001 }), ctx)).toMatchObject({
      action: 'deny',
      reason: expect.stringContaining('min notional 100'),
    })
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.0004 }), ctx).action).toBe('deny')
    expect(guard.check(market('BTCUSDT', 'BUY', { quoteQuantity: 50 }), ctx).action).toBe('deny')
  })

  it('should deny unknown symbols unless told otherwise, and always pass reduce-only', () => {
    expect(minNotional().check(market('XYZUSDT', 'BUY', { quantity: 1 }), ctx).action).toBe('deny')
    expect(minNotional({ requireInstrument: false }).check(market('XYZUSDT', 'BUY', { quantity: 1 }), ctx).action).toBe(
      'approve',
    )
    expect(minNotional().check(market('BTCUSDT', 'SELL', { quantity: 0.0001 }, { reduceOnly: true }), ctx).action).toBe(
      'approve',
    )
  })
})
