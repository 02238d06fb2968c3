/**
 * Emulator round-trip latency on loopback: ccxt `createOrder` (sign, POST, validate, match, JSON,
 * parse) through the emulator against a bare `fetch` of `/fapi/v1/ping`, p50 / p99 each.
 */
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { attachCcxt, startEmulator } from '@quantum/emulator'

interface Latency {
  readonly p50Ms: number
  readonly p99Ms: number
}

function percentiles(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return { p50Ms: at(0.5), p99Ms: at(0.99) }
}

async function time(n: number, run: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = []
  for (let k = 0; k < n; k++) {
    const t0 = performance.now()
    await run()
    out.push(performance.now() - t0)
  }
  return out
}

/** ccxt is a dev dependency of the emulator package, so it is resolved from there. */
function loadCcxt(): { binanceusdm: new (config: Record<string, unknown>) => CcxtLike } {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  return createRequire(resolve(root, 'packages/emulator/package.json'))('ccxt') as ReturnType<typeof loadCcxt>
}

interface CcxtLike {
  urls: { api: Record<string, unknown> }
  loadMarkets(): Promise<unknown>
  createOrder(symbol: string, type: string, side: string, amount: number, price: number): Promise<unknown>
  close(): Promise<void>
}

/** ccxt createOrder through the emulator vs a bare fetch of /fapi/v1/ping, `n` of each after a warm-up. */
export async function benchEmulator(n = 300): Promise<{ order: Latency; ping: Latency }> {
  const emulator = await startEmulator({ balance: 1e9, orderLimit: 1e6, weightLimit: 1e6 })
  const ccxt = loadCcxt()
  const ex = new ccxt.binanceusdm({
    apiKey: emulator.credentials.key,
    secret: emulator.credentials.secret,
    enableRateLimit: false,
    options: { fetchCurrencies: false, adjustForTimeDifference: true },
  })
  try {
    await attachCcxt(ex, emulator)
    await ex.loadMarkets()
    emulator.tick('BTCUSDT', 60000)
    // resting limit orders far below the market: each one is validated, reserved and kept by the engine
    const place = (): Promise<unknown> => ex.createOrder('BTC/USDT:USDT', 'limit', 'buy', 0.002, 50000)
    const ping = (): Promise<unknown> => fetch(`${emulator.restUrl}/fapi/v1/ping`).then((r) => r.json())
    await time(50, place)
    await time(50, ping)
    const order = percentiles(await time(n, place))
    const bare = percentiles(await time(n, ping))
    return { order, ping: bare }
  } finally {
    await ex.close()
    await emulator.close()
  }
}
