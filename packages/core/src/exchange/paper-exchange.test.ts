import { describe, expect, it } from 'vitest'
import { ConfigError, InsufficientFunds, InvalidOrder } from '../errors.js'
import type { Fill, Order } from '../schemas.js'
import type { ExchangeEvent } from '../types.js'
import type { PaperExchangeOptions } from './options.js'
import { createPaperExchange } from './paper-exchange.js'

const T0 = 1_700_000_000_000
const HOUR = 3_600_000
const bar = (i: number, [open, high, low, close]: [number, number, number, number]) => ({
  openTime: T0 + i * HOUR,
  open,
  high,
  low,
  close,
})

/** An exchange with a synthetic TESTUSDT (no rounding, no minimums) and a recorded event list. */
function setup(options: PaperExchangeOptions = {}) {
  const ex = createPaperExchange({ balance: 100_000, instruments: { TESTUSDT: {} }, ...options })
  const events: ExchangeEvent[] = []
  ex.events$.subscribe((e) => events.push(e))
  const fills = (): Fill[] => events.flatMap((e) => (e.type === 'fill' || e.type === 'liquidation' ? [e.fill] : []))
  const statuses = (id: string): string[] =>
    events.flatMap((e) => (e.type === 'order' && e.order.id === id ? [e.order.status] : []))
  return { ex, events, fills, statuses }
}

function thrown(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  return undefined
}

describe('PaperExchange market orders', () => {
  it('should fill at the next open with the taker fee', () => {
    const { ex, fills } = setup()
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'MARKET', quantity: 2 })
    ex.onBar('TESTUSDT', bar(0, [100, 110, 90, 105]))
    expect(fills()).toMatchObject([{ price: 100, quantity: 2, fee: 0.1, liquidity: 'taker', realizedPnl: 0 }])
    expect(ex.account.getPosition('TESTUSDT')).toMatchObject({
      side: 'LONG',
      quantity: 2,
      entryPrice: 100,
      markPrice: 105,
      unrealizedPnl: 10,
    })
    expect(ex.account.getBalance()).toEqual({
      asset: 'USDT',
      wallet: 99_999.9,
      available: 99_999.9 - 200,
      equity: 100_009.9,
    })
  })

  it('should not fill on the bar already processed but on the next one', () => {
    const { ex, fills } = setup()
    ex.onBar('TESTUSDT', bar(0, [100, 110, 90, 105]))
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'SELL', type: 'MARKET', quantity: 1 })
    expect(fills()).toEqual([])
    ex.onBar('TESTUSDT', bar(1, [104, 106, 100, 101]))
    expect(fills()).toMatchObject([{ price: 104, side: 'SELL' }])
    expect(ex.account.getPosition('TESTUSDT')).toMatchObject({ side: 'SHORT', quantity: 1, unrealizedPnl: 3 })
  })

  it('should apply bps slippage against the taker and a custom slippage function', () => {
    const bps = setup({ slippage: { type: 'bps', bps: 10 } })
    bps.ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'MARKET', quantity: 1 })
    bps.ex.onBar('TESTUSDT', bar(0, [100, 100, 100, 100]))
    expect(bps.fills()[0]!.price).toBeCloseTo(100.1, 12)
    const fn = setup({ slippage: { type: 'fn', fn: (c) => c.price + (c.side === 'BUY' ? 0.5 : -0.5) } })
    fn.ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'SELL', type: 'MARKET', quantity: 1 })
    fn.ex.onBar('TESTUSDT', bar(0, [100, 100, 100, 100]))
    expect(fn.fills()[0]!.price).toBe(99.5)
  })

  it('should size a quoteQuantity order at the fill price, truncated to the step', () => {
    const { ex, fills } = setup()
    ex.placeOrderSync({ symbol: 'BNBUSDT', side: 'BUY', type: 'MARKET', quoteQuantity: 1000 })
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'MARKET', quoteQuantity: 1000 })
    ex.onBar('BNBUSDT', bar(0, [613.37, 615, 610, 612]))
    ex.onBar('TESTUSDT', bar(0, [300, 300, 300, 300]))
    expect(fills().map((f) => f.quantity)).toEqual([1.63, 1000 / 300])
  })

  it('should reject at the fill, as an event, an order the margin no longer covers', () => {
    const { ex, statuses, fills } = setup({ balance: 1000 })
    const order = ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'MARKET', quantity: 20 })
    ex.onBar('TESTUSDT', bar(0, [100, 100, 100, 100]))
    expect(statuses(order.id)).toEqual(['NEW', 'REJECTED'])
    expect(fills()).toEqual([])
    expect(ex.account.getOpenOrders()).toEqual([])
  })
})

