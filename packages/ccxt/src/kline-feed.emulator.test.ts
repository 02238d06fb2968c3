/**
 * klineFeed through real ccxt.pro 4.5.84 against the local emulator: in-progress klines, the opening
 * kline of the next minute, and a dropped market socket while bars keep coming.
 */
import type { MarketBar } from '@quantum/core'
import { startEmulator, type Emulator, type EmulatorBar } from '@quantum/emulator'
import type { Subscription } from 'rxjs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createEmulatorClient, type UsdmClient } from './client.js'
import { klineFeed } from './kline-feed.js'

const T0 = Date.UTC(2026, 0, 1)
const M = 60_000
const SYMBOLS = new Map([
  ['BTCUSDT', 'BTC/USDT:USDT'],
  ['ETHUSDT', 'ETH/USDT:USDT'],
])

let emulator: Emulator | undefined
let client: UsdmClient | undefined
let subscription: Subscription | undefined
afterEach(async () => {
  subscription?.unsubscribe()
  await client?.close()
  await emulator?.close()
  subscription = client = emulator = undefined
})

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Bar `k` of a symbol: prices differ per symbol and minute, so a wrong or stale candle shows. */
function bar(symbol: string, k: number): EmulatorBar {
  const base = (symbol === 'BTCUSDT' ? 60_000 : 3_000) + 10 * k
  return { openTime: T0 + k * M, open: base, high: base + 8, low: base - 6, close: base + 3, volume: 1 + k }
}

/** An emulator on a manual clock, one ccxt.pro client, and klineFeed over BTC and ETH, subscribed. */
async function feed(
  retryMs = 20,
): Promise<{ emu: Emulator; bars: MarketBar[]; errors: unknown[]; source: ReturnType<typeof klineFeed> }> {
  const emu = (emulator = await startEmulator({ clock: 'manual', startTime: T0 }))
  client = await createEmulatorClient(emu)
  const bars: MarketBar[] = []
  const errors: unknown[] = []
  const source = klineFeed({
    client,
    symbols: SYMBOLS,
    timeframe: '1m',
    retryMs,
    onError: (e) => errors.push(e),
  })
  subscription = source.subscribe((b) => bars.push(b))
  await vi.waitFor(() => expect(emu.state().subscriptions).toEqual(['btcusdt@kline_1m', 'ethusdt@kline_1m']))
  return { emu, bars, errors, source }
}

const candle = (b: MarketBar | EmulatorBar): number[] => [b.openTime, b.open, b.high, b.low, b.close, b.volume ?? 0]

describe('klineFeed against the emulator (real ccxt.pro)', () => {
  it('should emit each candle once with its final values as soon as it closes, not at the next close', async () => {
    const { emu, bars } = await feed()
    for (let k = 0; k < 5; k++) {
      for (const symbol of SYMBOLS.keys()) emu.pushBar(symbol, bar(symbol, k), { updates: 3 })
      // candle k is out before candle k+1 is pushed: the opening kline of k+1 closed it
      await vi.waitFor(() => expect(bars).toHaveLength(2 * (k + 1)))
    }
    for (const symbol of SYMBOLS.keys()) {
      const mine = bars.filter((b) => b.symbol === symbol)
      expect(mine.map(candle)).toEqual([0, 1, 2, 3, 4].map((k) => candle(bar(symbol, k))))
      expect(mine.map((b) => b.index)).toEqual([0, 1, 2, 3, 4])
    }
  })

  it('should reconnect after the market socket is dropped and backfill the candles pushed meanwhile, each once and in order', async () => {
    const { emu, bars, errors } = await feed()
    let next = 0
    const push = (): void => {
      for (const symbol of SYMBOLS.keys()) emu.pushBar(symbol, bar(symbol, next), { updates: 2 })
      next++
    }
    for (let k = 0; k < 3; k++) push()
    await vi.waitFor(() => expect(bars).toHaveLength(6))
    expect(emu.faults.dropConnections('market')).toBe(1)
    // bars keep coming while the client is away, until it has reconnected and subscribed again
    let wentAway = false
    let afterDrop = 0
    for (let k = 0; k < 500; k++) {
      push()
      afterDrop++
      await wait(10)
      const { sockets, subscriptions } = emu.state()
      if (sockets.market === 0) wentAway = true
      if (wentAway && afterDrop >= 4 && subscriptions.length === 2) break
    }
    push() // the stream resumes
    const last = T0 + (next - 1) * M
    await vi.waitFor(() => expect(bars.filter((b) => b.openTime === last)).toHaveLength(2), { timeout: 10_000 })
    expect(errors.length).toBeGreaterThan(0) // the dropped socket rejected the pending watches
    expect(emu.requests.filter((r) => r.path === '/fapi/v1/klines').length).toBeGreaterThan(0) // the backfill
    for (const symbol of SYMBOLS.keys()) {
      const mine = bars.filter((b) => b.symbol === symbol)
      const all = Array.from({ length: next }, (_, k) => bar(symbol, k))
      expect(mine.map(candle)).toEqual(all.map(candle))
    }
  })

  it('should recover a stream that went silent with its socket open once resubscribed: every candle once, in order', async () => {
    const { emu, bars, errors, source } = await feed()
    let next = 0
    const push = (): void => {
      for (const symbol of SYMBOLS.keys()) emu.pushBar(symbol, bar(symbol, next), { updates: 2 })
      next++
    }
    for (let k = 0; k < 3; k++) push()
    await vi.waitFor(() => expect(bars).toHaveLength(6))
    // the venue stops streaming to this connection, which stays open and answers pings
    expect(emu.faults.stallConnections('market')).toBe(1)
    push()
    push()
    await wait(300)
    expect(bars).toHaveLength(6) // silent: ccxt notices nothing (no error, no reconnect)
    expect(errors).toEqual([])
    // the supervisor's heal
    expect(source.resubscribe()).toBe(1)
    // bars keep coming while the feed reconnects, until both watches have restarted and subscribed again
    for (let k = 0; k < 500; k++) {
      push()
      await wait(10)
      if (k >= 3 && errors.length >= 2 && emu.state().subscriptions.length === 2 && emu.state().sockets.market === 1)
        break
    }
    push() // the stream resumes on the new connection
    const last = T0 + (next - 1) * M
    await vi.waitFor(() => expect(bars.filter((b) => b.openTime === last)).toHaveLength(2), { timeout: 10_000 })
    expect(errors.length).toBeGreaterThan(0) // the restarted watches are reported (the runtime counts reconnects)
    for (const symbol of SYMBOLS.keys()) {
      const mine = bars.filter((b) => b.symbol === symbol)
      const all = Array.from({ length: next }, (_, k) => bar(symbol, k))
      expect(mine.map(candle)).toEqual(all.map(candle))
      expect(mine.map((b) => b.index)).toEqual(all.map((_, k) => k))
    }
  })
})
