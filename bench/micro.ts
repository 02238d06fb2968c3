/**
 * Per-signal and per-order micro benchmarks: the SDK path against a bare baseline in the same run.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks'
import {
  createPaperExchange,
  definePlugin,
  generateCandles,
  fixedNotional,
  runEngine,
  SimulatedClock,
  startLive,
  type CandleSeries,
} from '@quantum/core'
import { atrStopTarget } from '@quantum/exit-brain'
import { maxLeverage, maxPositionNotional } from '@quantum/risk'
import { from, Observable } from 'rxjs'
import { z } from 'zod'

/** An agent that flips its opinion on every bar: every bar is a signal, a decision and two orders. */
const flipper = definePlugin({
  name: 'bench:flipper',
  kind: 'agent',
  options: z.strictObject({}),
  create: () => {
    let n = 0
    return {
      onBar: (bar) => ({
        agent: 'bench:flipper',
        symbol: bar.symbol,
        time: bar.openTime,
        action: n++ % 2 === 0 ? 'BUY' : 'SELL',
        confidence: 1,
      }),
    }
  },
})

/** Signals per second through agents -> decision -> sizing -> risk (2 guards) -> execution -> fills. */
export async function benchSignals(series: CandleSeries): Promise<{ signalsPerSec: number; signals: number }> {
  const exchange = createPaperExchange({
    balance: 1e12,
    instruments: { [series.symbol]: { tickSize: 0, stepSize: 0, minQty: 0, minNotional: 0 } },
  })
  const out = await runEngine({
    series: [series],
    exchange,
    plugins: [
      flipper(),
      fixedNotional({ notional: 1000 }),
      maxPositionNotional({ max: 5000 }),
      maxLeverage({ max: 10 }),
    ],
  })
  return { signalsPerSec: series.close.length / (out.durationMs / 1000), signals: series.close.length }
}

/**
 * {@link benchSignals} on `bars` generated bars (seed 7): one pass to warm the path up, then three.
 * Returns the best and worst of the three. Made to run in a fresh process (see bench/fresh-process.ts).
 */
export async function benchSignalRuns(bars: number): Promise<{ best: number; worst: number }> {
  const series = generateCandles({ bars, seed: 7, symbol: 'SYNTHUSDT' })
  await benchSignals(series)
  const rates: number[] = []
  for (let k = 0; k < 3; k++) rates.push((await benchSignals(series)).signalsPerSec)
  return { best: Math.max(...rates), worst: Math.min(...rates) }
}

/**
 * Orders per second on the paper exchange: place a market order (`submitOrderSync`, what the kernel's
 * direct sink calls: `placeOrderSync` without the copy of the order it returns), fill it on the next
 * bar. Nobody listens to the exchange's events here, so it builds none (the per-signal row measures
 * the path with the engine listening).
 */
export function benchOrders(series: CandleSeries, orders: number): { ordersPerSec: number; barePerSec: number } {
  const exchange = createPaperExchange({
    balance: 1e12,
    instruments: { [series.symbol]: { tickSize: 0, stepSize: 0, minQty: 0, minNotional: 0 } },
  })
  const n = Math.min(orders, series.close.length)
  const bar = { openTime: 0, open: 0, high: 0, low: 0, close: 0 }
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    exchange.submitOrderSync({
      symbol: series.symbol,
      side: i % 2 === 0 ? 'BUY' : 'SELL',
      type: 'MARKET',
      quantity: 0.01,
    })
    bar.openTime = series.openTime[i]!
    bar.open = series.open[i]!
    bar.high = series.high[i]!
    bar.low = series.low[i]!
    bar.close = series.close[i]!
    exchange.onBar(series.symbol, bar)
  }
  const sdk = performance.now() - t0
  // Baseline: the same fills as bare arithmetic (position, entry, realised PnL, fee, wallet).
  const t1 = performance.now()
  let pos = 0
  let entry = 0
  let wallet = 1e12
  for (let i = 0; i < n; i++) {
    const price = series.open[i]!
    const q = i % 2 === 0 ? 0.01 : -0.01
    if (pos !== 0 && Math.sign(q) !== Math.sign(pos)) wallet += pos * (price - entry)
    else entry = price
    pos += q
    wallet -= 0.0005 * 0.01 * price
  }
  const bare = performance.now() - t1
  if (!Number.isFinite(wallet)) throw new Error('unreachable')
  return { ordersPerSec: n / (sdk / 1000), barePerSec: n / (bare / 1000) }
}

/**
 * {@link benchOrders} on `bars` generated bars (seed 42): one pass to warm the order path up, then three.
 * Returns the best and worst of the three. Made to run in a fresh process (see bench/fresh-process.ts).
 */
export function benchOrderRuns(bars: number): { best: number; worst: number; barePerSec: number } {
  const series = generateCandles({ bars, seed: 42, symbol: 'SYNTHUSDT' })
  benchOrders(series, bars)
  const runs = [0, 1, 2].map(() => benchOrders(series, bars))
  const rates = runs.map((r) => r.ordersPerSec)
  return { best: Math.max(...rates), worst: Math.min(...rates), barePerSec: Math.max(...runs.map((r) => r.barePerSec)) }
}

/** Runs `work` and returns its result with the garbage collector's pauses during it (count and ms). */
export async function withGc<T>(work: () => Promise<T> | T): Promise<{ value: T; gcMs: number; scavenges: number }> {
  let gcMs = 0
  let scavenges = 0
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration
      if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++
    }
  })
  observer.observe({ entryTypes: ['gc'] })
  const value = await work()
  // GC entries are delivered asynchronously: let the last ones arrive.
  await new Promise((resolve) => setTimeout(resolve, 20))
  observer.disconnect()
  return { value, gcMs, scavenges }
}