describe('PaperExchange limit orders', () => {
  it('should rest, then fill at the limit price as maker when the bar trades through it', () => {
    const { ex, fills } = setup()
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'LIMIT', quantity: 10, price: 95 })
    ex.onBar('TESTUSDT', bar(0, [100, 110, 96, 105]))
    ex.onBar('TESTUSDT', bar(1, [100, 101, 95, 100]))
    expect(fills()).toEqual([])
    ex.onBar('TESTUSDT', bar(2, [100, 101, 94.9, 100]))
    expect(fills()).toMatchObject([{ price: 95, quantity: 10, liquidity: 'maker' }])
    expect(fills()[0]!.fee).toBeCloseTo(0.0002 * 10 * 95, 12)
  })

  it('should fill on a touch with limitFill touch', () => {
    const { ex, fills } = setup({ limitFill: 'touch' })
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'SELL', type: 'LIMIT', quantity: 1, price: 110 })
    ex.onBar('TESTUSDT', bar(0, [100, 110, 96, 105]))
    expect(fills()).toMatchObject([{ price: 110, liquidity: 'maker' }])
  })

  it('should fill a marketable limit at the open as taker', () => {
    const { ex, fills } = setup()
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'LIMIT', quantity: 1, price: 105 })
    ex.onBar('TESTUSDT', bar(0, [100, 110, 90, 105]))
    expect(fills()).toMatchObject([{ price: 100, liquidity: 'taker', fee: 0.05 }])
  })

  it('should expire IOC limits not marketable at the open and post-only limits that would take', () => {
    const { ex, statuses, fills } = setup()
    const ioc = ex.placeOrderSync({
      symbol: 'TESTUSDT',
      side: 'BUY',
      type: 'LIMIT',
      quantity: 1,
      price: 95,
      timeInForce: 'IOC',
    })
    const gtx = ex.placeOrderSync({
      symbol: 'TESTUSDT',
      side: 'SELL',
      type: 'LIMIT',
      quantity: 1,
      price: 99,
      timeInForce: 'GTX',
    })
    ex.onBar('TESTUSDT', bar(0, [100, 110, 90, 105]))
    expect(statuses(ioc.id)).toEqual(['NEW', 'EXPIRED'])
    expect(statuses(gtx.id)).toEqual(['NEW', 'EXPIRED'])
    expect(fills()).toEqual([])
  })
})

