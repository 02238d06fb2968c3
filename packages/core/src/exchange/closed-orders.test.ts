import { describe, expect, it } from 'vitest'
import type { Order } from '../schemas.js'
import { ClosedOrders } from './closed-orders.js'
import { createPaperExchange } from './paper-exchange.js'

const order = (id: string, extra: Partial<Order> = {}): Order => ({
  id,
  clientOrderId: `paper-${id}`,
  symbol: 'TESTUSDT',
  side: 'SELL',
  type: 'LIMIT',
  status: 'CANCELED',
  quantity: 1.5,
  quoteQuantity: undefined,
  price: 101.25,
  triggerPrice: undefined,
  reduceOnly: true,
  timeInForce: 'GTX',
  filledQuantity: 0,
  averagePrice: 0,
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_060_000,
  tag: 'exit',
  reason: 'cancelled by request',
  ...extra,
})

describe('ClosedOrders', () => {
  it('should give back a finished order equal to the one stored, by id and by clientOrderId', () => {
    const ring = new ClosedOrders(8)
    const a = order('17')
    const b = order('18', { clientOrderId: 'mine-1', type: 'STOP_MARKET', price: undefined, triggerPrice: 95 })
    const c = order('0x9', { timeInForce: undefined, tag: undefined, reason: undefined, quoteQuantity: 250 })
    for (const o of [a, b, c]) ring.add(o)
    expect(ring.find('17')).toEqual(a)
    expect(ring.find('paper-17')).toEqual(a)
    expect(ring.find('mine-1')).toEqual(b)
    expect(ring.find('paper-18')).toBeUndefined()
    expect(ring.find('0x9')).toEqual(c)
    expect(ring.find('9')).toBeUndefined()
  })

  it('should keep only the newest `capacity` orders, and find the newest of two with one clientOrderId', () => {
    const ring = new ClosedOrders(3)
    for (let i = 1; i <= 5; i++) ring.add(order(String(i), { clientOrderId: i >= 4 ? 'again' : `paper-${i}` }))
    expect(ring.find('1')).toBeUndefined()
    expect(ring.find('2')).toBeUndefined()
    expect(ring.find('3')?.id).toBe('3')
    expect(ring.find('again')?.id).toBe('5')
    expect(new ClosedOrders(0).find('1')).toBeUndefined()
  })

  it('should grow past its first block up to the capacity', () => {
    const ring = new ClosedOrders(3000)
    for (let i = 1; i <= 3500; i++) ring.add(order(String(i), { quantity: i }))
    expect(ring.find('500')).toBeUndefined()
    expect(ring.find('501')?.quantity).toBe(501)
    expect(ring.find('3500')?.quantity).toBe(3500)
  })
})

describe('PaperExchange clientOrderIds', () => {
  it('should refuse a chosen clientOrderId equal to the default id of a working order', () => {
    const ex = createPaperExchange({ balance: 100_000, instruments: { TESTUSDT: {} } })
    const first = ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'LIMIT', quantity: 1, price: 90 })
    expect(first.clientOrderId).toBe(`paper-${first.id}`)
    const again = {
      symbol: 'TESTUSDT',
      side: 'BUY',
      type: 'LIMIT',
      quantity: 1,
      price: 90,
      clientOrderId: first.clientOrderId,
    } as const
    expect(() => ex.placeOrderSync(again)).toThrow(/already used by a working order/)
    expect(ex.cancelOrderSync('TESTUSDT', first.clientOrderId).status).toBe('CANCELED')
    expect(ex.placeOrderSync(again).clientOrderId).toBe(first.clientOrderId)
  })
})
