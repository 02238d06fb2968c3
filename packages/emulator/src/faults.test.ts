/**
 * Fault injection through ccxt: delayed and partial fills, lost responses (the idempotent-retry case),
 * seeded probabilities, path/method matching.
 */
import { ConfigError } from '@quantum/core'
import { describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { useCcxtEmulator, errorName } from '../test/harness.js'
import { FaultController, startEmulator, type Emulator } from './index.js'

const BTC = 'BTC/USDT:USDT'

interface OrderEvent {
  e: string
  o: { i: number; X: string; x: string; l: string; z: string }
}

async function userStream(emu: Emulator): Promise<{ events: OrderEvent[]; ws: WebSocket }> {
  const r = await fetch(`${emu.restUrl}/fapi/v1/listenKey`, {
    method: 'POST',
    headers: { 'X-MBX-APIKEY': emu.credentials.key },
  })
  const { listenKey } = (await r.json()) as { listenKey: string }
  const ws = new WebSocket(`ws://127.0.0.1:${emu.port}/private/ws?listenKey=${listenKey}`)
  const events: OrderEvent[] = []
  ws.on('message', (d: Buffer) => events.push(JSON.parse(d.toString('utf8')) as OrderEvent))
  await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject))
  return { events, ws }
}

describe('fault injection', () => {
  const fx = useCcxtEmulator()

  it('should accept an order NEW and fill it only after the injected delay', async () => {
    fx.emu.faults.inject({ kind: 'delayed-fill', delayMs: 5000 })
    const order = await fx.ex.createOrder(BTC, 'market', 'buy', 0.002)
    expect(order).toMatchObject({ status: 'open', filled: 0 })
    fx.emu.advance(4999)
    expect((await fx.ex.fetchOrder(order.id!, BTC)).status).toBe('open')
    fx.emu.advance(1)
    expect(await fx.ex.fetchOrder(order.id!, BTC)).toMatchObject({ status: 'closed', filled: 0.002 })
    // the fault was used once: the next order fills at once
    expect((await fx.ex.createOrder(BTC, 'market', 'buy', 0.002)).status).toBe('closed')
  })

  it('should fill an order in parts: PARTIALLY_FILLED updates, then FILLED', async () => {
    const stream = await userStream(fx.emu)
    fx.emu.faults.inject({ kind: 'partial-fill', parts: 3, intervalMs: 1000, path: '/fapi/v1/order' })
    const order = await fx.ex.createOrder(BTC, 'market', 'buy', 0.007)
    expect(order).toMatchObject({ status: 'open', filled: 0.002 })
    fx.emu.advance(1000)
    expect(await fx.ex.fetchOrder(order.id!, BTC)).toMatchObject({ status: 'open', filled: 0.004 })
    fx.emu.advance(1000)
    expect(await fx.ex.fetchOrder(order.id!, BTC)).toMatchObject({ status: 'closed', filled: 0.007, average: 60000 })
    expect((await fx.ex.fetchMyTrades(BTC)).map((t) => t.amount)).toEqual([0.002, 0.002, 0.003])
    const id = Number(order.id)
    const updatesOf = (): OrderEvent[] => stream.events.filter((e) => e.e === 'ORDER_TRADE_UPDATE' && e.o.i === id)
    await vi.waitFor(() => expect(updatesOf()).toHaveLength(4))
    const updates = updatesOf()
    expect(updates.map((e) => [e.o.x, e.o.X, e.o.l, e.o.z])).toEqual([
      ['NEW', 'NEW', '0.000', '0.000'],
      ['TRADE', 'PARTIALLY_FILLED', '0.002', '0.002'],
      ['TRADE', 'PARTIALLY_FILLED', '0.002', '0.004'],
      ['TRADE', 'FILLED', '0.003', '0.007'],
    ])
    stream.ws.close()
  })

  it('should cancel the rest of a partially filled order', async () => {
    fx.emu.faults.inject({ kind: 'partial-fill', parts: 2, intervalMs: 1000 })
    const order = await fx.ex.createOrder(BTC, 'market', 'buy', 0.004)
    expect(await fx.ex.cancelOrder(order.id!, BTC)).toMatchObject({ status: 'canceled', filled: 0.002 })
    fx.emu.advance(5000)
    expect(fx.emu.engine.account.getPosition('BTCUSDT').quantity).toBe(0.002)
  })

  it('should place the order but lose the reply, so that a retry must look it up by clientOrderId', async () => {
    fx.emu.faults.inject({ kind: 'response-lost', path: '/fapi/v1/order', method: 'POST' })
    const lost = fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000, { clientOrderId: 'qt-lost-1' })
    expect(await errorName(lost)).toBe('NetworkError')
    // the order exists: a blind retry with the same id is refused as a duplicate (-4116) ...
    const retry = fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000, { clientOrderId: 'qt-lost-1' })
    expect(await errorName(retry)).toBe('InvalidOrder')
    // ... and the lookup by clientOrderId finds it
    const found = await fx.ex.fetchOrder('', BTC, { origClientOrderId: 'qt-lost-1' })
    expect(found).toMatchObject({ status: 'open', clientOrderId: 'qt-lost-1', price: 59000 })
    expect(await fx.ex.fetchOpenOrders(BTC)).toHaveLength(1)
  })

  it('should fire only on the matching method and path, the given number of times', async () => {
    fx.emu.faults.inject({ kind: 'http-503', path: '/fapi/v1/ticker/*', times: 2 })
    expect((await fx.ex.fetchOrderBook(BTC, 5)).bids.length).toBe(5)
    expect(await errorName(fx.ex.fetchTicker(BTC))).toBe('OperationFailed')
    expect(await errorName(fx.ex.fetchBidsAsks([BTC]))).toBe('OperationFailed')
    expect((await fx.ex.fetchTicker(BTC)).last).toBe(60000)
    expect(fx.emu.faults.history.map((h) => [h.kind, h.path])).toEqual([
      ['http-503', '/fapi/v1/ticker/24hr'],
      ['http-503', '/fapi/v1/ticker/bookTicker'],
    ])
    expect(fx.emu.faults.list()).toEqual([])
  })

  it('should stop injecting after clear()', async () => {
    fx.emu.faults.inject({ kind: 'http-500', probability: 1 })
    expect(await errorName(fx.ex.fetchTicker(BTC))).toBe('OperationFailed')
    fx.emu.faults.clear()
    expect((await fx.ex.fetchTicker(BTC)).last).toBe(60000)
  })
})

