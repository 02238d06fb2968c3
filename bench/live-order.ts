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
import { definePlugin, enterRealtime, fixedNotional, RunJournal, startLive } from '@quantum/core'
import { openSqliteStore } from '@quantum/store'
import type { MarketBar, QuantumPlugin } from '@quantum/core'
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
export async function benchLiveOrder(
  n = 200,
): Promise<{ sdk: Latency; journaled: Latency; bare: Latency; realtime: boolean }> {
  // A testnet or live run raises its decision thread where the OS allows (the config's scheduling:
  // 'auto'); QUANTUM_BENCH_SCHEDULING=normal measures without.
  const realtime = process.env.QUANTUM_BENCH_SCHEDULING !== 'normal' && enterRealtime(1).realtime
  const rig = await wireRig()
  const { measure, client } = rig
  const sdk = await measure(undefined, 0, n)
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
  const journaled = await measure(new RunJournal({ store, runId: 'bench', clientIdPrefix: 'qbench' }), n + 20, n)
  await store.close()
  const bare: number[] = []
  for (let i = 0; i < n + 20; i++) {
    const sent = rig.wire()
    const t0 = performance.now()
    const placed = client.createOrder('BTC/USDT:USDT', 'limit', 'buy', 0.002, 50_000, { clientOrderId: `bare-${i}` })
    const t = await sent
    await placed
    if (i >= 20) bare.push(t - t0)
  }
  await rig.close()
  return { sdk: percentiles(sdk), journaled: percentiles(journaled), bare: percentiles(bare), realtime }
}

/**
 * What `--http` adds to signal -> wire: the same live engine and adapter, alternately without and with
 * the runtime's ops (`startRunOps`: the HTTP server listening, the metrics and dashboard observers, the
 * reduce-only guard), with /metrics scraped every 250 ms and one dashboard event stream open while the
 * "with" rounds run. `rounds` alternate (off, on, off, on...) so drift on a shared machine hits both alike;
 * `n` signals per side, split evenly over its rounds; each round's p50 is returned too, for a paired comparison.
 */
export async function benchOpsLatency(
  n = 200,
  rounds = 4,
): Promise<{ off: Latency; on: Latency; roundP50Ms: { off: number[]; on: number[] } }> {
  const { startRunOps } = await import('../packages/runtime/src/run-ops.js')
  const { silentLogger } = await import('@quantum/core')
  const rig = await wireRig()
  const off: number[] = []
  const on: number[] = []
  const roundP50Ms = { off: [] as number[], on: [] as number[] }
  const per = Math.round(n / (rounds / 2))
  let from = 0
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      const xs = await rig.measure(undefined, from, per)
      off.push(...xs)
      roundP50Ms.off.push(percentiles(xs).p50Ms)
    } else {
      const ops = await startRunOps({
        mode: 'testnet',
        run: { config: 'bench' },
        http: { host: '127.0.0.1', port: 0 },
        logger: silentLogger,
      })
      const stream = await fetch(`${ops.url}/api/events`)
      const reader = stream.body!.getReader()
      const drain = (async () => {
        for (;;) if ((await reader.read()).done) return
      })().catch(() => undefined)
      const scrape = setInterval(() => void fetch(`${ops.url}/metrics`).then((r) => r.text()), 250)
      const xs = await rig.measure(undefined, from, per, ops.plugins)
      on.push(...xs)
      roundP50Ms.on.push(percentiles(xs).p50Ms)
      clearInterval(scrape)
      await reader.cancel().catch(() => undefined)
      await drain
      await ops.close()
    }
    from += per + 20
  }
  await rig.close()
  return { off: percentiles(off), on: percentiles(on), roundP50Ms }
}

/**
 * What the runtime's ops add to resident memory: a live run takes `n` signals, then `n` more, without
 * or with the ops for the second half (server, metrics, dashboard, /metrics scraped every 250 ms, an
 * event stream open). Returns the growth of RSS and heap over the second half after a full GC; the
 * growth without ops is the control. Run each in its own fresh process.
 */
export async function benchOpsRss(withOps: boolean, n = 300): Promise<{ rssGrowthMiB: number; heapGrowthMiB: number }> {
  const { setFlagsFromString } = await import('node:v8')
  const { runInNewContext } = await import('node:vm')
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const { silentLogger } = await import('@quantum/core')
  const rig = await wireRig()
  const settle = async (): Promise<NodeJS.MemoryUsage> => {
    await new Promise((resolve) => setTimeout(resolve, 300))
    gc()
    return process.memoryUsage()
  }
  await rig.measure(undefined, 0, n)
  const before = await settle()
  // the ops' modules (prom-client, pino, the dashboard page) are loaded after the first figure: counted
  const ops = withOps
    ? await (
        await import('../packages/runtime/src/run-ops.js')
      ).startRunOps({
        mode: 'testnet',
        run: { config: 'bench' },
        http: { host: '127.0.0.1', port: 0 },
        logger: silentLogger,
      })
    : undefined
  const stream = ops === undefined ? undefined : await fetch(`${ops.url}/api/events`)
  const reader = stream?.body?.getReader()
  const drain = (async () => {
    for (;;) if (reader === undefined || (await reader.read()).done) return
  })().catch(() => undefined)
  const scrape =
    ops === undefined ? undefined : setInterval(() => void fetch(`${ops.url}/metrics`).then((r) => r.text()), 250)
  await rig.measure(undefined, n + 20, n, ops?.plugins ?? [])
  const after = await settle()
  clearInterval(scrape)
  await reader?.cancel().catch(() => undefined)
  await drain
  await ops?.close()
  await rig.close()
  return {
    rssGrowthMiB: (after.rss - before.rss) / 2 ** 20,
    heapGrowthMiB: (after.heapUsed - before.heapUsed) / 2 ** 20,
  }
}

/** The emulator, a ccxt client whose order requests are time-stamped as they leave, the adapter and a signal-per-bar agent. */
async function wireRig() {
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
  const measure = async (
    journal: RunJournal | undefined,
    from: number,
    n: number,
    extra: readonly QuantumPlugin[] = [],
  ): Promise<number[]> => {
    const bars = new Subject<MarketBar>()
    const run = startLive({
      bars,
      exchange,
      plugins: [flip(), fixedNotional({ notional: 300 }), ...extra],
      mode: 'testnet',
      ...(process.env.QUANTUM_BENCH_NO_INTERRUPT === '1' ? { interruptHooks: false } : {}),
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
  return {
    client,
    wire,
    measure,
    close: async (): Promise<void> => {
      await exchange.close()
      await emulator.close()
    },
  }
}
