import { describe, expect, it } from 'vitest'
import type { MarketBar } from '@quantum/core'
import { fakeContext, market } from '../../test/fake-context.js'
import { imbalance, proposeTrims, readBook } from './book.js'
import { portfolioBalance } from './portfolio-balance.js'

const bar = (symbol: string, close: number) =>
  ({ symbol, index: 0, openTime: 0, open: close, high: close, low: close, close }) as MarketBar

describe('portfolioBalance', () => {
  it('should reject an asset share above 100% and unknown keys', () => {
    expect(() => portfolioBalance({ maxAssetShare: 0 })).toThrow(/maxAssetShare/)
    expect(() => portfolioBalance({ cap: 1 } as never)).toThrow(/options/)
  })

  it('should deny entries on the heavy side beyond the imbalance cap and allow those that rebalance', () => {
    const ctx = fakeContext({ balance: 100_000 })
    ctx.setPrice('BTCUSDT', 50_000)
    ctx.setPrice('ETHUSDT', 2_500)
    ctx.hold('BTCUSDT', 0.1) // 5,000 long
    const [guard] = portfolioBalance({ maxImbalance: 0.6, maxAssetShare: 1, minBook: 2000 })
    expect(guard.check(market('ETHUSDT', 'BUY', { quantity: 1 }), ctx)).toMatchObject({
      action: 'deny',
      reason: expect.stringContaining('imbalance'),
    })
    expect(guard.check(market('ETHUSDT', 'SELL', { quantity: 1 }), ctx).action).toBe('approve')
  })

  it('should resize an entry to the per-asset cap (a multiple of equity)', () => {
    const ctx = fakeContext({ balance: 10_000 })
    ctx.setPrice('BNBUSDT', 500)
    const [guard] = portfolioBalance({ maxImbalance: 1, maxAssetShare: 0.5 })
    // BNB may be at most 0.5 x 10,000 = 5,000: 10 BNB.
    expect(guard.check(market('BNBUSDT', 'BUY', { quantity: 20 }), ctx)).toMatchObject({
      action: 'resize',
      quantity: 10,
    })
    expect(guard.check(market('BNBUSDT', 'BUY', { quantity: 8 }), ctx).action).toBe('approve')
  })

  it('should propose reduce-only trims when prices push the book outside its caps', () => {
    const ctx = fakeContext({ balance: 100_000 })
    ctx.setPrice('BTCUSDT', 50_000)
    ctx.setPrice('ETHUSDT', 2_500)
    ctx.hold('BTCUSDT', 0.1) // 5,000 long
    ctx.hold('ETHUSDT', -0.4) // 1,000 short: 66.7% imbalance
    const caps = { maxImbalance: 0.5, maxAssetShare: 1, minBook: 0, tolerance: 0.1 }
    const trims = proposeTrims(readBook(ctx), caps, ctx.account.getEquity())
    expect(trims).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', notional: 2000 })])
    const book = readBook(ctx)
    expect(imbalance(book.long - 2000, book.short)).toBeCloseTo(0.5, 9)
    const [, exit] = portfolioBalance(caps)
    expect(exit.onBar!(bar('BTCUSDT', 50_000), ctx)).toEqual({
      intents: [expect.objectContaining({ side: 'SELL', quantity: 0.04, reduceOnly: true, tag: 'pba-rebalance' })],
    })
    expect(exit.onBar!(bar('ETHUSDT', 2_500), ctx)).toBeUndefined()
  })

  it('should never trim a one-sided book to balance it, only an asset above its cap plus the tolerance', () => {
    const ctx = fakeContext({ balance: 10_000 })
    ctx.setPrice('BTCUSDT', 50_000)
    ctx.hold('BTCUSDT', 0.1) // 5,000 long: 100% one-sided, 0.5x equity
    const caps = { maxImbalance: 0.6, maxAssetShare: 0.5, minBook: 0, tolerance: 0.1 }
    expect(proposeTrims(readBook(ctx), caps, ctx.account.getEquity())).toEqual([])
    ctx.setPrice('BTCUSDT', 60_000) // 6,000 of 11,000 equity: 0.545x, inside the tolerance
    expect(proposeTrims(readBook(ctx), caps, ctx.account.getEquity())).toEqual([])
    ctx.setPrice('BTCUSDT', 80_000) // 8,000 of 13,000: 0.615x
    expect(proposeTrims(readBook(ctx), caps, ctx.account.getEquity())).toEqual([
      expect.objectContaining({ symbol: 'BTCUSDT', notional: 1500 }),
    ])
  })
})
