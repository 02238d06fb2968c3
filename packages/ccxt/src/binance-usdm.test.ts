import { ConfigError, ExchangeError, InsufficientFunds, InvalidOrder, RateLimitExceeded } from '@quantum/core'
import type { ExchangeEvent } from '@quantum/core'
import ccxt from 'ccxt'
import { describe, expect, it } from 'vitest'
import { BinanceUsdmExchange } from './binance-usdm.js'
import { FakeUsdm } from './fake-client.js'

const fast = { sleep: async () => Promise.resolve(), random: () => 0 }

async function connect(fake = new FakeUsdm()) {
  const exchange = await BinanceUsdmExchange.connect({
    client: fake,
    symbols: ['BTCUSDT', 'BNBUSDT'],
    retry: fast,
    now: () => 1_700_000_000_000,
  })
  const events: ExchangeEvent[] = []
  exchange.events$.subscribe((e) => events.push(e))
  exchange.account.setLastPrice('BTCUSDT', 60_000)
  return { exchange, fake, events }
}

describe('BinanceUsdmExchange', () => {
  it('should refuse an entry above 80 % of the weight budget at once, and still send stops and cancels', async () => {
    const { exchange, fake } = await connect()
    fake.last_response_headers = { 'X-Mbx-Used-Weight-1m': '2300' } // 96 % of 2400, seen on the next reply
    const stop = await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      quantity: 0.01,
      triggerPrice: 55_000,
      reduceOnly: true,
    })
    const sent = fake.callsOf('createOrder').length
    const entry = exchange.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.01 })
    await expect(entry).rejects.toThrow(RateLimitExceeded)
    await expect(entry).rejects.toThrow(/entry dropped \(nothing sent\)/)
    expect(fake.callsOf('createOrder')).toHaveLength(sent) // nothing reached the venue
    const close = await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: 0.01,
      reduceOnly: true,
    })
    expect(close.reduceOnly).toBe(true) // a close is never held
    await exchange.cancelOrder('BTCUSDT', stop.id) // nor a cancel (it would wait for the next minute otherwise)
    expect(fake.callsOf('cancelOrder')).toHaveLength(1)
  })

  it('should refuse the leverage step of an entry above the weight threshold instead of holding its lane', async () => {
    const { exchange, fake } = await connect()
    fake.last_response_headers = { 'X-Mbx-Used-Weight-1m': '2300' }
    await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      quantity: 0.01,
      triggerPrice: 55_000,
      reduceOnly: true,
    })
    const started = Date.now()
    await expect(exchange.setLeverage('BTCUSDT', 5)).rejects.toThrow(RateLimitExceeded)
    expect(Date.now() - started).toBeLessThan(1_000) // refused at once, not after the next minute
    expect(fake.callsOf('setLeverage')).toHaveLength(0)
  })

  it('should refuse symbols the venue does not list with a ConfigError', async () => {
    await expect(
      BinanceUsdmExchange.connect({ client: new FakeUsdm(), symbols: ['BTCUSDT', 'DOGEUSDT'] }),
    ).rejects.toThrow(ConfigError)
  })

  it('should refuse an account in hedge mode with a ConfigError before a snapshot or an order', async () => {
    const fake = new FakeUsdm()
    fake.hedged = true
    const error = await BinanceUsdmExchange.connect({ client: fake, symbols: ['BTCUSDT'], retry: fast }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues[0]).toMatchObject({ path: 'positionMode' })
    expect(fake.calls.map((c) => c.method)).toEqual(['fetchPositionMode'])
  })

  it('should load instruments from the venue and take a first snapshot', async () => {
    const fake = new FakeUsdm()
    fake.balance = { totalWalletBalance: '5000', availableBalance: '4000', totalMarginBalance: '5100' }
    const { exchange } = await connect(fake)
    expect(exchange.instrument('BTCUSDT')).toMatchObject({ tickSize: 0.1, stepSize: 0.001, minNotional: 100 })
    expect(exchange.account.getBalance()).toEqual({ asset: 'USDT', wallet: 5000, available: 4000, equity: 5100 })
    expect(fake.callsOf('fetchOpenOrders')).toHaveLength(4) // two symbols, regular and algo
    expect(fake.calls[0]?.method).toBe('fetchPositionMode') // one-way mode checked first
  })

  it('should round and check an order before sending it, and keep its tag', async () => {
    const { exchange, fake, events } = await connect()
    const order = await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      quantity: 0.0029999,
      price: 60_000.06,
      tag: 'entry',
    })
    const [symbol, type, side, amount, price, params] = fake.callsOf('createOrder')[0]!.args
    expect([symbol, type, side, amount, price]).toEqual(['BTC/USDT:USDT', 'limit', 'buy', 0.002, 60_000.1])
    expect(params).toMatchObject({ timeInForce: 'GTC', clientOrderId: order.clientOrderId })
    expect(order).toMatchObject({ status: 'NEW', quantity: 0.002, price: 60_000.1, tag: 'entry' })
    expect(exchange.account.getOpenOrders('BTCUSDT')).toHaveLength(1)
    expect(events.map((e) => e.type)).toEqual(['order'])
    await expect(
      exchange.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.001 }),
    ).rejects.toThrow(/MIN_NOTIONAL 100/)
    expect(fake.callsOf('createOrder')).toHaveLength(1) // the refused order never left
  })

  it('should not duplicate an order whose reply was lost: it is found by client id', async () => {
    const { exchange, fake } = await connect()
    fake.failNext('createOrder', new ccxt.RequestTimeout('binanceusdm POST timed out'), true)
    const order = await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      quantity: 0.002,
      triggerPrice: 55_000,
      reduceOnly: true,
    })
    expect(fake.callsOf('createOrder')).toHaveLength(1)
    expect(fake.callsOf('fetchOrder')[0]!.args[2]).toMatchObject({ clientOrderId: order.clientOrderId, trigger: true })
    expect(fake.orders.size).toBe(1)
    expect(order).toMatchObject({ type: 'STOP_MARKET', triggerPrice: 55_000, reduceOnly: true })
  })

  it('should resend after a 5xx when the venue does not have the order, with the same client id', async () => {
    const { exchange, fake } = await connect()
    fake.failNext('createOrder', new ccxt.ExchangeNotAvailable('binanceusdm 502 Bad Gateway'))
    const order = await exchange.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.002 })
    const ids = fake.callsOf('createOrder').map((c) => (c.args[5] as { clientOrderId: string }).clientOrderId)
    expect(ids).toEqual([order.clientOrderId, order.clientOrderId])
    expect(fake.orders.size).toBe(1)
  })

  it('should map a margin rejection to InsufficientFunds and leave the state unchanged', async () => {
    const { exchange, fake, events } = await connect()
    fake.failNext(
      'createOrder',
      new ccxt.InsufficientFunds('binanceusdm {"code":-2019,"msg":"Margin is insufficient."}'),
    )
    const error = await exchange
      .placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.01 })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InsufficientFunds)
    expect((error as Error).message).toContain('-2019')
    expect(exchange.account.getOpenOrders()).toHaveLength(0)
    expect(events).toHaveLength(0)
    expect(fake.callsOf('createOrder')).toHaveLength(1)
  })

  it('should cancel conditional orders through the algo service', async () => {
    const { exchange, fake } = await connect()
    const stop = await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      quantity: 0.002,
      triggerPrice: 55_000,
      reduceOnly: true,
      tag: 'stop',
    })
    const cancelled = await exchange.cancelOrder('BTCUSDT', stop.id)
    expect(fake.callsOf('cancelOrder')[0]!.args).toEqual([stop.id, 'BTC/USDT:USDT', { trigger: true }])
    expect(cancelled).toMatchObject({ id: stop.id, status: 'CANCELED', tag: 'stop' })
    expect(exchange.account.getOpenOrders()).toHaveLength(0)
    await expect(exchange.cancelOrder('BTCUSDT', '999')).rejects.toBeInstanceOf(InvalidOrder) // -2011
  })

  it('should cancel both regular and conditional orders of a symbol', async () => {
    const { exchange, fake } = await connect()
    await exchange.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: 0.002, price: 59_000 })
    await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      quantity: 0.002,
      triggerPrice: 55_000,
      reduceOnly: true,
    })
    const cancelled = await exchange.cancelAllOrders('BTCUSDT')
    expect(cancelled.map((o) => o.status)).toEqual(['CANCELED', 'CANCELED'])
    expect(fake.callsOf('cancelAllOrders').map((c) => c.args[1])).toEqual([{}, { trigger: true }])
    expect(fake.orders.size).toBe(0)
  })

  it('should turn stream executions into fills that move the position, each trade once', async () => {
    const { exchange, events } = await connect()
    const parser = new FakeUsdm().parser
    const trade = (id: number, side: 'BUY' | 'SELL', qty: string, price: string, rp = '0'): unknown =>
      parser.parseWsTrade({
        s: 'BTCUSDT',
        c: 'qt-x',
        S: side,
        o: 'MARKET',
        x: 'TRADE',
        X: 'FILLED',
        i: 5,
        l: qty,
        L: price,
        N: 'USDT',
        n: '0.05',
        T: 1_700_000_000_000 + id,
        t: id,
        m: false,
        R: false,
        rp,
      })
    exchange.onTrade(trade(1, 'BUY', '0.002', '60000'))
    exchange.onTrade(trade(2, 'BUY', '0.002', '61000'))
    exchange.onTrade(trade(2, 'BUY', '0.002', '61000')) // replayed after a reconnect
    expect(exchange.account.getPosition('BTCUSDT')).toMatchObject({ side: 'LONG', quantity: 0.004, entryPrice: 60_500 })
    exchange.onTrade(trade(3, 'SELL', '0.006', '62000', '6'))
    expect(exchange.account.getPosition('BTCUSDT')).toMatchObject({
      side: 'SHORT',
      quantity: 0.002,
      entryPrice: 62_000,
    })
    const fills = events.filter((e) => e.type === 'fill')
    expect(fills).toHaveLength(3)
    expect(fills[2]?.type === 'fill' && fills[2].fill.realizedPnl).toBe(6)
  })

  it('should reconcile: report orders the venue has that we did not know, and ones that vanished', async () => {
    const { exchange, fake } = await connect()
    const mine = await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      quantity: 0.002,
      price: 59_000,
    })
    fake.orders.delete(mine.id) // filled or cancelled while we were not looking
    await fake.createOrder('BNB/USDT:USDT', 'limit', 'buy', 1, 500, { clientOrderId: 'manual-1', timeInForce: 'GTC' })
    fake.positions = [
      {
        symbol: 'BTCUSDT',
        positionAmt: '0.003',
        entryPrice: '60000',
        markPrice: '60100',
        unRealizedProfit: '0.3',
        liquidationPrice: '0',
        notional: '180.3',
        initialMargin: '18',
        updateTime: 1,
      },
    ]
    const diff = await exchange.sync()
    expect(diff.vanishedOrders.map((o) => o.id)).toEqual([mine.id])
    expect(diff.unknownOrders.map((o) => o.clientOrderId)).toEqual(['manual-1'])
    expect(diff.positionChanges).toEqual([{ symbol: 'BTCUSDT', local: 0, venue: 0.003 }])
    expect(exchange.account.getOpenOrders().map((o) => o.clientOrderId)).toEqual(['manual-1'])
  })

  it('should refuse a malformed reply with an ExchangeError and keep the state', async () => {
    const { exchange, fake } = await connect()
    const spy = fake as unknown as { createOrder: () => Promise<unknown> }
    spy.createOrder = async () => Promise.resolve({ id: '1', info: {} })
    await expect(
      exchange.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.002 }),
    ).rejects.toBeInstanceOf(ExchangeError)
    expect(exchange.account.getOpenOrders()).toHaveLength(0)
  })
})
