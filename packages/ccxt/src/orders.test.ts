import { ExchangeError } from '@quantum/core'
import type { OrderRequest } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { fromCcxtOrder, isConditional, toCcxtOrder } from './orders.js'
import { offlineUsdm } from './test-markets.js'

const ex = offlineUsdm()
const BTC = 'BTC/USDT:USDT'
const market = ex.market(BTC)
const base = { symbol: 'BTCUSDT', quantity: 0.002, clientOrderId: 'qt-1' } as const

const rawOrder = {
  orderId: 123,
  symbol: 'BTCUSDT',
  status: 'NEW',
  clientOrderId: 'qt-1',
  price: '60000.1',
  avgPrice: '0',
  origQty: '0.002',
  executedQty: '0',
  cumQty: '0',
  cumQuote: '0',
  timeInForce: 'GTX',
  type: 'LIMIT',
  reduceOnly: false,
  closePosition: false,
  side: 'BUY',
  positionSide: 'BOTH',
  stopPrice: '0',
  workingType: 'CONTRACT_PRICE',
  priceProtect: false,
  origType: 'LIMIT',
  priceMatch: 'NONE',
  selfTradePreventionMode: 'EXPIRE_MAKER',
  goodTillDate: 0,
  updateTime: 1_700_000_000_000,
}
const rawAlgo = {
  algoId: 77,
  clientAlgoId: 'qt-2',
  algoType: 'CONDITIONAL',
  orderType: 'STOP_MARKET',
  symbol: 'BTCUSDT',
  side: 'SELL',
  positionSide: 'BOTH',
  timeInForce: 'GTC',
  quantity: '0.002',
  algoStatus: 'NEW',
  triggerPrice: '55000.1',
  price: '0',
  icebergQuantity: null,
  selfTradePreventionMode: 'EXPIRE_MAKER',
  workingType: 'CONTRACT_PRICE',
  priceMatch: 'NONE',
  closePosition: false,
  priceProtect: false,
  reduceOnly: true,
  createTime: 1_700_000_000_000,
  updateTime: 1_700_000_000_500,
  triggerTime: 0,
  goodTillDate: 0,
}

describe('toCcxtOrder', () => {
  it.each<[string, OrderRequest, object]>([
    [
      'market',
      { ...base, side: 'BUY', type: 'MARKET' },
      { type: 'market', side: 'buy', price: undefined, params: { clientOrderId: 'qt-1' } },
    ],
    [
      'reduce-only market',
      { ...base, side: 'SELL', type: 'MARKET', reduceOnly: true },
      { type: 'market', side: 'sell', params: { clientOrderId: 'qt-1', reduceOnly: true } },
    ],
    [
      'limit GTC',
      { ...base, side: 'BUY', type: 'LIMIT', price: 60_000.1 },
      { type: 'limit', price: 60_000.1, params: { clientOrderId: 'qt-1', timeInForce: 'GTC' } },
    ],
    [
      'post-only limit',
      { ...base, side: 'BUY', type: 'LIMIT', price: 60_000.1, timeInForce: 'GTX' },
      { type: 'limit', params: { clientOrderId: 'qt-1', postOnly: true } },
    ],
    [
      'stop market',
      { ...base, side: 'SELL', type: 'STOP_MARKET', triggerPrice: 55_000.1, reduceOnly: true },
      { type: 'STOP_MARKET', params: { clientOrderId: 'qt-1', reduceOnly: true, triggerPrice: 55_000.1 } },
    ],
    [
      'take-profit market',
      { ...base, side: 'SELL', type: 'TAKE_PROFIT_MARKET', triggerPrice: 65_000, reduceOnly: true },
      { type: 'TAKE_PROFIT_MARKET', params: { clientOrderId: 'qt-1', reduceOnly: true, triggerPrice: 65_000 } },
    ],
  ])('should map a %s request', (_, request, expected) => {
    const args = toCcxtOrder({ ...request, quantity: 0.002, clientOrderId: 'qt-1' }, BTC)
    expect(args).toMatchObject({ symbol: BTC, amount: 0.002, ...expected })
    expect(isConditional(request.type)).toBe(request.type.endsWith('_MARKET') && request.type !== 'MARKET')
  })
})

describe('fromCcxtOrder', () => {
  it('should map a parsed regular order from Binance fields', () => {
    const order = fromCcxtOrder(ex.parseOrder(rawOrder, market), { tag: 'entry', now: 1 })
    expect(order).toEqual({
      id: '123',
      clientOrderId: 'qt-1',
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      status: 'NEW',
      quantity: 0.002,
      price: 60_000.1,
      reduceOnly: false,
      timeInForce: 'GTX',
      filledQuantity: 0,
      averagePrice: 0,
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_000,
      tag: 'entry',
    })
  })

  it('should map a parsed algo (conditional) order with its trigger', () => {
    const order = fromCcxtOrder(ex.parseOrder(rawAlgo, market), { now: 1 })
    expect(order).toMatchObject({
      id: '77',
      clientOrderId: 'qt-2',
      type: 'STOP_MARKET',
      status: 'NEW',
      triggerPrice: 55_000.1,
      reduceOnly: true,
      quantity: 0.002,
    })
    const triggered = fromCcxtOrder(ex.parseOrder({ ...rawAlgo, algoStatus: 'TRIGGERED' }, market), { now: 1 })
    expect(triggered.status).toBe('FILLED')
  })

  it('should map fills and cancellations', () => {
    const filled = {
      ...rawOrder,
      type: 'MARKET',
      origType: 'MARKET',
      status: 'FILLED',
      executedQty: '0.002',
      avgPrice: '60010.5',
      price: '0',
    }
    expect(fromCcxtOrder(ex.parseOrder(filled, market), { now: 1 })).toMatchObject({
      status: 'FILLED',
      filledQuantity: 0.002,
      averagePrice: 60_010.5,
    })
    expect(fromCcxtOrder(ex.parseOrder({ ...rawOrder, status: 'CANCELED' }, market), { now: 1 }).status).toBe(
      'CANCELED',
    )
  })

  it('should refuse a malformed reply with an ExchangeError naming the field', () => {
    const parsed = ex.parseOrder(rawOrder, market) as unknown as Record<string, unknown>
    expect(() => fromCcxtOrder({ ...parsed, side: undefined }, { now: 1 })).toThrow(/side/)
    expect(() => fromCcxtOrder({ ...parsed, amount: 'lots' }, { now: 1 })).toThrow(ExchangeError)
    expect(() => fromCcxtOrder({ ...parsed, info: { ...rawOrder, status: 'WEIRD' } }, { now: 1 })).toThrow(
      /status "WEIRD"/,
    )
    expect(() =>
      fromCcxtOrder(
        { ...parsed, info: { ...rawOrder, type: 'TRAILING_STOP_MARKET', origType: 'TRAILING_STOP_MARKET' } },
        { now: 1 },
      ),
    ).toThrow(/type/)
    expect(() => fromCcxtOrder(null, { now: 1 })).toThrow(ExchangeError)
  })
})