describe('PaperExchange trigger orders', () => {
  it('should fill a stop at its trigger, or at the open when the bar opens beyond it', () => {
    const { ex, fills } = setup()
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'SELL', type: 'STOP_MARKET', quantity: 1, triggerPrice: 95 })
    ex.onBar('TESTUSDT', bar(0, [100, 101, 94, 96]))
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'SELL', type: 'STOP_MARKET', quantity: 1, triggerPrice: 95 })
    ex.onBar('TESTUSDT', bar(1, [93, 97, 92, 96]))
    expect(fills()).toMatchObject([
      { price: 95, liquidity: 'taker' },
      { price: 93, liquidity: 'taker' },
    ])
    expect(fills()[0]!.fee).toBeCloseTo(0.0005 * 95, 12)
  })

  it('should trigger a buy stop on the high and a take-profit on the favourable side', () => {
    const { ex, fills } = setup()
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'STOP_MARKET', quantity: 1, triggerPrice: 105 })
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'SELL', type: 'TAKE_PROFIT_MARKET', quantity: 1, triggerPrice: 108 })
    ex.onBar('TESTUSDT', bar(0, [100, 106, 99, 104]))
    ex.onBar('TESTUSDT', bar(1, [104, 109, 103, 107]))
    expect(fills()).toMatchObject([
      { side: 'BUY', price: 105 },
      { side: 'SELL', price: 108, realizedPnl: 3 },
    ])
  })

  it('should slip stop-market fills with the bps model', () => {
    const { ex, fills } = setup({ slippage: { type: 'bps', bps: 10 } })
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'SELL', type: 'STOP_MARKET', quantity: 1, triggerPrice: 95 })
    ex.onBar('TESTUSDT', bar(0, [100, 101, 94, 96]))
    expect(fills()[0]!.price).toBeCloseTo(94.905, 12)
  })
})

describe('PaperExchange positions', () => {
  it('should average the entry price on adds', () => {
    const { ex } = setup()
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'MARKET', quantity: 1 })
    ex.onBar('TESTUSDT', bar(0, [100, 100, 100, 100]))
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'MARKET', quantity: 3 })
    ex.onBar('TESTUSDT', bar(1, [120, 120, 120, 120]))
    expect(ex.account.getPosition('TESTUSDT')).toMatchObject({ quantity: 4, entryPrice: 115, margin: 460 })
  })

  it('should release margin in proportion and realise PnL on a partial close', () => {
    const { ex, fills } = setup()
    ex.setLeverageSync('TESTUSDT', 4)
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'SELL', type: 'MARKET', quantity: 4 })
    ex.onBar('TESTUSDT', bar(0, [100, 100, 100, 100]))
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'MARKET', quantity: 1, reduceOnly: true })
    ex.onBar('TESTUSDT', bar(1, [90, 90, 90, 90]))
    expect(fills()[1]).toMatchObject({ realizedPnl: 10, reduceOnly: true })
    expect(ex.account.getPosition('TESTUSDT')).toMatchObject({
      side: 'SHORT',
      quantity: 3,
      margin: 75,
      entryPrice: 100,
    })
  })

  it('should flip: close the position and open the rest on the other side', () => {
    const { ex, fills } = setup()
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'MARKET', quantity: 1 })
    ex.onBar('TESTUSDT', bar(0, [100, 100, 100, 100]))
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'SELL', type: 'MARKET', quantity: 3 })
    ex.onBar('TESTUSDT', bar(1, [110, 110, 110, 110]))
    expect(fills()[1]).toMatchObject({ quantity: 3, realizedPnl: 10 })
    expect(ex.account.getPosition('TESTUSDT')).toMatchObject({
      side: 'SHORT',
      quantity: 2,
      entryPrice: 110,
      margin: 220,
      openedAt: T0 + HOUR,
    })
  })

  it('should cut a reduce-only order to the position and never flip', () => {
    const { ex, fills } = setup()
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'MARKET', quantity: 2 })
    ex.onBar('TESTUSDT', bar(0, [100, 100, 100, 100]))
    const order = ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'SELL', type: 'MARKET', quantity: 5, reduceOnly: true })
    expect(order).toMatchObject({ quantity: 2, reason: 'reduce-only: quantity cut from 5 to the position size 2' })
    ex.onBar('TESTUSDT', bar(1, [100, 100, 100, 100]))
    expect(fills()[1]).toMatchObject({ quantity: 2 })
    expect(ex.account.getPosition('TESTUSDT').side).toBe('FLAT')
  })

  it('should expire a reduce-only stop that has no position when it triggers', () => {
    const { ex, statuses, fills } = setup()
    const stop = ex.placeOrderSync({
      symbol: 'TESTUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      quantity: 1,
      triggerPrice: 95,
      reduceOnly: true,
    })
    ex.onBar('TESTUSDT', bar(0, [100, 100, 90, 100]))
    expect(statuses(stop.id)).toEqual(['NEW', 'EXPIRED'])
    expect(fills()).toEqual([])
    const last = ex.account.getOpenOrders()
    expect(last).toEqual([])
  })

  it('should refuse a reduce-only MARKET order without a position', () => {
    const { ex } = setup()
    const error = thrown(() =>
      ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'SELL', type: 'MARKET', quantity: 1, reduceOnly: true }),
    )
    expect(error).toBeInstanceOf(InvalidOrder)
    expect(error).toMatchObject({ field: 'reduceOnly' })
  })
})