describe('FaultController', () => {
  const pattern = (seed: number): boolean[] => {
    const f = new FaultController(seed)
    f.inject({ kind: 'http-500', probability: 0.5 })
    return Array.from({ length: 40 }, () => f.take(['http-500'], { method: 'GET', path: '/x', time: 0 }) !== undefined)
  }

  it('should draw the same faults for the same seed', () => {
    const a = pattern(7)
    expect(pattern(7)).toEqual(a)
    expect(a.filter(Boolean).length).toBeGreaterThan(5)
    expect(a.filter((x) => !x).length).toBeGreaterThan(5)
    expect(pattern(8)).not.toEqual(a)
  })

  it('should refuse an invalid fault spec with a ConfigError naming the field', () => {
    const f = new FaultController(1)
    expect(() => f.inject({ kind: 'http-500', probability: 2 })).toThrow(ConfigError)
    expect(() => f.inject({ kind: 'nope' as 'http-500' })).toThrow(/kind/)
  })

  it('should shift server time while a clock skew is active', async () => {
    const emu = await startEmulator({ clock: 'manual', startTime: 1_000_000 })
    const id = emu.faults.inject({ kind: 'clock-skew', skewMs: -5000 })
    expect(emu.now()).toBe(995_000)
    const r = (await (await fetch(`${emu.restUrl}/fapi/v1/time`)).json()) as { serverTime: number }
    expect(r.serverTime).toBe(995_000)
    emu.faults.remove(id)
    expect(emu.now()).toBe(1_000_000)
    await emu.close()
  })
})
