import type { Order, PluginContext, Position } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { bracketOrders, rebracket } from './bracket.js'

const position = { symbol: 'BTCUSDT', side: 'LONG', quantity: 0.02, entryPrice: 60_000 } as Position
const working = (id: string, type: Order['type'], tag: string): Order =>
  ({ id, symbol: 'BTCUSDT', side: 'SELL', type, reduceOnly: true, quantity: 0.01, tag }) as Order
const ctxWith = (orders: Order[]): PluginContext =>
  ({ account: { getOpenOrders: () => orders } }) as unknown as PluginContext

describe('rebracket', () => {
  it('should replace the old stop (new one first) instead of cancelling it before the new one exists', () => {
    const orders = bracketOrders(position, { stop: 1200, target: 1800 })
    const actions = rebracket(
      ctxWith([working('s1', 'STOP_MARKET', 'stop'), working('t1', 'TAKE_PROFIT_MARKET', 'take-profit')]),
      'BTCUSDT',
      orders,
    )
    expect(actions).toEqual({
      cancel: ['t1'],
      replace: [{ cancel: 's1', with: orders[0] }],
      place: [orders[1]],
    })
  })

  it('should place the bracket when no stop works yet', () => {
    const orders = bracketOrders(position, { stop: 1200, target: 1800 })
    expect(rebracket(ctxWith([]), 'BTCUSDT', orders)).toEqual({ cancel: [], place: orders })
  })
})
