import { describe, expect, it } from 'vitest'
import type { Order } from '@quantum/core'
import { fakeContext, market } from '../../test/fake-context.js'
import { orderRate } from './order-rate.js'

const placed = (reduceOnly = false): Order =>
  ({ id: '1', symbol: 'BTCUSDT', status: 'NEW', reduceOnly }) as unknown as Order

describe('orderRate', () => {
  it('should reject a zero max', () => {
    expect(() => orderRate({ max: 0 })).toThrow(/max/)
  })

  it('should deny entries beyond the rate in the window and allow them once it has passed', () => {
    const ctx = fakeContext({ time: 1_000_000 })
    const guard = orderRate({ max: 2, windowMs: 60_000 })
    void guard.setup!(ctx)
    const buy = market('BTCUSDT', 'BUY', { quantity: 0.01 })
    // A check alone does not use the budget (dry runs, the HTTP API).
    for (let i = 0; i < 5; i++) expect(guard.check(buy, ctx).action).toBe('approve')
    ctx.bus.emit({ type: 'order', order: placed() })
    ctx.bus.emit({ type: 'order', order: placed(true) }) // reduce-only orders are not counted
    ctx.bus.emit({ type: 'order', order: placed() })
    expect(guard.check(buy, ctx)).toMatchObject({ action: 'deny', reason: expect.stringContaining('limit 2') })
    expect(guard.check({ ...buy, reduceOnly: true }, ctx).action).toBe('approve')
    ctx.setTime(1_000_000 + 60_000)
    expect(guard.check(buy, ctx).action).toBe('approve')
    void guard.dispose?.()
  })
})
