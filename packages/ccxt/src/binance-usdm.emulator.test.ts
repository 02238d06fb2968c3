import { ConfigError, InsufficientFunds, InvalidOrder } from '@quantum/core'
import type { ExchangeEvent, MarketBar } from '@quantum/core'
import { attachCcxt, startEmulator, type Emulator } from '@quantum/emulator'
import ccxt from 'ccxt'
import { afterEach, describe, expect, it } from 'vitest'
import { BinanceUsdmExchange } from './binance-usdm.js'
import { createUsdmClient, type UsdmClient } from './client.js'
import type { Credentials } from './credentials.js'
import { klineFeed } from './kline-feed.js'

const BTC = 'BTC/USDT:USDT'
let emulator: Emulator | undefined
let exchange: BinanceUsdmExchange | undefined

afterEach(async () => {
  await exchange?.close()
  await emulator?.close()
  exchange = undefined
  emulator = undefined
})

/** The emulator (real clock), BTC at 60,000, and the adapter connected through real ccxt. */
async function connect(): Promise<{
  emulator: Emulator
  exchange: BinanceUsdmExchange
  client: UsdmClient
  events: ExchangeEvent[]
}> {
  emulator = await startEmulator({ balance: 10_000, seed: 7 })
  const now = emulator.clock.now()
  emulator.pushBar('BTCUSDT', {
    openTime: now - 60_000,
    open: 60_000,
    high: 60_050,
    low: 59_950,
    close: 60_000,
    volume: 10,
  })
  const { key, secret } = emulator.credentials
  const credentials: Credentials = { apiKey: key, secret, toString: () => 'Credentials(test)' }
  const client = await createUsdmClient({
    mode: 'live',
    credentials,
    transport: { restUrl: emulator.restUrl, wsUrl: emulator.wsUrl },
  })
  exchange = await BinanceUsdmExchange.connect({ client, symbols: ['BTCUSDT', 'ETHUSDT'], retry: { baseDelayMs: 5 } })
  const events: ExchangeEvent[] = []
  exchange.events$.subscribe((e) => events.push(e))
  exchange.account.setLastPrice('BTCUSDT', 60_000)
  return { emulator, exchange, client, events }
}

/** A second ccxt client on the same emulator account (a restarted process). */
async function reconnect(emu: Emulator): Promise<UsdmClient> {
  const { key, secret } = emu.credentials
  const credentials: Credentials = { apiKey: key, secret, toString: () => 'Credentials(test)' }
  return createUsdmClient({ mode: 'live', credentials, transport: { restUrl: emu.restUrl, wsUrl: emu.wsUrl } })
}

