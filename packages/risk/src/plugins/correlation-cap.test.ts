import { describe, expect, it } from 'vitest'
import type { MarketBar } from '@quantum/core'
import { fakeContext, market } from '../../test/fake-context.js'
import { correlationCap } from './correlation-cap.js'

const bar = (symbol: string, index: number, close: number): MarketBar => ({
  symbol,
  index,
  openTime: index * 3_600_000,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
})

/** Feeds `n` bars where ETH follows BTC (`follow` = 1) or moves against it (-1), with noise from BNB. */
function feed(guard: ReturnType<typeof correlationCap>, n: number, follow: number) {
  const ctx = fakeContext()
  let btc = 50_000
  let eth = 2_500
  for (let i = 0; i < n; i++) {
    const r = Math.sin(i * 1.7) * 0.01
    btc *= 1 + r
    eth *= 1 + follow * r
    guard.onBar!(bar('BTCUSDT', i, btc), ctx)
    guard.onBar!(bar('ETHUSDT', i, eth), ctx)
  }
  ctx.setPrice('BTCUSDT', btc)
  ctx.setPrice('ETHUSDT', eth)
  return ctx
}

describe('correlationCap', () => {
  it('should reject minSamples above the window and a cap above 1', () => {
    expect(() => correlationCap({ window: 10, minSamples: 20 })).toThrow(/minSamples/)
    expect(() => correlationCap({ cap: 1.5 })).toThrow(/cap/)
  })

  it('should deny a same-side entry correlated above the cap with an open position', () => {
    const guard = correlationCap({ cap: 0.8, window: 48, minSamples: 24 })
    const ctx = feed(guard, 60, 1)
    ctx.hold('BTCUSDT', 0.01)
    expect(guard.check(market('ETHUSDT', 'BUY', { quantity: 0.1 }), ctx)).toMatchObject({
      action: 'deny',
      reason: expect.stringContaining('correlates 1.00 with the open LONG BTCUSDT'),
    })
    // The opposite side is a hedge: allowed.
    expect(guard.check(market('ETHUSDT', 'SELL', { quantity: 0.1 }), ctx).action).toBe('approve')
  })

  it('should approve uncorrelated entries and entries before enough samples', () => {
    const guard = correlationCap({ cap: 0.8, window: 48, minSamples: 24 })
    const anti = feed(guard, 60, -1)
    anti.hold('BTCUSDT', 0.01)
    expect(guard.check(market('ETHUSDT', 'BUY', { quantity: 0.1 }), anti).action).toBe('approve')
    const fresh = correlationCap({ cap: 0.8, window: 48, minSamples: 24 })
    const early = feed(fresh, 10, 1)
    early.hold('BTCUSDT', 0.01)
    expect(fresh.check(market('ETHUSDT', 'BUY', { quantity: 0.1 }), early).action).toBe('approve')
  })
})