describe('PaperExchange order entry', () => {
  it('should return the rounded order and emit its event', () => {
    const { ex, events } = setup()
    const order = ex.placeOrderSync({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      quantity: 0.0025,
      price: 60000.06,
    })
    expect(order).toMatchObject({ quantity: 0.002, price: 60000.1, status: 'NEW', timeInForce: 'GTC' })
    expect(order.reason).toBe('rounded to precision: quantity 0.0025 -> 0.002, price 60000.06 -> 60000.1')
    expect(events).toEqual([{ type: 'order', order }])
  })

  it('should reject below BTCUSDT min notional unless reduce-only', () => {
    const { ex } = setup()
    const low = { symbol: 'BTCUSDT', side: 'SELL', type: 'LIMIT', quantity: 0.001, price: 60000 } as const
    expect(thrown(() => ex.placeOrderSync(low))).toMatchObject({ symbol: 'BTCUSDT', field: 'quantity' })
    ex.placeOrderSync({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.002 })
    ex.onBar('BTCUSDT', bar(0, [60000, 60000, 60000, 60000]))
    expect(ex.placeOrderSync({ ...low, reduceOnly: true })).toMatchObject({ status: 'NEW', reduceOnly: true })
    const market = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.001 } as const
    expect(thrown(() => ex.placeOrderSync(market))).toBeInstanceOf(InvalidOrder)
  })

  it('should throw InsufficientFunds when margin and fee exceed available', () => {
    const { ex } = setup({ balance: 1000 })
    const big = { symbol: 'TESTUSDT', side: 'BUY', type: 'LIMIT', quantity: 10, price: 100 } as const
    expect(thrown(() => ex.placeOrderSync(big))).toBeInstanceOf(InsufficientFunds)
    ex.setLeverageSync('TESTUSDT', 2)
    expect(ex.placeOrderSync(big).status).toBe('NEW')
    expect(ex.account.getBalance().available).toBeCloseTo(1000 - 500 - 0.5, 9)
    expect(thrown(() => ex.placeOrderSync(big))).toBeInstanceOf(InsufficientFunds)
  })

  it('should refuse duplicate working clientOrderIds, unknown symbols and misplaced fields', () => {
    const { ex } = setup()
    const req = { symbol: 'TESTUSDT', side: 'BUY', type: 'LIMIT', quantity: 1, price: 90, clientOrderId: 'a1' } as const
    ex.placeOrderSync(req)
    expect(thrown(() => ex.placeOrderSync(req))).toMatchObject({ field: 'clientOrderId' })
    ex.cancelOrderSync('TESTUSDT', 'a1')
    expect(ex.placeOrderSync(req).clientOrderId).toBe('a1')
    expect(thrown(() => ex.placeOrderSync({ ...req, symbol: 'NOPEUSDT' }))).toMatchObject({ field: 'symbol' })
    expect(thrown(() => ex.placeOrderSync({ ...req, type: 'MARKET' }))).toMatchObject({ field: 'price' })
    expect(thrown(() => ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'MARKET' }))).toMatchObject({
      field: 'quantity',
    })
  })

  it('should cancel by id, return a finished order unchanged, and cancel all', async () => {
    const { ex, statuses } = setup()
    const a = ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'LIMIT', quantity: 1, price: 90 })
    const b = ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'LIMIT', quantity: 1, price: 91 })
    const c = ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'LIMIT', quantity: 1, price: 92 })
    expect((await ex.cancelOrder('TESTUSDT', a.id)).status).toBe('CANCELED')
    expect((await ex.cancelOrder('TESTUSDT', a.id)).status).toBe('CANCELED')
    expect((await ex.cancelAllOrders('TESTUSDT')).map((o: Order) => o.id)).toEqual([b.id, c.id])
    expect(statuses(c.id)).toEqual(['NEW', 'CANCELED'])
    await expect(ex.cancelOrder('TESTUSDT', 'nope')).rejects.toBeInstanceOf(InvalidOrder)
  })

  it('should check leverage against the first bracket and the options', async () => {
    const { ex } = setup()
    await ex.setLeverage('BTCUSDT', 125)
    await expect(ex.setLeverage('BNBUSDT', 76)).rejects.toMatchObject({ field: 'leverage' })
    expect(ex.account.getPosition('BTCUSDT').leverage).toBe(125)
    expect(() => createPaperExchange({ leverage: 100 })).toThrow(ConfigError)
    expect(() => createPaperExchange({ makerFee: 'x' } as never)).toThrow(ConfigError)
  })
})

