/**
 * `PUT /fapi/v1/order` (Modify Order) through real ccxt 4.5.84 `editOrder`: same order id, new price
 * and quantity, the new-order rules re-checked, crossing prices executed, AMENDMENT on the user stream.
 */
import { describe, expect, it, vi } from 'vitest'
import { useCcxtEmulator, errorName, MINUTE, T0 } from '../test/harness.js'

const BTC = 'BTC/USDT:USDT'

interface CachedOrder {
  readonly id: string
  readonly price: number
  readonly amount: number
  readonly info: { readonly x?: string }
}

describe('emulator editOrder through ccxt', () => {
  const fx = useCcxtEmulator()

  it('should amend a resting limit order in place and push ORDER_TRADE_UPDATE with execution type AMENDMENT', async () => {
    void fx.ex.watchOrders(BTC)
    await vi.waitFor(() => expect(fx.emu.state().sockets.private).toBe(1))
    const placed = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000, { clientOrderId: 'qt-edit-1' })
    const edited = await fx.ex.editOrder(placed.id!, BTC, 'limit', 'buy', 0.003, 59100.04)
    expect(fx.emu.requests.at(-1)).toMatchObject({ method: 'PUT', path: '/fapi/v1/order', status: 200 })
    expect(edited).toMatchObject({ id: placed.id, clientOrderId: 'qt-edit-1', status: 'open', price: 59100 })
    expect(edited.amount).toBe(0.003)
    const open = await fx.ex.fetchOpenOrders(BTC)
    expect(open.map((o) => [o.id, o.price, o.amount])).toEqual([[placed.id, 59100, 0.003]])
    const cached = await vi.waitFor(() => {
      const o = (fx.ex.orders as unknown as CachedOrder[]).find((x) => x.id === placed.id)
      expect(o?.info.x).toBe('AMENDMENT')
      return o!
    })
    expect([cached.price, cached.amount]).toEqual([59100, 0.003])
    // the engine works the amended order: a bar down to 59050 fills it at the new price, as a maker
    fx.emu.pushBar('BTCUSDT', { openTime: T0 + MINUTE, open: 60000, high: 60010, low: 59050, close: 59200 })
    await fx.ex.loadTimeDifference()
    expect(await fx.ex.fetchOrder(placed.id!, BTC)).toMatchObject({ status: 'closed', filled: 0.003, average: 59100 })
  })

  it('should execute an amended price that crosses the market at once, like a new order', async () => {
    const placed = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000)
    const edited = await fx.ex.editOrder(placed.id!, BTC, 'limit', 'buy', 0.002, 60500)
    expect(edited).toMatchObject({ id: placed.id, status: 'closed', filled: 0.002, average: 60000 })
    const [trade] = await fx.ex.fetchMyTrades(BTC)
    expect(trade).toMatchObject({ order: placed.id, price: 60000, takerOrMaker: 'taker' })
    expect((await fx.ex.fetchPositions([BTC]))[0]).toMatchObject({ side: 'long', contracts: 0.002 })
  })

  it('should refuse unknown and filled orders with OrderNotFound (-2013, -2011)', async () => {
    expect(await errorName(fx.ex.editOrder('123', BTC, 'limit', 'buy', 0.002, 59000))).toBe('OrderNotFound')
    expect(fx.lastCode()).toBe(-2013)
    const filled = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 60100)
    expect(filled.status).toBe('closed')
    expect(await errorName(fx.ex.editOrder(filled.id!, BTC, 'limit', 'buy', 0.002, 59000))).toBe('OrderNotFound')
    expect(fx.lastCode()).toBe(-2011)
  })

  it('should re-check the new-order rules and leave the order unchanged when they fail', async () => {
    const placed = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000)
    const id = placed.id!
    expect(await errorName(fx.ex.editOrder(id, BTC, 'limit', 'buy', 0.001, 59000))).toBe('InvalidOrder')
    expect(fx.lastCode()).toBe(-4164) // 59 USDT < MIN_NOTIONAL 100
    expect(await errorName(fx.ex.editOrder(id, BTC, 'limit', 'buy', 0.002, 59000))).toBe('OperationRejected')
    expect(fx.lastCode()).toBe(-5027) // no change
    const raw = (params: Record<string, string>): Promise<unknown> =>
      fx.ex.fapiPrivatePutOrder({ symbol: 'BTCUSDT', side: 'BUY', orderId: id, ...params })
    expect(await errorName(raw({ quantity: '0.002', price: '59000.15' }))).toBe('BadRequest')
    expect(fx.lastCode()).toBe(-4014)
    expect(await errorName(raw({ quantity: '0.0025', price: '59000' }))).toBe('BadRequest')
    expect(fx.lastCode()).toBe(-1111)
    expect(await errorName(raw({ price: '59100' }))).toBe('BadRequest')
    expect(fx.lastCode()).toBe(-1102) // quantity and price are both required
    expect(await fx.ex.fetchOrder(id, BTC)).toMatchObject({ status: 'open', price: 59000, amount: 0.002 })
  })

  it('should accept an amendment sent with the other side and keep the order side, as Binance does', async () => {
    // ccxt's recorded real editOrders: side=BUY sent for a SELL order, the reply is the SELL order amended
    const placed = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000)
    const edited = await fx.ex.editOrder(placed.id!, BTC, 'limit', 'sell', 0.003, 59500)
    expect(edited).toMatchObject({ id: placed.id, side: 'buy', status: 'open', price: 59500, amount: 0.003 })
    expect(
      await errorName(
        fx.ex.fapiPrivatePutOrder({
          symbol: 'BTCUSDT',
          side: 'UP',
          orderId: placed.id,
          quantity: '0.002',
          price: '59000',
        }),
      ),
    ).toBe('BadRequest')
    expect(fx.lastCode()).toBe(-1117) // the side is still checked
  })

  it('should cancel a post-only order whose amended price would cross, answering -5022', async () => {
    const po = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000, { postOnly: true })
    expect(await errorName(fx.ex.editOrder(po.id!, BTC, 'limit', 'buy', 0.002, 60100))).toBe('OrderNotFillable')
    expect(fx.lastCode()).toBe(-5022)
    expect(await fx.ex.fetchOrder(po.id!, BTC)).toMatchObject({ status: 'canceled', price: 59000 })
    expect(fx.emu.state().trades).toBe(0)
  })

  it('should refuse to amend a non-LIMIT order with -5025', async () => {
    fx.emu.faults.inject({ kind: 'delayed-fill', delayMs: 5000 })
    const market = await fx.ex.createOrder(BTC, 'market', 'buy', 0.002)
    expect(market.status).toBe('open')
    expect(await errorName(fx.ex.editOrder(market.id!, BTC, 'market', 'buy', 0.003, 60000))).toBe('OperationRejected')
    expect(fx.lastCode()).toBe(-5025)
  })
})
