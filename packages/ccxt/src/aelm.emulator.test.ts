import { AelmExchange, BookTickerCache, createEventBus, silentLogger } from '@quantum/core'
import type { AelmTactics, Clock, EngineEvent, ExchangeEvent, ExecutionEvent, Fill } from '@quantum/core'
import { startEmulator, type Emulator } from '@quantum/emulator'
import { afterEach, describe, expect, it } from 'vitest'
import { BinanceUsdmExchange } from './binance-usdm.js'
import { createUsdmClient } from './client.js'
import type { Credentials } from './credentials.js'

let emulator: Emulator | undefined
let exchange: BinanceUsdmExchange | undefined

afterEach(async () => {
  await exchange?.close()
  await emulator?.close()
  exchange = undefined
  emulator = undefined
})

const TACTICS: AelmTactics = {
  maxSpreadBps: 5,
  staleMs: 5000,
  makerFirst: false,
  slicing: { mode: 'twap', aboveNotional: 10_000, maxSlices: 5, intervalMs: 60, maxBookShare: 0.5 },
}

/** The emulator (real clock) with BTC at 60,000, the adapter through real ccxt, and AELM around it. */
async function connect(tactics: AelmTactics = TACTICS, book?: BookTickerCache) {
  emulator = await startEmulator({ balance: 100_000, seed: 7 })
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
  exchange = await BinanceUsdmExchange.connect({ client, symbols: ['BTCUSDT'], retry: { baseDelayMs: 5 } })
  exchange.account.setLastPrice('BTCUSDT', 60_000)
  exchange.startUserStream()
  // The stream subscribes asynchronously: orders sent before it is up are seen only by a reconciliation.
  for (let i = 0; i < 400 && emulator.state().sockets.private === 0; i++) await new Promise((r) => setTimeout(r, 5))
  const bus = createEventBus()
  const clock = { now: () => Date.now() } as unknown as Clock
  const venue = exchange
  const aelm = new AelmExchange(venue, tactics, {
    bus,
    clock,
    logger: silentLogger,
    plugin: 'core:aelm',
    book: book ?? { bookTicker: (s) => venue.bookTicker(s) },
  })
  const fills: Fill[] = []
  aelm.events$.subscribe((e: ExchangeEvent) => {
    if (e.type === 'fill') fills.push(e.fill)
  })
  const steps: ExecutionEvent[] = []
  bus.events$.subscribe((e: EngineEvent) => {
    if (e.type === 'execution') steps.push(e)
  })
  return { emulator, aelm, fills, steps }
}

async function until(test: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (test()) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error(`${what} did not happen`)
}

describe('AELM against the emulator (real ccxt 4.5.84)', () => {
  it('should slice a large entry (TWAP), record each fill against the decision price, and never hold a stop back', async () => {
    const { emulator, aelm, fills, steps } = await connect()
    const first = await aelm.placeOrder({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quoteQuantity: 30_000,
      clientOrderId: 'e1',
    })
    expect(first.type).toBe('MARKET')
    // The stop goes out while the slices are still coming: acknowledged before the last slice is sent.
    const stop = await aelm.placeOrder({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      triggerPrice: 58_000,
      quantity: 0.5,
      reduceOnly: true,
    })
    expect(stop.status).toBe('NEW')
    const slicesAtStop = steps.filter((s) => s.step === 'slice').length
    expect(slicesAtStop).toBeLessThan(2)
    await until(() => fills.length >= 3, 'three slice fills')
    expect(steps.map((s) => s.step)).toEqual(['book-checked', 'sliced', 'slice', 'slice'])
    expect(steps[0]!.spreadBps).toBeCloseTo((0.1 / 60_000.05) * 10_000, 6)
    const total = fills.reduce((s, f) => s + f.quantity, 0)
    expect(total).toBeCloseTo(0.499, 9) // 30,000 / mid 60,000.05 rounded down to the 0.001 step
    for (const f of fills) expect(f.decisionPrice).toBeCloseTo(60_000.05, 6)
    expect(emulator.state().positions).toEqual([expect.objectContaining({ symbol: 'BTCUSDT' })])
  })

  it('should post maker-first on a wide spread and fall back to a market order after the timeout', async () => {
    const { emulator, aelm, fills, steps } = await connect({
      ...TACTICS,
      makerFirst: { timeoutMs: 150 },
      slicing: false,
    })
    emulator.setBook('BTCUSDT', { spreadBps: 20, qty: 5 })
    const order = await aelm.placeOrder({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: 0.05,
      clientOrderId: 'e2',
    })
    expect(order).toMatchObject({ type: 'LIMIT', price: 59_940 })
    await until(() => fills.length >= 1, 'the fallback fill')
    expect(steps.map((s) => s.step)).toEqual(['book-checked', 'maker-posted', 'taker-fallback'])
    expect(steps[0]!.spreadBps).toBeCloseTo(20, 1)
    expect(fills[0]).toMatchObject({ quantity: 0.05, liquidity: 'taker', decisionPrice: 60_000 })
  })

  it('should fall back to the plain market order and report it when the book ticker stops updating', async () => {
    const cache = new BookTickerCache()
    cache.update({
      symbol: 'BTCUSDT',
      bidPrice: 60_000,
      bidQty: 1,
      askPrice: 60_000.1,
      askQty: 1,
      receivedAt: Date.now() - 60_000,
    })
    const { aelm, fills, steps } = await connect({ ...TACTICS, staleMs: 3000 }, cache)
    const order = await aelm.placeOrder({
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: 0.01,
      clientOrderId: 'e3',
    })
    expect(order.type).toBe('MARKET')
    expect(steps).toEqual([
      expect.objectContaining({
        step: 'book-stale',
        reason: expect.stringMatching(/^book ticker 6\d{4} ms old \(limit 3000 ms\): plain market order$/),
      }),
    ])
    await until(() => fills.length >= 1, 'the fill')
    expect(fills[0]!.decisionPrice).toBeUndefined()
  })
})