describe('PaperExchange funding', () => {
  const funding = { TESTUSDT: { time: [T0 + HOUR, T0 + 2 * HOUR], rate: [0.0001, -0.0002] } }

  it('should make longs pay positive rates at the bar open price', () => {
    const { ex, events } = setup({ funding })
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'MARKET', quantity: 10 })
    ex.onBar('TESTUSDT', bar(0, [100, 100, 100, 100]))
    ex.onBar('TESTUSDT', bar(1, [200, 200, 200, 200]))
    ex.onBar('TESTUSDT', bar(2, [100, 100, 100, 100]))
    const payments = events.flatMap((e) => (e.type === 'funding' ? [e.funding] : []))
    expect(payments).toMatchObject([
      { time: T0 + HOUR, rate: 0.0001, markPrice: 200, positionQuantity: 10, payment: -0.2 },
      { time: T0 + 2 * HOUR, rate: -0.0002, markPrice: 100, payment: 0.2 },
    ])
    expect(ex.ledger().funding).toBeCloseTo(0, 12)
  })

  it('should make shorts receive positive rates, valued at a supplied mark price', () => {
    const mark = { TESTUSDT: { time: [T0 + HOUR], open: [150], high: [150], low: [150], close: [150] } }
    const { ex, events } = setup({ funding, markPrices: mark })
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'SELL', type: 'MARKET', quantity: 10 })
    ex.onBar('TESTUSDT', bar(0, [100, 100, 100, 100]))
    ex.onBar('TESTUSDT', bar(1, [200, 200, 200, 200]))
    const first = events.find((e) => e.type === 'funding')
    expect(first).toMatchObject({ funding: { markPrice: 150, positionQuantity: -10, payment: 0.15 } })
    expect(ex.ledger().wallet).toBeCloseTo(100_000 - 0.5 + 0.15, 9)
  })

  it('should charge nothing while flat and reject a bad series', () => {
    const { ex, events } = setup({ funding })
    ex.onBar('TESTUSDT', bar(3, [100, 100, 100, 100]))
    expect(events).toEqual([])
    const bad = { TESTUSDT: { time: [2, 1], rate: [0, 0] } }
    expect(() => createPaperExchange({ instruments: { TESTUSDT: {} }, funding: bad })).toThrow(
      /funding.TESTUSDT.time.1/,
    )
  })
})

