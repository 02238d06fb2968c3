/**
 * Signal -> order request on the wire, through the live engine and the Binance adapter, against the
 * local emulator on loopback: the time from an agent's signal to the moment the adapter's HTTP request
 * for `POST /fapi/v1/order` leaves (ccxt's fetch is called), p50 / p99, against the baseline measured in
 * the same run: a bare ccxt `createOrder` call to the same moment. ccxt's own throttle is off (the
 * emulator has no weight budget to protect; against Binance it adds up to 50 ms per weight unit).
 */
import { BinanceUsdmExchange, createEmulatorClient } from '@quantum/ccxt'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { definePlugin, fixedNotional, RunJournal, startLive } from '@quantum/core'
import { openSqliteStore } from '@quantum/store'
import type { MarketBar } from '@quantum/core'
import { startEmulator } from '@quantum/emulator'
import { Subject } from 'rxjs'
import { z } from 'zod'

interface Latency {
  readonly p50Ms: number
  readonly p99Ms: number
}

const percentiles = (samples: readonly number[]): Latency => {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return { p50Ms: at(0.5), p99Ms: at(0.99) }
}

/**
 * p50/p99 of signal -> wire through the SDK (without a state store, then with the embedded SQLite store
 * journaling every intent durably before it is sent), and of a bare ccxt createOrder -> wire.
 */
export async function benchLiveOrder(n = 200): Promise<{ sdk: Latency; journaled: Latency; bare: Latency }> {
  const emulator = await startEmulator({ balance: 100_000_000, seed: 1 })
  const now = emulator.clock.now()
  emulator.pushBar('BTCUSDT', {
    openTime: now - 60_000,
    open: 60_000,
    high: 60_010,
    low: 59_990,
    close: 60_000,
    volume: 1,
  })
  const client = await createEmulatorClient(emulator)
  // Time stamp the moment an order request leaves (ccxt calls fetch).
  const transport = client as unknown as { fetchImplementation: (url: string, init?: RequestInit) => Promise<Response> }
  const send = transport.fetchImplementation
  let onWire: ((t: number) => void) | undefined
  transport.fetchImplementation = (url, init) => {
    if (init?.method === 'POST' && url.includes('/fapi/v1/order')) onWire?.(performance.now())
    return send(url, init)
  }
  const wire = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no order request reached the wire within 5 s')), 5000)
      onWire = (t) => {
        clearTimeout(timer)
        resolve(t)
      }
    })
  const exchange = await BinanceUsdmExchange.connect({ client, symbols: ['BTCUSDT'] })
  exchange.account.setLastPrice('BTCUSDT', 60_000)

  let signalAt = 0
  const flip = definePlugin({
    name: 'bench:flip',
    kind: 'agent',
    options: z.strictObject({}),
    create: () => ({
      onBar: (bar: MarketBar) => {
        signalAt = performance.now()
        return {
          agent: 'bench:flip',
          symbol: bar.symbol,
          time: bar.openTime,
          action: bar.index % 2 === 0 ? ('BUY' as const) : ('SELL' as const),
          confidence: 1,
        }
      },
    }),
  })
  const measure = async (journal: RunJournal | undefined, from: number): Promise<number[]> => {
    const bars = new Subject<MarketBar>()
    const run = startLive({
      bars,
      exchange,
      plugins: [flip(), fixedNotional({ notional: 300 })],
      mode: 'testnet',
      ...(journal === undefined ? {} : { journal }),
    })
    await new Promise((resolve) => setTimeout(resolve, 10)) // plugins set up, feed subscribed
    const sdk: number[] = []
    for (let k = 0; k < n + 20; k++) {
      const i = from + k
      const sent = wire()
      bars.next({
        symbol: 'BTCUSDT',
        index: i,
        openTime: now + i * 60_000,
        open: 60_000,
        high: 60_000,
        low: 60_000,
        close: 60_000,
        volume: 1,
      })
      const t = await sent
      if (k >= 20) sdk.push(t - signalAt)
      while (run.summary().pendingCommands > 0) await new Promise((resolve) => setImmediate(resolve))
    }
    bars.complete()
    await run.done
    return sdk
  }
  const sdk = await measure(undefined, 0)
  const store = await openSqliteStore(join(mkdtempSync(join(tmpdir(), 'quantum-bench-')), 'state.db'))
  await store.startRun({
    id: 'bench',
    account: 'bench',
    name: 'bench',
    configHash: 'bench',
    mode: 'testnet',
    status: 'running',
    startedAt: Date.now(),
  })
  const journaled = await measure(new RunJournal({ store, runId: 'bench', clientIdPrefix: 'qbench' }), n + 20)
  await store.close()
  const bare: number[] = []
  for (let i = 0; i < n + 20; i++) {
    const sent = wire()
    const t0 = performance.now()
    const placed = client.createOrder('BTC/USDT:USDT', 'limit', 'buy', 0.002, 50_000, { clientOrderId: `bare-${i}` })
    const t = await sent
    await placed
    if (i >= 20) bare.push(t - t0)
  }
  await exchange.close()
  await emulator.close()
  return { sdk: percentiles(sdk), journaled: percentiles(journaled), bare: percentiles(bare) }
}
