import { describe, expect, it } from 'vitest'
import { createEventBus } from '../event-bus.js'
import { createPaperExchange } from '../../exchange/paper-exchange.js'
import { InvalidOrder } from '../../errors.js'
import type { EngineEvent, ExchangePort, OrderIntent } from '../../types.js'
import type { OrderRequest } from '../../schemas.js'
import { CommandQueue } from './command-queue.js'
import { applyExitActionsAsync } from './live-submit.js'

const SYMBOL = 'TESTUSDT'

function setup(refuse: (r: OrderRequest) => boolean = () => false) {
  const paper = createPaperExchange({
    balance: 10_000,
    instruments: { [SYMBOL]: { tickSize: 0.01, stepSize: 0.001, minNotional: 0 } },
  })
  paper.onBar(SYMBOL, { openTime: 0, open: 100, high: 100, low: 100, close: 100 })
  paper.placeOrderSync({ symbol: SYMBOL, side: 'BUY', type: 'MARKET', quantity: 1 })
  paper.onBar(SYMBOL, { openTime: 1, open: 100, high: 100, low: 100, close: 100 })
  const calls: string[] = []
  const exchange: ExchangePort = {
    id: 'slow',
    account: paper.account,
    events$: paper.events$,
    instrument: (s) => paper.instrument(s),
    placeOrder: async (r) => {
      calls.push(`place ${r.tag ?? ''}`)
      await new Promise((resolve) => setTimeout(resolve, 2))
      if (refuse(r)) throw new InvalidOrder('venue says no', r.symbol)
      return paper.placeOrder(r)
    },
    cancelOrder: async (s, id) => {
      calls.push(`cancel ${id}`)
      return paper.cancelOrder(s, id)
    },
    cancelAllOrders: (s) => paper.cancelAllOrders(s),
    setLeverage: (s, l) => paper.setLeverage(s, l),
  }
  const bus = createEventBus()
  const events: EngineEvent[] = []
  bus.events$.subscribe((e) => events.push(e))
  const stop = paper.placeOrderSync({
    symbol: SYMBOL,
    side: 'SELL',
    type: 'STOP_MARKET',
    quantity: 1,
    triggerPrice: 95,
    reduceOnly: true,
    tag: 'stop',
  })
  return { paper, exchange, bus, events, calls, stop, ctx: { exchange, bus, checkRisk: (i: OrderIntent) => i } }
}

const newStop = {
  symbol: SYMBOL,
  side: 'SELL',
  type: 'STOP_MARKET',
  quantity: 1,
  triggerPrice: 98,
  reduceOnly: true,
  tag: 'stop',
} as const

describe('applyExitActionsAsync', () => {
  it('should place the new stop and wait for it before cancelling the old one', async () => {
    const { paper, ctx, calls, stop } = setup()
    await applyExitActionsAsync(ctx, SYMBOL, { replace: [{ cancel: stop.id, with: newStop }] })
    expect(calls).toEqual(['place stop', `cancel ${stop.id}`])
    expect(paper.account.getOpenOrders(SYMBOL).map((o) => o.triggerPrice)).toEqual([98])
  })

  it('should keep the old stop when the venue refuses the new one, and say so', async () => {
    const { paper, ctx, calls, stop, events } = setup(() => true)
    await applyExitActionsAsync(ctx, SYMBOL, { replace: [{ cancel: stop.id, with: newStop }] })
    expect(calls).toEqual(['place stop'])
    expect(paper.account.getOpenOrders(SYMBOL).map((o) => o.id)).toEqual([stop.id])
    expect(events.map((e) => e.type)).toEqual(['order-rejected'])
  })
})

describe('CommandQueue', () => {
  it('should run commands strictly in order and survive a failing one', async () => {
    const errors: unknown[] = []
    const queue = new CommandQueue((e) => errors.push(e))
    const seen: number[] = []
    const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
    void queue.push(async () => {
      await wait(5)
      seen.push(1)
    })
    void queue.push(async () => {
      seen.push(2)
      await Promise.reject(new Error('boom'))
    })
    void queue.push(async () => {
      await wait(1)
      seen.push(3)
    })
    expect(queue.size).toBe(3)
    await queue.drain()
    expect(seen).toEqual([1, 2, 3])
    expect(errors).toHaveLength(1)
    expect(queue.size).toBe(0)
  })
})
