import { describe, expect, it } from 'vitest'
import type { Fill, Order, Position } from '@quantum/core'
import { fakeContext } from '../../test/fake-context.js'
import { stopLossFloor } from './stop-loss-floor.js'

const fill = { symbol: 'BTCUSDT' } as Fill

describe('stopLossFloor', () => {
  it('should reject a stop distance of 0', () => {
    expect(() => stopLossFloor({ pct: 0 })).toThrow(/pct/)
  })

  it('should place a reduce-only stop 2% below a long entry, then replace it as the position grows', () => {
    const ctx = fakeContext()
    ctx.setPrice('BTCUSDT', 50_000)
    ctx.hold('BTCUSDT', 0.02, { entry: 50_000 })
    const plugin = stopLossFloor()
    const first = plugin.onFill!(fill, ctx.account.getPosition('BTCUSDT'), ctx)
    expect(first?.place?.[0]).toMatchObject({
      type: 'STOP_MARKET',
      side: 'SELL',
      reduceOnly: true,
      quantity: 0.02,
      triggerPrice: 49_000,
    })
    ctx.orders.push({ id: 'o1', symbol: 'BTCUSDT', tag: 'floor-sl-BTCUSDT' } as Order)
    ctx.hold('BTCUSDT', 0.04, { entry: 51_000 })
    const next = plugin.onFill!(fill, ctx.account.getPosition('BTCUSDT'), ctx)
    expect(next?.replace?.[0]).toMatchObject({ cancel: 'o1', with: { quantity: 0.04, triggerPrice: 49_980 } })
  })

  it('should put the stop above a short and cancel it when flat', () => {
    const ctx = fakeContext()
    ctx.setPrice('BTCUSDT', 50_000)
    ctx.hold('BTCUSDT', -0.02, { entry: 50_000 })
    const plugin = stopLossFloor({ pct: 0.02 })
    expect(plugin.onFill!(fill, ctx.account.getPosition('BTCUSDT'), ctx)?.place?.[0]).toMatchObject({
      side: 'BUY',
      triggerPrice: 51_000,
    })
    ctx.orders.push({ id: 'o9', symbol: 'BTCUSDT', tag: 'floor-sl-BTCUSDT' } as Order)
    const flat = { symbol: 'BTCUSDT', side: 'FLAT' } as Position
    expect(plugin.onFill!(fill, flat, ctx)).toEqual({ cancel: ['o9'] })
  })
})
