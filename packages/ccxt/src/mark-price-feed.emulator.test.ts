import { definePlugin, startLive } from '@quantum/core'
import type { MarkUpdate, MarketBar } from '@quantum/core'
import { startEmulator, type Emulator } from '@quantum/emulator'
import { Subject, tap } from 'rxjs'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { BinanceUsdmExchange } from './binance-usdm.js'
import { createUsdmClient } from './client.js'
import type { Credentials } from './credentials.js'
import { markPriceFeed } from './mark-price-feed.js'

let emulator: Emulator | undefined
let exchange: BinanceUsdmExchange | undefined

afterEach(async () => {
  await exchange?.close()
  await emulator?.close()
  exchange = undefined
  emulator = undefined
})

async function until(test: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (test()) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error(`${what} did not happen`)
}

describe('the mark-price stream in the live driver (emulator, real ccxt pro)', () => {
  it('should re-mark the open position and run onSubBar on every mark update between bars', async () => {
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
    exchange = await BinanceUsdmExchange.connect({ client, symbols: ['BTCUSDT'], retry: { baseDelayMs: 5 } })
    exchange.startUserStream()
    await exchange.placeOrder({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.1 })
    await exchange.placeOrder({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      triggerPrice: 50_000,
      quantity: 0.1,
      reduceOnly: true,
    })
    await until(() => exchange!.account.getPosition('BTCUSDT').side === 'LONG', 'the long position')
    const seen: { price: number; pnl: number }[] = []
    const watcher = definePlugin({
      name: 'test:sub-bar-watcher',
      kind: 'risk',
      options: z.strictObject({}),
      create: () => ({
        check: () => ({ action: 'approve' as const }),
        onSubBar: (bar: MarketBar, ctx) =>
          void seen.push({ price: bar.close, pnl: ctx.account.getPosition(bar.symbol).unrealizedPnl }),
      }),
    })
    const bars = new Subject<MarketBar>()
    const marks: MarkUpdate[] = []
    const feed = markPriceFeed({ client, symbols: exchange.unifiedSymbols() })
    const run = startLive({
      bars,
      exchange,
      plugins: [watcher()],
      mode: 'live',
      protection: false,
      marks: feed.pipe(tap((m) => marks.push(m))),
    })
    // The stream subscribes asynchronously: tick until the guard sees the mark.
    for (let i = 0; i < 100 && !seen.some((s) => s.price === 59_000); i++) {
      emulator.tick('BTCUSDT', 59_000)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(marks.some((m) => m.symbol === 'BTCUSDT' && m.price === 59_000)).toBe(true)
    const at = seen.find((s) => s.price === 59_000)!
    const entry = exchange.account.getPosition('BTCUSDT').entryPrice
    expect(at.pnl).toBeCloseTo((59_000 - entry) * 0.1, 6)
    expect(at.pnl).toBeLessThan(-90)
    expect(exchange.account.getPosition('BTCUSDT')).toMatchObject({ markPrice: 59_000 })
    bars.complete()
    await run.done
  })
})
