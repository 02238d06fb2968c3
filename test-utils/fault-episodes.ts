/**
 * The fault suite of the Binance adapter, as a function the tests and the bench share: seeded random
 * faults (lost replies, 5xx, timeouts, rate limits, dropped sockets, partial and delayed fills) on entries
 * and stops sent through `BinanceUsdmExchange` to the local emulator, then a reconciliation and a count of
 * what went wrong: orders the venue executed that the caller did not get back (duplicates), executions
 * neither the stream nor the reconciliation delivered (lost fills), and the longest time a position was
 * open without its stop (from the entry's acknowledgement to the stop's).
 *
 * Sizes come from the environment so CI and the bench choose: `QUANTUM_FAULT_EPISODES` (episodes per seed)
 * and `QUANTUM_FAULT_SEEDS` (comma-separated seeds), see {@link faultSuiteFromEnv}.
 */
import { BinanceUsdmExchange, createEmulatorClient } from '@quantum/ccxt'
import { QuantumError, sfc32 } from '@quantum/core'
import type { Fill, Order } from '@quantum/core'
import { startEmulator, type FaultKind } from '@quantum/emulator'

/** The faults drawn from, uniformly. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'response-lost',
  'http-500',
  'http-503',
  'http-502-html',
  'timeout',
  'rate-limit',
  'drop-connection',
  'partial-fill',
  'delayed-fill',
]

/** The protection target: no position without its stop for longer than this. */
export const UNPROTECTED_GRACE_MS = 2000

/** What one seeded run of the suite measured. */
export interface FaultSuiteReport {
  readonly seed: number
  readonly episodes: number
  /** Orders the venue executed that no successful `placeOrder` returned (an order sent twice, or a "failed" one that went through). */
  readonly duplicates: number
  /** Venue executions neither the user-data stream nor the reconciliation delivered. */
  readonly lostFills: number
  /** |venue net position - the net the caller believes|, in 0.001 BTC steps. */
  readonly netMismatchSteps: number
  /** Longest entry-acknowledged -> stop-acknowledged time, ms. */
  readonly longestUnprotectedMs: number
  /** Episodes whose stop came later than {@link UNPROTECTED_GRACE_MS}. */
  readonly unprotectedOverGrace: number
  /** Calls that failed despite the retries (each a `QuantumError`), `"<episode> <entry|stop> <fault>: <error>"`. */
  readonly failures: readonly string[]
  /** Calls that failed with something other than a `QuantumError`. */
  readonly untypedFailures: number
  /** Distinct fault kinds that fired. */
  readonly faultKindsFired: number
  /** Stops left working on the venue at the end (1 when a position is open). */
  readonly openStops: number
  /** Position left open at the end, in 0.001 steps (signed). */
  readonly expectedNetSteps: number
  /** Wall time of the run, ms. */
  readonly wallMs: number
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs `episodes` fault episodes drawn with `seed` against a fresh emulator: each episode injects one fault
 * on the entry or the stop endpoint, sends a market entry, then replaces the protective stop (new stop
 * first, old one cancelled after).
 */
export async function runFaultEpisodes(input: { episodes: number; seed: number }): Promise<FaultSuiteReport> {
  const t0 = performance.now()
  const emulator = await startEmulator({ balance: 10_000_000, seed: 2024 })
  let exchange: BinanceUsdmExchange | undefined
  try {
    emulator.pushBar('BTCUSDT', {
      openTime: emulator.clock.now() - 60_000,
      open: 60_000,
      high: 60_010,
      low: 59_990,
      close: 60_000,
      volume: 1,
    })
    const client = await createEmulatorClient(emulator, { timeoutMs: 300 })
    exchange = await BinanceUsdmExchange.connect({
      client,
      symbols: ['BTCUSDT'],
      retry: { baseDelayMs: 2, maxDelayMs: 20, attempts: 6 },
      // The suite sends an entry every episode, faster than any strategy: above 80 % of the weight budget
      // its entries wait for the next minute (a strategy's are refused); stops and cancels never wait.
      overBudget: 'wait',
    })
    const fills: Fill[] = []
    exchange.events$.subscribe((e) => {
      if (e.type === 'fill') fills.push(e.fill)
    })
    exchange.startUserStream()
    for (let i = 0; i < 200 && emulator.state().sockets.private === 0; i++) await wait(5)
    exchange.account.setLastPrice('BTCUSDT', 60_000)
    const random = sfc32(input.seed)
    const started = Date.now()
    let expected = 0 // net position the caller believes it opened (in 0.001 steps)
    let stop: Order | undefined
    let longest = 0
    let overGrace = 0
    let untyped = 0
    const placed = new Set<string>()
    const failures: string[] = []
    const fail = (what: string, error: unknown): void => {
      failures.push(`${what}: ${String(error)}`)
      if (!(error instanceof QuantumError)) untyped++
    }
    for (let episode = 0; episode < input.episodes; episode++) {
      const kind = FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]!
      const onStop = random() < 0.4
      emulator.faults.inject({
        kind,
        method: 'POST',
        path: onStop ? '/fapi/v1/algoOrder' : '/fapi/v1/order',
        ...(kind === 'partial-fill' ? { parts: 3, intervalMs: 1 } : {}),
        ...(kind === 'delayed-fill' ? { delayMs: 2 } : {}),
      })
      const steps = 2 + Math.floor(random() * 4)
      const side = random() < 0.5 ? 'BUY' : 'SELL'
      try {
        const order = await exchange.placeOrder({ symbol: 'BTCUSDT', side, type: 'MARKET', quantity: steps / 1000 })
        placed.add(order.id)
        expected += side === 'BUY' ? steps : -steps
      } catch (error) {
        fail(`${episode} entry ${kind}`, error)
      }
      const entryAck = performance.now()
      let stopAck = entryAck
      const net = expected / 1000
      if (net !== 0) {
        try {
          const next = await exchange.placeOrder({
            symbol: 'BTCUSDT',
            side: net > 0 ? 'SELL' : 'BUY',
            type: 'STOP_MARKET',
            quantity: Math.abs(net),
            triggerPrice: net > 0 ? 40_000 : 80_000,
            reduceOnly: true,
            tag: 'stop',
          })
          // Protected from here: the old stop is cancelled only now that its replacement works.
          stopAck = performance.now()
          if (stop !== undefined) await exchange.cancelOrder('BTCUSDT', stop.id)
          stop = next
        } catch (error) {
          stopAck = performance.now()
          fail(`${episode} stop ${kind}`, error)
        }
      }
      const unprotected = stopAck - entryAck
      longest = Math.max(longest, unprotected)
      if (unprotected > UNPROTECTED_GRACE_MS) overGrace++
      emulator.faults.clear()
    }
    // Let partial and delayed fills finish and the stream deliver them, then reconcile: executions the
    // stream missed (a dropped socket) are recovered from userTrades.
    for (let i = 0; i < 100 && fills.length < emulator.state().trades; i++) await wait(10)
    await exchange.reconcile(started - 60_000)
    const venue = emulator.state()
    const venueNet = venue.positions.reduce((s, p) => s + (p.side === 'SHORT' ? -p.quantity : p.quantity), 0)
    const executed = new Set(fills.map((f) => f.orderId))
    return {
      seed: input.seed,
      episodes: input.episodes,
      duplicates: [...executed].filter((id) => !placed.has(id)).length,
      lostFills: Math.max(0, venue.trades - fills.length),
      netMismatchSteps: Math.abs(Math.round(venueNet * 1000) - expected),
      longestUnprotectedMs: longest,
      unprotectedOverGrace: overGrace,
      failures,
      untypedFailures: untyped,
      faultKindsFired: new Set(emulator.faults.history.map((f) => f.kind)).size,
      openStops: venue.openAlgoOrders.length,
      expectedNetSteps: expected,
      wallMs: performance.now() - t0,
    }
  } finally {
    await exchange?.close()
    await emulator.close()
  }
}