/** An agent without opinions: the no-signal path (market step, exits' and agents' onBar, equity). */
const silent = definePlugin({
  name: 'bench:silent',
  kind: 'agent',
  options: z.strictObject({}),
  create: () => ({ onBar: () => undefined }),
})

/**
 * The path without signals: every bar through the market step (paper exchange, an exit policy's
 * onBar), the agents and the recorder, and nothing after. Reports its rate and the minor GCs
 * (scavenges) it caused: an allocation-free path causes none.
 */
export async function benchNoSignal(
  series: CandleSeries,
): Promise<{ barsPerSec: number; scavenges: number; gcMs: number }> {
  const exchange = createPaperExchange({
    balance: 100_000,
    instruments: { [series.symbol]: { tickSize: 0, stepSize: 0, minQty: 0, minNotional: 0 } },
  })
  const plugins = [silent(), fixedNotional({ notional: 1000 }), atrStopTarget({ period: 14 })]
  const { value, scavenges, gcMs } = await withGc(() => runEngine({ series: [series], exchange, plugins }))
  return { barsPerSec: series.close.length / (value.durationMs / 1000), scavenges, gcMs }
}

/**
 * The cost of one RxJS stage: the bars of `series` through `stages` pass-through operators of the
 * engine's shape (a custom Observable per stage, as the engine's operators are), against a plain loop
 * calling the same function. Returns nanoseconds per bar per stage.
 */
export function benchRxStage(series: CandleSeries, stages = 5): { nsPerStage: number; nsLoop: number } {
  const n = series.close.length
  let sink = 0
  const consume = (bar: { close: number }): void => {
    sink += bar.close
  }
  const bar = { close: 0 }
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    bar.close = series.close[i]!
    consume(bar)
  }
  const loop = performance.now() - t0
  const pass =
    () =>
    (source: Observable<{ close: number }>): Observable<{ close: number }> =>
      new Observable((subscriber) =>
        source.subscribe({
          next: (v) => subscriber.next(v),
          error: (e: unknown) => subscriber.error(e),
          complete: () => subscriber.complete(),
        }),
      )
  const source = new Observable<{ close: number }>((subscriber) => {
    for (let i = 0; i < n; i++) {
      bar.close = series.close[i]!
      subscriber.next(bar)
    }
    subscriber.complete()
  })
  const time = (k: number): number => {
    let piped = source
    for (let s = 0; s < k; s++) piped = piped.pipe(pass())
    const t = performance.now()
    piped.subscribe(consume)
    return performance.now() - t
  }
  const best = (k: number): number => Math.min(time(k), time(k), time(k))
  const zero = best(0)
  const many = best(stages)
  if (!Number.isFinite(sink)) throw new Error('unreachable')
  return { nsPerStage: ((many - zero) / stages / n) * 1e6, nsLoop: (loop / n) * 1e6 }
}

/**
 * Per bar on a live run with three agents and a sizer, with the hook budget's interruption on (venues:
 * one V8 watchdog per bar's step, so an endless loop in a hook can be cut) against the same run with the
 * budget only timed (the paper exchange's default).
 */
export async function benchHookInterrupt(n = 5_000): Promise<{ usPerBarInterrupting: number; usPerBarTimed: number }> {
  const quiet = definePlugin({
    name: 'bench:quiet-agent',
    kind: 'agent',
    options: z.strictObject({ id: z.number() }),
    create: () => ({ onBar: () => undefined }),
  })
  const perBar = async (interruptHooks: boolean): Promise<number> => {
    const bars = Array.from({ length: n }, (_, i) => ({
      symbol: 'BENCHUSDT',
      index: i,
      openTime: i * 60_000,
      open: 100,
      high: 100.5,
      low: 99.5,
      close: 100,
      volume: 1,
    }))
    const exchange = createPaperExchange({
      balance: 10_000,
      instruments: { BENCHUSDT: { tickSize: 0.01, stepSize: 0.001 } },
    })
    const t0 = performance.now()
    const run = startLive({
      bars: from(bars),
      paper: exchange,
      sink: 'queue',
      mode: 'paper',
      clock: new SimulatedClock(0),
      plugins: [quiet({ id: 1 }), quiet({ id: 2 }), quiet({ id: 3 }), fixedNotional({ notional: 100 })],
      hookBudgetMs: 1000,
      interruptHooks,
    })
    await run.done
    return ((performance.now() - t0) * 1000) / n
  }
  await perBar(false) // warm-up
  const timed = Math.min(await perBar(false), await perBar(false))
  const interrupting = Math.min(await perBar(true), await perBar(true))
  return { usPerBarInterrupting: interrupting, usPerBarTimed: timed }
}

/**
 * What fresh memory costs on this machine: touching one byte per 4 KiB page of a new 64 MiB buffer
 * (each page faulted in by the kernel) against touching the same pages again. Every MiB a run grows
 * by costs its 256 pages once; on a VM that backs guest memory lazily this dominates a large run's
 * kernel time, so the whole-process and pipeline rows move with it.
 */
export function benchPageFaults(): { usPerFreshPage: number; nsPerTouchedPage: number } {
  const pages = (64 * 1024 * 1024) / 4096
  const bytes = new Uint8Array(pages * 4096)
  const t0 = performance.now()
  for (let p = 0; p < pages; p++) bytes[p * 4096] = 1
  const fresh = performance.now() - t0
  const t1 = performance.now()
  for (let p = 0; p < pages; p++) bytes[p * 4096]! += 1
  const again = performance.now() - t1
  if (bytes[0] !== 2) throw new Error('unreachable')
  return { usPerFreshPage: (fresh * 1000) / pages, nsPerTouchedPage: (again * 1e6) / pages }
}