/** Resolves once `events` holds one matching `test` (the user-data stream is asynchronous). */
async function waitFor(events: readonly ExchangeEvent[], test: (e: ExchangeEvent) => boolean): Promise<ExchangeEvent> {
  for (let i = 0; i < 400; i++) {
    const found = events.find(test)
    if (found !== undefined) return found
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error('event did not arrive')
}

const ordersWithClientId = (emu: Emulator, id: string): number =>
  [...emu.state().openOrders, ...emu.state().openAlgoOrders].filter(
    (o) => o['clientOrderId'] === id || o['clientAlgoId'] === id,
  ).length

describe('BinanceUsdmExchange against the local emulator (real ccxt 4.5.84)', () => {
  it('should read the position mode at connect and refuse a hedge-mode account before sending an order', async () => {
    emulator = await startEmulator({ balance: 10_000 })
    const { key, secret } = emulator.credentials
    // someone switched the account to hedge mode by hand (plain ccxt, outside the SDK)
    const manual = new ccxt.pro.binanceusdm({ apiKey: key, secret, options: { fetchCurrencies: false } })
    await attachCcxt(manual, emulator)
    await manual.setPositionMode(true)
    await manual.close()
    const before = emulator.requests.length
    const credentials: Credentials = { apiKey: key, secret, toString: () => 'Credentials(test)' }
    const client = await createUsdmClient({
      mode: 'live',
      credentials,
      transport: { restUrl: emulator.restUrl, wsUrl: emulator.wsUrl },
    })
    const error = await BinanceUsdmExchange.connect({ client, symbols: ['BTCUSDT'] }).catch((e: unknown) => e)
    await client.close()
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toMatch(/hedge mode.*one-way mode/)
    expect((error as ConfigError).message).toMatch(/dualSidePosition=false/)
    const sent = emulator.requests.slice(before).map((r) => `${r.method} ${r.path}`)
    expect(sent).toEqual(['GET /fapi/v1/exchangeInfo', 'GET /fapi/v1/time', 'GET /fapi/v1/positionSide/dual'])
  })

  it('should load the venue, take a snapshot, trade and stream the fill into the local position', async () => {
    const { exchange, events, emulator } = await connect()
    expect(exchange.account.getBalance()).toMatchObject({ wallet: 10_000, available: 10_000 })
    expect(exchange.instrument('BTCUSDT')).toMatchObject({ tickSize: 0.1, stepSize: 0.001, minNotional: 100 })
    exchange.startUserStream()
    // The stream subscribes asynchronously; an order sent before it is connected is only seen by a
    // reconciliation (the venue run reconciles once the stream is up).
    for (let i = 0; i < 400 && emulator.state().sockets.private === 0; i++) await new Promise((r) => setTimeout(r, 5))
    await exchange.setLeverage('BTCUSDT', 5)
    const entry = await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: 0.0049,
      tag: 'entry',
    })
    expect(entry).toMatchObject({ quantity: 0.004, tag: 'entry' })
    const fill = await waitFor(events, (e) => e.type === 'fill')
    expect(fill.type === 'fill' && fill.fill).toMatchObject({
      symbol: 'BTCUSDT',
      side: 'BUY',
      quantity: 0.004,
      tag: 'entry',
    })
    expect(exchange.account.getPosition('BTCUSDT')).toMatchObject({ side: 'LONG', quantity: 0.004 })
  })

  it('should place stops through the algo service and cancel them one by one or all together', async () => {
    const { exchange, emulator } = await connect()
    await exchange.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.004 })
    const stop = await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      quantity: 0.004,
      triggerPrice: 58_000.04,
      reduceOnly: true,
      tag: 'stop',
    })
    expect(stop).toMatchObject({ type: 'STOP_MARKET', status: 'NEW', triggerPrice: 58_000, reduceOnly: true })
    expect(emulator.state().openAlgoOrders).toHaveLength(1)
    const cancelled = await exchange.cancelOrder('BTCUSDT', stop.id)
    expect(cancelled.status).toBe('CANCELED')
    expect(emulator.state().openAlgoOrders).toHaveLength(0)
    await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      quantity: 0.004,
      triggerPrice: 58_000,
      reduceOnly: true,
    })
    await exchange.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: 0.002, price: 55_000 })
    expect((await exchange.cancelAllOrders('BTCUSDT')).map((o) => o.status)).toEqual(['CANCELED', 'CANCELED'])
    expect([emulator.state().openOrders.length, emulator.state().openAlgoOrders.length]).toEqual([0, 0])
  })

  it('should map venue rejections to typed errors, and refuse below-minimum orders before sending', async () => {
    const { exchange, emulator } = await connect()
    const error = await exchange
      .placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 5 })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InsufficientFunds) // -2019 through ccxt's production error table
    expect(exchange.account.getOpenOrders()).toHaveLength(0)
    const before = emulator.requests.length
    await expect(
      exchange.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.001 }),
    ).rejects.toThrow(InvalidOrder)
    expect(emulator.requests.length).toBe(before) // 60 USDT < MIN_NOTIONAL 100: never sent
    await expect(exchange.cancelOrder('BTCUSDT', '424242')).rejects.toThrow(InvalidOrder) // -2011
    const trigger = exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      quantity: 0.002,
      triggerPrice: 70_000,
    })
    await expect(trigger).rejects.toThrow(/-2021/) // a sell stop above the market would trigger at once
  })

  it('should place an order exactly once when its reply is lost or the venue answers 5xx', async () => {
    const { exchange, emulator } = await connect()
    emulator.faults.inject({ kind: 'response-lost', path: '/fapi/v1/order' })
    const a = await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      quantity: 0.002,
      price: 57_000,
    })
    expect(ordersWithClientId(emulator, a.clientOrderId)).toBe(1)
    expect(a).toMatchObject({ status: 'NEW', price: 57_000 })
    emulator.faults.inject({ kind: 'response-lost', path: '/fapi/v1/algoOrder' })
    const s = await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      quantity: 0.002,
      triggerPrice: 50_000,
    })
    expect(ordersWithClientId(emulator, s.clientOrderId)).toBe(1)
    emulator.faults.inject({ kind: 'http-503', path: '/fapi/v1/order' })
    const b = await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      quantity: 0.002,
      price: 56_000,
    })
    expect(ordersWithClientId(emulator, b.clientOrderId)).toBe(1)
    expect(emulator.state().openOrders).toHaveLength(2)
  })

  it('should resync the server time after -1021 (clock skew) and place the order once', async () => {
    const { exchange, emulator } = await connect()
    // The venue's clock jumps 30 s ahead for good: every signed request with the old offset fails -1021.
    emulator.faults.inject({ kind: 'clock-skew', skewMs: 30_000 })
    const order = await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      quantity: 0.002,
      price: 57_000,
    })
    expect(ordersWithClientId(emulator, order.clientOrderId)).toBe(1)
    const codes = emulator.requests.filter((r) => r.path === '/fapi/v1/order').map((r) => r.code ?? r.status)
    expect(codes).toEqual([-1021, 200])
    expect(emulator.requests.some((r) => r.path === '/fapi/v1/time')).toBe(true)
    // And later calls work without another rejection.
    await exchange.sync()
    expect(emulator.requests.filter((r) => r.code === -1021)).toHaveLength(1)
  })

  it('should reconcile with the venue: orders placed elsewhere and positions it holds', async () => {
    const { exchange, client } = await connect()
    await client.createOrder(BTC, 'limit', 'buy', 0.002, 50_000, { clientOrderId: 'by-hand-1' })
    await client.createOrder(BTC, 'market', 'buy', 0.003)
    const diff = await exchange.sync()
    expect(diff.unknownOrders.map((o) => o.clientOrderId)).toEqual(['by-hand-1'])
    expect(diff.positionChanges).toEqual([{ symbol: 'BTCUSDT', local: 0, venue: 0.003 }])
    expect(exchange.account.getPosition('BTCUSDT')).toMatchObject({ side: 'LONG', quantity: 0.003 })
    expect((await exchange.sync()).unknownOrders).toEqual([])
  })

  it('should cancel orphan orders and close orphan positions when the policy says so', async () => {
    const { exchange, client, emulator } = await connect()
    await client.createOrder(BTC, 'limit', 'buy', 0.002, 50_000, { clientOrderId: 'orphan-1' })
    await client.createOrder(BTC, 'market', 'sell', 0.003)
    const first = await exchange.reconcile(Date.now() - 60_000, { orders: 'cancel', positions: 'close' })
    expect(first.orphanOrders.map((o) => o.clientOrderId)).toEqual(['orphan-1'])
    expect(first.orphanPositions).toEqual([{ symbol: 'BTCUSDT', quantity: -0.003 }])
    expect(first.actions).toEqual([
      expect.stringContaining('cancelled orphan order'),
      'closed orphan position -0.003 on BTCUSDT',
    ])
    expect(emulator.state().openOrders).toHaveLength(0)
    expect(emulator.state().positions).toHaveLength(0)
    // Later orphans are found too; this run's own orders are left alone.
    const mine = await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      quantity: 0.003,
      price: 48_000,
    })
    await client.createOrder(BTC, 'limit', 'buy', 0.003, 49_000, { clientOrderId: 'orphan-2' })
    const later = await exchange.reconcile(Date.now() - 60_000, { orders: 'cancel' })
    expect(later.orphanOrders.map((o) => o.clientOrderId)).toEqual(['orphan-2'])
    expect(emulator.state().openOrders.map((o) => o['clientOrderId'])).toEqual([mine.clientOrderId])
  })

  it("should recover a stop's execution after a restart when the stop triggered while the run was down (its algo id journaled only)", async () => {
    // The interleaving the kill -9 harness found: a run places its entry and its stop (the venue's algo
    // service answers with an algo id, which is what the run journals), then dies; the stop triggers
    // while it is down and becomes a regular order with a new order id and the stop's client id.
    const { emulator, exchange: first, client } = await connect()
    await first.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.004, clientOrderId: 'run1-1' })
    const stop = await first.placeOrder({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      quantity: 0.004,
      triggerPrice: 59_000,
      reduceOnly: true,
      clientOrderId: 'run1-2',
      tag: 'stop',
    })
    const entryOrder = (await client.fetchOpenOrders(BTC)).length // the entry filled at once
    expect(entryOrder).toBe(0)
    const entryTrades = await client.fetchMyTrades(BTC, Date.now() - 60_000, 100)
    await first.close()
    exchange = undefined
    const t = emulator.clock.now()
    emulator.pushBar('BTCUSDT', { openTime: t, open: 60_000, high: 60_000, low: 58_500, close: 58_800, volume: 10 })
    expect(emulator.state().positions).toHaveLength(0) // the stop filled while nobody listened
    // The restart: a new adapter told what the journal holds (the entry's fill, the stop's algo id).
    const second = await BinanceUsdmExchange.connect({ client: await reconnect(emulator), symbols: ['BTCUSDT'] })
    exchange = second
    const events: ExchangeEvent[] = []
    second.events$.subscribe((e) => events.push(e))
    const entryId = String((entryTrades[0] as { order?: unknown }).order)
    second.recognise({
      orders: [
        { orderId: entryId, clientOrderId: 'run1-1' },
        { orderId: stop.id, clientOrderId: 'run1-2', tag: 'stop' },
      ],
      fillIds: entryTrades.map((tr) => String((tr as { id?: unknown }).id)),
      positions: ['BTCUSDT'],
    })
    const found = await second.reconcile(Date.now() - 60_000)
    expect(found.recoveredFills).toBe(1)
    const fills = events.flatMap((e) => (e.type === 'fill' ? [e.fill] : []))
    expect(fills).toHaveLength(1)
    expect(fills[0]).toMatchObject({ side: 'SELL', quantity: 0.004, clientOrderId: 'run1-2', tag: 'stop' })
    expect(fills[0]?.orderId).not.toBe(stop.id)
    // An execution of an order placed elsewhere stays an orphan (looked up once, not this run's fill).
    await client.createOrder(BTC, 'market', 'buy', 0.002, undefined, { clientOrderId: 'by-hand-9' })
    expect((await second.reconcile(Date.now() - 60_000)).recoveredFills).toBe(0)
  })

  it('should stream closed klines for the live engine', async () => {
    const { emulator, client } = await connect()
    const bars: MarketBar[] = []
    const feed = klineFeed({
      client,
      symbols: new Map([['BTCUSDT', BTC]]),
      timeframe: '1m',
    })
    const sub = feed.subscribe((b) => bars.push(b))
    const t = Math.floor(emulator.clock.now() / 60_000) * 60_000
    for (let k = 0; k < 40 && bars.length < 2; k++) {
      await new Promise((resolve) => setTimeout(resolve, 25))
      if (k === 4)
        emulator.pushBar('BTCUSDT', { openTime: t, open: 60_000, high: 60_200, low: 59_900, close: 60_100, volume: 5 })
      if (k === 8)
        emulator.pushBar('BTCUSDT', {
          openTime: t + 60_000,
          open: 60_100,
          high: 60_300,
          low: 60_000,
          close: 60_250,
          volume: 6,
        })
      if (k === 12)
        emulator.pushBar('BTCUSDT', {
          openTime: t + 120_000,
          open: 60_250,
          high: 60_260,
          low: 60_100,
          close: 60_150,
          volume: 4,
        })
    }
    sub.unsubscribe()
    expect(bars.map((b) => [b.openTime - t, b.close])).toEqual([
      [0, 60_100],
      [60_000, 60_250],
    ])
  })
})