/** The suite's size from the environment. */
export interface FaultSuiteSize {
  readonly episodes: number
  readonly seeds: readonly number[]
  /** A timeout for one seed's run that scales with its episodes: 60 s plus 500 ms per episode. */
  readonly timeoutPerSeedMs: number
}

/**
 * Reads `QUANTUM_FAULT_EPISODES` (episodes per seed) and `QUANTUM_FAULT_SEEDS` (comma-separated) with the
 * given defaults; the timeout of one seed's run scales with the episodes.
 * @throws {Error} for a value that is not a positive integer.
 */
export function faultSuiteFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  defaults: { episodes: number; seeds: readonly number[] },
): FaultSuiteSize {
  const episodes = env.QUANTUM_FAULT_EPISODES === undefined ? defaults.episodes : Number(env.QUANTUM_FAULT_EPISODES)
  if (!Number.isInteger(episodes) || episodes <= 0)
    throw new Error(`QUANTUM_FAULT_EPISODES="${env.QUANTUM_FAULT_EPISODES}" is not a positive integer`)
  const seeds =
    env.QUANTUM_FAULT_SEEDS === undefined
      ? defaults.seeds
      : env.QUANTUM_FAULT_SEEDS.split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
          .map(Number)
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0))
    throw new Error(`QUANTUM_FAULT_SEEDS="${env.QUANTUM_FAULT_SEEDS}" is not a list of seeds (e.g. 7,99,31337)`)
  return { episodes, seeds, timeoutPerSeedMs: 60_000 + 500 * episodes }
}
