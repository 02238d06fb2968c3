import { describe, expect, it } from 'vitest'
import type { MarketBar } from '@quantum/core'
import { fakeContext, market } from '../../test/fake-context.js'
import { dailyDrawdownLimit } from './daily-drawdown-limit.js'

const DAY = 86_400_000
const bar = (time: number): MarketBar =>
  ({
    symbol: 'BTCUSDT',
    index: 0,
    openTime: time,
    open: 1,
    high: 1,
    low: 1,
    close: 1,
  }) as MarketBar

describe('dailyDrawdownLimit', () => {
  it('should reject a limit of 0 or 100%', () => {
    expect(() => dailyDrawdownLimit({ maxPct: 0 })).toThrow(/maxPct/)
    expect(() => dailyDrawdownLimit({ maxPct: 1 })).toThrow(/maxPct/)
  })

  it("should deny entries once today's loss reaches the limit, and allow them again the next day", () => {
    const ctx = fakeContext({ balance: 10_000, time: 10 * DAY })
    const guard = dailyDrawdownLimit({ maxPct: 0.05 })
    ctx.setPrice('BTCUSDT', 50_000)
    guard.onBar!(bar(10 * DAY), ctx)
    const buy = market('BTCUSDT', 'BUY', { quantity: 0.01 })
    expect(guard.check(buy, ctx).action).toBe('approve')
    ctx.wallet = 9_400 // -6% today
    ctx.setTime(10 * DAY + 3_600_000)
    expect(guard.check(buy, ctx)).toMatchObject({ action: 'deny', reason: expect.stringContaining('6.00%') })
    expect(guard.check({ ...buy, side: 'SELL', reduceOnly: true }, ctx).action).toBe('approve')
    ctx.setTime(11 * DAY)
    guard.onBar!(bar(11 * DAY), ctx)
    expect(guard.check(buy, ctx).action).toBe('approve')
  })
})
