import { describe, expect, it } from 'vitest'
import { InvalidOrder } from '../errors.js'
import { OrderRequestSchema } from '../schemas.js'
import { checkOrderRequest } from './check-request.js'

const valid = [
  { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.01 },
  { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quoteQuantity: 100, tag: 'entry' },
  { symbol: 'ETHUSDT', side: 'BUY', type: 'LIMIT', quantity: 1, price: 2000, timeInForce: 'GTX' },
  { symbol: 'ETHUSDT', side: 'SELL', type: 'STOP_MARKET', quantity: 1, triggerPrice: 1900, reduceOnly: true },
  { symbol: 'BNBUSDT', side: 'BUY', type: 'TAKE_PROFIT_MARKET', quantity: 1, triggerPrice: 500, clientOrderId: 'x-1' },
]
const invalid: [Record<string, unknown>, string][] = [
  [{ symbol: 'btcusdt', side: 'BUY', type: 'MARKET', quantity: 1 }, 'symbol'],
  [{ symbol: 'BTCUSDT', side: 'LONG', type: 'MARKET', quantity: 1 }, 'side'],
  [{ symbol: 'BTCUSDT', side: 'BUY', type: 'STOP', quantity: 1 }, 'type'],
  [{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: -1 }, 'quantity'],
  [{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: Number.NaN }, 'quantity'],
  [{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET' }, 'quantity'],
  [{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 1, quoteQuantity: 10 }, 'quantity'],
  [{ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: 1 }, 'price'],
  [{ symbol: 'BTCUSDT', side: 'BUY', type: 'STOP_MARKET', quantity: 1 }, 'triggerPrice'],
  [{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 1, reduceOnly: 'yes' }, 'reduceOnly'],
  [{ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: 1, price: 1, timeInForce: 'DAY' }, 'timeInForce'],
  [{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 1, clientOrderId: '' }, 'clientOrderId'],
  [{ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 1, price: Infinity }, 'price'],
]

describe('checkOrderRequest', () => {
  it('should accept what OrderRequestSchema accepts', () => {
    for (const r of valid) {
      expect(OrderRequestSchema.safeParse(r).success).toBe(true)
      expect(checkOrderRequest(r)).toBe(r)
    }
  })

  it('should refuse what OrderRequestSchema refuses, naming the field', () => {
    for (const [r, field] of invalid) {
      expect(OrderRequestSchema.safeParse(r).success).toBe(false)
      let caught: unknown
      try {
        checkOrderRequest(r)
      } catch (e) {
        caught = e
      }
      expect(caught).toBeInstanceOf(InvalidOrder)
      expect((caught as InvalidOrder).field).toBe(field)
      expect((caught as InvalidOrder).code).toBe('INVALID_ORDER')
    }
  })

  it('should refuse a non-object', () => {
    expect(() => checkOrderRequest(null)).toThrow(InvalidOrder)
  })
})
