/** The walkthrough of docs/guides/exchange-emulator.md, as written there. */
import ccxt from 'ccxt'
import { describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { errorName } from '../test/harness.js'
import { attachCcxt, fullExchangeInfo, startEmulator, usdtPerpetuals } from './index.js'

describe('exchange emulator guide', () => {
  it('should behave as the guide says', async () => {
    const emulator = await startEmulator({ clock: 'manual', balance: 10_000, seed: 42 })
    const t0 = emulator.clock.now()
    expect(t0).toBe(Date.UTC(2026, 0, 1))
    emulator.pushBar('BTCUSDT', { openTime: t0, open: 60000, high: 60100, low: 59900, close: 60000, volume: 12 })
    const ex = new ccxt.pro.binanceusdm({
      apiKey: emulator.credentials.key,
      secret: emulator.credentials.secret,
      options: { fetchCurrencies: false, fetchMargins: false, adjustForTimeDifference: true },
    })
    try {
      await attachCcxt(ex, emulator)
      await ex.loadMarkets()
      expect(emulator.requests.map((r) => r.path)).toEqual(['/fapi/v1/exchangeInfo', '/fapi/v1/time'])
      expect(await ex.createOrder('BTC/USDT:USDT', 'market', 'buy', 0.004)).toMatchObject({
        status: 'closed',
        average: 60000,
      })
      await ex.createOrder('BTC/USDT:USDT', 'market', 'sell', 0.004, undefined, {
        stopLossPrice: 58000,
        reduceOnly: true,
      })
      expect(emulator.requests.at(-1)?.path).toBe('/fapi/v1/algoOrder')
      emulator.pushBar('BTCUSDT', { openTime: t0 + 60_000, open: 59900, high: 60000, low: 57500, close: 57800 })
      await ex.loadTimeDifference()
      expect(await ex.fetchPositions(['BTC/USDT:USDT'])).toEqual([])
      expect((await ex.fetchMyTrades('BTC/USDT:USDT')).at(-1)).toMatchObject({ side: 'sell', price: 58000 })

      emulator.faults.inject({ kind: 'response-lost', path: '/fapi/v1/order' })
      const lost = ex.createOrder('BTC/USDT:USDT', 'limit', 'buy', 0.002, 57000, { clientOrderId: 'qt-1' })
      expect(await errorName(lost)).toBe('NetworkError')
      const retry = ex.createOrder('BTC/USDT:USDT', 'limit', 'buy', 0.002, 57000, { clientOrderId: 'qt-1' })
      expect(await errorName(retry)).toBe('InvalidOrder')
      const found = await ex.fetchOrder('', 'BTC/USDT:USDT', { origClientOrderId: 'qt-1' })
      expect(found).toMatchObject({ status: 'open', price: 57000 })
    } finally {
      await ex.close()
      await emulator.close()
    }
  })

  it('should stream forming candles of the full capture symbols as the guide says', async () => {
    const info = fullExchangeInfo()
    const many = await startEmulator({
      clock: 'manual',
      exchangeInfo: info,
      symbols: usdtPerpetuals(info).slice(0, 50),
    })
    const ws = new WebSocket(`${many.wsUrl}/dogeusdt@kline_1m`)
    try {
      const x: boolean[] = []
      ws.on('message', (d: Buffer) => x.push((JSON.parse(d.toString('utf8')) as { k: { x: boolean } }).k.x))
      await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject))
      const t = many.clock.now()
      many.pushBar(
        'DOGEUSDT',
        { openTime: t, open: 0.1, high: 0.1024, low: 0.0991, close: 0.1011, volume: 5e5 },
        { updates: 3 },
      )
      await vi.waitFor(() => expect(x).toEqual([false, false, false, true, false]))
      expect(many.state().subscriptions).toEqual(['dogeusdt@kline_1m'])
    } finally {
      ws.close()
      await many.close()
    }
  })
})