describe('PaperExchange account events', () => {
  /** Places and fills an order, then places and cancels a stop, then has an order rejected at its fill. */
  function trade(ex: ReturnType<typeof createPaperExchange>): void {
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'MARKET', quantity: 1 })
    ex.onBar('TESTUSDT', bar(0, [100, 101, 99, 100]))
    const stop = ex.placeOrderSync({
      symbol: 'TESTUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      triggerPrice: 90,
      quantity: 1,
      reduceOnly: true,
    })
    ex.cancelOrderSync('TESTUSDT', stop.id)
    ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'BUY', type: 'MARKET', quantity: 900 })
    ex.onBar('TESTUSDT', bar(1, [120, 120, 120, 120]))
  }
  const kinds = (events: readonly ExchangeEvent[]): string[] =>
    events.map((e) => (e.type === 'order' ? `order:${e.order.status}` : e.type))

  it('should build no order event of a working order while its only subscriber does not want them', () => {
    const ex = createPaperExchange({ balance: 100_000, instruments: { TESTUSDT: {} } })
    const events: ExchangeEvent[] = []
    ex.accountEvents(() => false).subscribe((e) => events.push(e))
    trade(ex)
    // The fill and the rejection still arrive; placed, filled and cancelled orders are not built.
    expect(kinds(events)).toEqual(['fill', 'order:REJECTED'])
  })

  it('should send every order event while the lean subscriber wants them, or while anyone else listens', () => {
    const full = createPaperExchange({ balance: 100_000, instruments: { TESTUSDT: {} } })
    const reference: ExchangeEvent[] = []
    full.events$.subscribe((e) => reference.push(e))
    trade(full)
    expect(kinds(reference)).toContain('order:CANCELED')

    let wants = true
    const ex = createPaperExchange({ balance: 100_000, instruments: { TESTUSDT: {} } })
    const lean: ExchangeEvent[] = []
    ex.accountEvents(() => wants).subscribe((e) => lean.push(e))
    trade(ex)
    expect(kinds(lean)).toEqual(kinds(reference))

    wants = false
    const other = createPaperExchange({ balance: 100_000, instruments: { TESTUSDT: {} } })
    const leanToo: ExchangeEvent[] = []
    other.accountEvents(() => wants).subscribe((e) => leanToo.push(e))
    const sub = other.events$.subscribe(() => undefined)
    trade(other)
    expect(kinds(leanToo)).toEqual(kinds(reference))
    sub.unsubscribe()
    const before = leanToo.length
    other.placeOrderSync({ symbol: 'TESTUSDT', side: 'SELL', type: 'MARKET', quantity: 1 })
    expect(leanToo.length).toBe(before)
  })
})

describe('PaperExchange submitOrderSync', () => {
  it('should book, round, report and refuse orders exactly as placeOrderSync does, returning the id', () => {
    const requests = [
      { symbol: 'BNBUSDT', side: 'BUY', type: 'MARKET', quantity: 1.2345 },
      { symbol: 'BNBUSDT', side: 'SELL', type: 'LIMIT', price: 700.123, quantity: 0.5, clientOrderId: 'mine' },
      { symbol: 'BNBUSDT', side: 'SELL', type: 'MARKET', quantity: 0 },
    ] as const
    const run = (submit: boolean) => {
      const { ex, events } = setup()
      const ids: unknown[] = []
      for (const request of requests) {
        try {
          ids.push(submit ? ex.submitOrderSync(request) : ex.placeOrderSync(request).id)
        } catch (error) {
          ids.push(error)
        }
      }
      ex.onBar('BNBUSDT', bar(0, [613.37, 615, 610, 612]))
      return { ids, events, open: ex.account.getOpenOrders('BNBUSDT') }
    }
    const placed = run(false)
    const submitted = run(true)
    expect(submitted).toEqual(placed)
    expect(placed.ids[2]).toBeInstanceOf(InvalidOrder)
    expect(placed.events.some((e) => e.type === 'order' && e.order.clientOrderId === 'mine')).toBe(true)
  })
})
