/**
 * `npm run bench`: the SDK's hot paths against baselines measured in the same run.
 *  - per candle: the reference strategy through the full pipeline vs the bare loop (bench/reference),
 *    with the garbage collector's share of the pipeline's time; the path without signals (and the
 *    minor GCs it causes); the cost of one RxJS stage; a live bar with the hook budget's interruption
 *    of endless loops (venues) vs timed only;
 *  - whole process: `quantum-run` on the same bars from the binary cache (startup, config, data, report);
 *  - per signal: a signal on every bar through decision, sizing, risk and execution, in a fresh process and in this one;
 *  - per order: paper-exchange order placement and fill vs bare arithmetic, in a fresh process and in this one;
 *  - per intent: the STRICT risk chain vs the seed's two floor checks written inline.
 *  - emulator: ccxt createOrder round trip through the local Binance emulator vs a bare fetch of its ping.
 *  - signal -> order on the wire: live engine + Binance adapter vs a bare ccxt createOrder (emulator).
 *  - operations: what `--http` (server, metrics, dashboard) adds to signal -> wire and to memory, the
 *    dashboard's first paint in headless Chromium and 1,000 events/s to a page (bench/dashboard.ts).
 *    These two latency benches, and the model latencies (bench/models.ts), run in a fresh process each
 *    (bench/fresh-process.ts): in this one, grown to ~850 MiB by the throughput benches, a major GC lands
 *    in the p99 (measured 5.6 ms vs 1.1 ms).
 *  - per intent journaled: a durable order intent through the StateStore (@quantum/store; on SQLite its
 *    intent log's O_DSYNC write, then the row) vs a bare durable driver insert of the same row, on SQLite (libsql) and on PostgreSQL when a server answers;
 *    in a fresh process, like the latency benches above.
 *  - kline stream: 50 symbols of 1m klines through ccxt.pro + klineFeed vs a bare ws client (emulator),
 *    at several round rates: lag and backlog (1 s per rate when $QUANTUM_BENCH_BARS < 1,000,000, else 3 s).
 *  - GBDT trainer: the TypeScript histogram GBDT (worker thread) vs XGBoost on the same 1h split (bench/gbdt.ts).
 *  - CLM: model-agent decision latency while a training job runs vs idle, and the full job's time (bench/clm.ts).
 *  - fault suite: seeded faults on entries and stops (emulator), per seed: duplicates, lost fills and the
 *    longest unprotected time against the 2 s target; 1,000 episodes x 5 seeds when $QUANTUM_BENCH_BARS
 *    >= 1,000,000, else 50 x 1 ($QUANTUM_FAULT_EPISODES / $QUANTUM_FAULT_SEEDS override both).
 * Bars: $QUANTUM_BENCH_BARS (default 1,000,000), generated with seed 42.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateCandles, hookWatchdogKind, writeCandlesCsv } from '@quantum/core'
import type { benchEmulator } from './emulator-latency.js'
import type { benchFaultSuite } from './fault-suite.js'
import { inFreshProcess } from './fresh-process.js'
import { benchClm, clmRows } from './clm.js'
import { benchGbdt, gbdtRows } from './gbdt.js'
import { benchKlineStream, klineStreamRows } from './kline-stream.js'
import type { benchLiveOrder, benchOpsLatency, benchOpsRss } from './live-order.js'
import { benchDashboard } from './dashboard.js'
import {
  benchHookInterrupt,
  benchNoSignal,
  benchOrderRuns,
  benchPageFaults,
  benchRxStage,
  benchSignals,
  withGc,
} from './micro.js'
import type { benchSignalRuns } from './micro.js'
import type { benchModels } from './models.js'
import { benchRisk } from './risk.js'
import type { benchStateStore } from './state-store.js'
import { runBareLoop } from './reference/bare-loop.js'
import { runReferenceSdk } from './reference/run-sdk.js'
import { faultSuiteFromEnv, UNPROTECTED_GRACE_MS } from '../test-utils/fault-episodes.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const bars = Number(process.env.QUANTUM_BENCH_BARS ?? 1_000_000)
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')
const rows: [string, string, string][] = []
const report = (name: string, value: string, ratio = ''): void => {
  rows.push([name, value, ratio])
  console.log(`${name.padEnd(44)} ${value.padStart(22)}  ${ratio}`)
}

function best(times: number[]): number {
  return Math.min(...times)
}

async function main(): Promise<void> {
  console.log(`Quantum Trader SDK bench: ${fmt(bars)} bars (seed 42), node ${process.version}\n`)
  const series = generateCandles({ bars, seed: 42, symbol: 'SYNTHUSDT' })

  // Per candle: bare loop (baseline) vs the whole pipeline, best of several runs each.
  const bareTimes: number[] = []
  let bareTrades = 0
  for (let k = 0; k < 7; k++) {
    const t0 = performance.now()
    bareTrades = runBareLoop(series).trades.length
    bareTimes.push(performance.now() - t0)
  }
  const bareRate = bars / (best(bareTimes) / 1000)
  report('bare loop (baseline)', `${fmt(bareRate)} bars/s`)
  const sdkTimes: number[] = []
  const gcShares: number[] = []
  let sdkTrades = 0
  for (let k = 0; k < 5; k++) {
    const { value, gcMs } = await withGc(() => runReferenceSdk(series))
    sdkTimes.push(value.output.durationMs)
    gcShares.push(gcMs / value.output.durationMs)
    sdkTrades = value.output.trades.length
  }
  if (sdkTrades !== bareTrades) throw new Error(`trade count differs: sdk ${sdkTrades} vs bare ${bareTrades}`)
  const sdkRate = bars / (best(sdkTimes) / 1000)
  const worstRate = bars / (Math.max(...sdkTimes) / 1000)
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`
  report(
    'full pipeline, inner loop',
    `${fmt(sdkRate)} bars/s`,
    `${(bareRate / sdkRate).toFixed(1)}x slower than bare (${sdkTrades} trades; worst of 5 ${fmt(worstRate)} bars/s)`,
  )
  report(
    'full pipeline: garbage collection share',
    `${pct(Math.min(...gcShares))} - ${pct(Math.max(...gcShares))}`,
    'of the inner loop time, over 5 runs',
  )
  const quiet = await benchNoSignal(series)
  report(
    'no-signal path (market step, exits, agents)',
    `${fmt(quiet.barsPerSec)} bars/s`,
    `${quiet.scavenges} minor GCs over ${fmt(bars)} bars (an allocation-free path has none)`,
  )
  const rx = benchRxStage(series)
  report(
    'one RxJS stage (custom Observable operator)',
    `${rx.nsPerStage.toFixed(1)} ns/bar`,
    `vs ${rx.nsLoop.toFixed(1)} ns/bar for the bare loop's call; the pipeline has 6 stages`,
  )
  const hooks = await benchHookInterrupt()
  report(
    'live bar, 3 agents, hook interruption on',
    `${hooks.usPerBarInterrupting.toFixed(1)} us/bar`,
    `vs ${hooks.usPerBarTimed.toFixed(1)} us/bar timed only (+${(hooks.usPerBarInterrupting - hooks.usPerBarTimed).toFixed(1)} us: venues only; watchdog ${hookWatchdogKind()})`,
  )

  const faults = benchPageFaults()
  report(
    'fresh memory, per 4 KiB page (first touch)',
    `${faults.usPerFreshPage.toFixed(2)} us/page`,
    `vs ${faults.nsPerTouchedPage.toFixed(1)} ns/page touched again: ${fmt(faults.usPerFreshPage * 256)} us per MiB a run grows by`,
  )

  // Whole process: the CLI on a CSV of the same bars, after one run that fills the binary cache.
  const dir = join(tmpdir(), `quantum-bench-${process.pid}`)
  mkdirSync(dir, { recursive: true })
  const csv = join(dir, 'SYNTHUSDT-1m.csv')
  await writeCandlesCsv(series, csv)
  const rssHook = join(dir, 'rss.mjs')
  writeFileSync(
    rssHook,
    "import { writeSync } from 'node:fs'\nprocess.on('exit', () => { const u = process.resourceUsage(); writeSync(2, `\\nmaxrss_kb=${u.maxRSS} sys_us=${u.systemCPUTime} faults=${u.minorPageFault}\\n`) })\n",
  )
  const cli = join(root, 'packages/runtime/dist/cli.js')
  const config = join(root, 'examples/reference-strategy/quantum.config.ts')
  const runCli = (): { ms: number; rssKb: number; sysMs: number; faults: number } => {
    const t0 = performance.now()
    const r = spawnSync(
      process.execPath,
      ['--import', rssHook, cli, config, '--data', csv, '--out', join(dir, 'run'), '--no-progress', '--quiet'],
      {
        cwd: dir,
        encoding: 'utf8',
      },
    )
    const ms = performance.now() - t0
    if (r.status !== 0) throw new Error(`quantum-run failed (${r.status}): ${r.stderr}`)
    rmSync(join(dir, 'run'), { recursive: true, force: true })
    const field = (name: string): number => Number(new RegExp(`${name}=(\\d+)`).exec(r.stderr)?.[1] ?? NaN)
    return { ms, rssKb: field('maxrss_kb'), sysMs: field('sys_us') / 1000, faults: field('faults') }
  }
  runCli()
  const procRuns = [runCli(), runCli(), runCli()]
  const proc = procRuns.reduce((a, b) => (a.ms < b.ms ? a : b))
  report(
    'whole process (quantum-run, cached bars)',
    `${fmt(bars / (proc.ms / 1000))} bars/s`,
    `${(proc.ms / 1000).toFixed(2)} s wall, peak RSS ${fmt(proc.rssKb / 1024)} MiB; kernel time ${fmt(proc.sysMs)} ms for ${fmt(proc.faults)} page faults (fresh memory is faulted in page by page: its cost is the machine's)`,
  )

  // Per signal and per order: in a fresh process, as a run makes them from a heap of its own size, and
  // in this one, grown by the rows before (its collector taxed by a million bars of arrays).
  const signalBars = Math.min(bars, 200_000)
  const sigFresh = await inFreshProcess<Awaited<ReturnType<typeof benchSignalRuns>>>('micro.ts', 'benchSignalRuns', [
    signalBars,
  ])
  const sig = await benchSignals(generateCandles({ bars: signalBars, seed: 7, symbol: 'SYNTHUSDT' }))
  report(
    'per signal (signal->decision->size->risk->order)',
    `${fmt(sigFresh.best)} signals/s`,
    `${(bareRate / sigFresh.best).toFixed(1)}x the bare loop's per-bar cost; fresh process, best of 3 (worst ${fmt(sigFresh.worst)}/s); in this process ${fmt(sig.signalsPerSec)}/s; target >= 1,000,000`,
  )
  // Per order: in a fresh process, as a run places orders from a heap of its own size, and in this one,
  // grown by the rows before (its collector and the order path's JIT state taxed by them).
  const orderBars = Math.min(bars, 200_000)
  const ordFresh = await inFreshProcess<ReturnType<typeof benchOrderRuns>>('micro.ts', 'benchOrderRuns', [orderBars])
  const ordHere = benchOrderRuns(orderBars)
  report(
    'per order (place + fill, paper exchange)',
    `${fmt(ordFresh.best)} orders/s`,
    `${(ordFresh.barePerSec / ordFresh.best).toFixed(1)}x slower than bare arithmetic (${fmt(ordFresh.barePerSec)}/s); fresh process, best of 3 (worst ${fmt(ordFresh.worst)}/s); in this process ${fmt(ordHere.best)}/s (worst ${fmt(ordHere.worst)}/s); target >= 1,000,000`,
  )
  const risk = await benchRisk(Math.min(bars, 200_000))
  report(
    'per intent, STRICT risk chain (12 guards)',
    `${fmt(risk.strictPerSec)} intents/s`,
    `${(risk.barePerSec / risk.strictPerSec).toFixed(1)}x the bare floor checks (${fmt(risk.barePerSec)}/s)`,
  )
  const emu = await inFreshProcess<Awaited<ReturnType<typeof benchEmulator>>>('emulator-latency.ts', 'benchEmulator')
  report(
    'emulator: ccxt createOrder round trip (p50/p99)',
    `${emu.order.p50Ms.toFixed(2)} / ${emu.order.p99Ms.toFixed(2)} ms`,
    `${(emu.order.p50Ms / emu.ping.p50Ms).toFixed(1)}x a bare fetch of /fapi/v1/ping (${emu.ping.p50Ms.toFixed(2)} / ${emu.ping.p99Ms.toFixed(2)} ms)`,
  )
  const live = await inFreshProcess<Awaited<ReturnType<typeof benchLiveOrder>>>(
    'live-order.ts',
    'benchLiveOrder',
    [200],
  )
  report(
    'signal -> order on the wire, live engine + adapter (p50/p99)',
    `${live.sdk.p50Ms.toFixed(3)} / ${live.sdk.p99Ms.toFixed(3)} ms`,
    `${(live.sdk.p50Ms / live.bare.p50Ms).toFixed(1)}x a bare ccxt createOrder (${live.bare.p50Ms.toFixed(3)} / ${live.bare.p99Ms.toFixed(3)} ms); target p99 <= 5 ms`,
  )
  report(
    'signal -> order on the wire, with the SQLite state store journaling (p50/p99)',
    `${live.journaled.p50Ms.toFixed(3)} / ${live.journaled.p99Ms.toFixed(3)} ms`,
    `${(live.journaled.p99Ms / live.sdk.p99Ms).toFixed(2)}x p99 without a store (same run); target p99 <= 5 ms`,
  )
  await benchOps()
  await benchJournal()
  await benchKlines()
  await benchFaults()
  await benchAi(dir)
  for (const [name, value, ratio] of gbdtRows(await benchGbdt({ runs: bars < 1_000_000 ? 1 : 3 }))) {
    report(name, value, ratio)
  }
  for (const [name, value, ratio] of clmRows(await benchClm({ idleDecisions: 1500, periodMs: 4 }))) {
    report(name, value, ratio)
  }
  console.log(`\npeak RSS of this process: ${fmt(process.resourceUsage().maxRSS / 1024)} MiB`)
}

/**
 * What the runtime's operations cost (issue 14's targets): `--http` ops on signal -> wire and on memory
 * (fresh processes, alternating off/on), the dashboard's first paint and 1,000 events/s to a page.
 */
async function benchOps(): Promise<void> {
  const load = (): string => `load ${loadavg()[0]!.toFixed(1)}`
  const lat = await inFreshProcess<Awaited<ReturnType<typeof benchOpsLatency>>>(
    'live-order.ts',
    'benchOpsLatency',
    [200],
  )
  report(
    'signal -> wire p50/p99 with --http ops (server, metrics, dashboard)',
    `${lat.on.p50Ms.toFixed(3)} / ${lat.on.p99Ms.toFixed(3)} ms`,
    `p50 ${((lat.on.p50Ms / lat.off.p50Ms - 1) * 100).toFixed(1)} % over off (${lat.off.p50Ms.toFixed(3)} / ${lat.off.p99Ms.toFixed(3)} ms, alternating rounds); target <= 5 %; ${load()}`,
  )
  const growth: Record<'off' | 'on', { rssGrowthMiB: number; heapGrowthMiB: number }[]> = { off: [], on: [] }
  for (const on of [false, true, false, true]) {
    growth[on ? 'on' : 'off'].push(
      await inFreshProcess<Awaited<ReturnType<typeof benchOpsRss>>>('live-order.ts', 'benchOpsRss', [on]),
    )
  }
  const span = (xs: number[]): string => `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`
  report(
    'memory growth over 300 signals with --http ops (RSS / heap)',
    `${span(growth.on.map((g) => g.rssGrowthMiB))} / ${span(growth.on.map((g) => g.heapGrowthMiB))} MiB`,
    `without: ${span(growth.off.map((g) => g.rssGrowthMiB))} / ${span(growth.off.map((g) => g.heapGrowthMiB))} MiB (2 fresh processes each, modules included); target <= 20 MB; ${load()}`,
  )
  const dash = await benchDashboard({ loads: 5, seconds: 10 })
  if (dash.skipped !== undefined) {
    report('dashboard in headless Chromium', 'skipped', dash.skipped)
    return
  }
  const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
  report(
    'dashboard first paint on loopback (FCP / run shown), median of 5',
    `${median(dash.fcpMs).toFixed(0)} / ${median(dash.shownMs).toFixed(0)} ms`,
    `range ${span([...dash.fcpMs])} / ${span([...dash.shownMs])} ms; target <= 1 s; ${load()}`,
  )
  report(
    'dashboard stream, 1,000 events/s for 10 s',
    `${fmt(dash.applied)} of ${fmt(dash.published)} applied`,
    `page lag ${span([...dash.lagMs])} ms (per second), unsent bytes max ${fmt(Math.max(...dash.queuedBytes))}, ${dash.dropped} dropped; ${load()}`,
  )
}

/** Journaling an order intent durably: the store vs a bare insert, per backend (p50/p99). */
async function benchJournal(): Promise<void> {
  const writes = bars < 1_000_000 ? 500 : 2000
  const r = await inFreshProcess<Awaited<ReturnType<typeof benchStateStore>>>('state-store.ts', 'benchStateStore', [
    writes,
  ])
  const row = (name: string, m: NonNullable<typeof r.postgres>, bare: string): void =>
    report(
      name,
      `${m.store.p50Ms.toFixed(3)} / ${m.store.p99Ms.toFixed(3)} ms`,
      `${(m.store.p50Ms / m.bare.p50Ms).toFixed(2)}x a bare ${bare} insert (${m.bare.p50Ms.toFixed(3)} / ${m.bare.p99Ms.toFixed(3)} ms), ${writes} writes`,
    )
  row('intent journaled, SQLite intent log (p50/p99)', r.sqlite, 'libsql WAL+FULL')
  if (r.postgres !== undefined) row('intent journaled, PostgreSQL commit (p50/p99)', r.postgres, 'pg')
  else report('intent journaled, PostgreSQL', 'skipped', r.postgresSkipped ?? '')
}

/** 50 symbols of 1m klines from the emulator through klineFeed, per round rate, against a bare ws client. */
async function benchKlines(): Promise<void> {
  const result = await benchKlineStream({ seconds: bars < 1_000_000 ? 1 : 3 })
  for (const [name, value, ratio] of klineStreamRows(result)) report(name, value, ratio)
}

/** The fault suite in a fresh process, one row per seed. */
async function benchFaults(): Promise<void> {
  const full = bars >= 1_000_000
  const size = faultSuiteFromEnv(
    process.env,
    full ? { episodes: 1000, seeds: [7, 99, 31337, 2024, 42] } : { episodes: 50, seeds: [7] },
  )
  const rows = await inFreshProcess<Awaited<ReturnType<typeof benchFaultSuite>>>('fault-suite.ts', 'benchFaultSuite', [
    size.episodes,
    size.seeds,
  ])
  for (const r of rows) {
    report(
      `fault suite, seed ${r.seed} (${r.episodes} episodes): dup/lost/unprot.`,
      `${r.duplicates} / ${r.lostFills} / ${fmt(r.longestUnprotectedMs)} ms`,
      `${(r.longestUnprotectedMs / UNPROTECTED_GRACE_MS).toFixed(2)}x the ${UNPROTECTED_GRACE_MS / 1000} s target; ${r.unprotectedOverGrace} stops late, ${r.failureCount} failed calls, ${(r.wallMs / 1000).toFixed(0)} s`,
    )
    for (const f of r.firstFailures) console.log(`    ${f}`)
  }
}

/** The AI engine: model latency, a batched 100-symbol step, and a year of 5m bars through the ensemble example. */
async function benchAi(dir: string): Promise<void> {
  // A latency bench, so in a fresh process like the others: this one holds a million bars and the
  // throughput benches' heap, and its major GCs land in a p99 a live decision process would not see.
  const m = await inFreshProcess<Awaited<ReturnType<typeof benchModels>>>('models.ts', 'benchModels')
  report(
    'ensemble decision, 1 symbol, 4 models (p50/p99)',
    `${m.oneSymbol.p50Ms.toFixed(3)} / ${m.oneSymbol.p99Ms.toFixed(3)} ms`,
    'seed: ~150 ms',
  )
  report(
    '100 symbols, one batched step (p50/p99)',
    `${m.hundredSymbols.p50Ms.toFixed(2)} / ${m.hundredSymbols.p99Ms.toFixed(2)} ms`,
    `${m.hundredSymbols.iterations} steps; target p99 <= 10 ms`,
  )
  report(
    '100 symbols, one step, 1 inference thread (p50/p99)',
    `${m.hundredSymbolsThreaded.p50Ms.toFixed(2)} / ${m.hundredSymbolsThreaded.p99Ms.toFixed(2)} ms`,
    `${m.hundredSymbolsThreaded.iterations} steps; sequence models' batches split over two threads`,
  )
  // Memory of model serving alone, in a fresh process (this one holds a million bars of arrays).
  const mem = spawnSync(process.execPath, [join(root, 'bench/models-rss.mjs')], { encoding: 'utf8' })
  if (mem.status !== 0) throw new Error(`models-rss failed: ${mem.stderr}`)
  const served = JSON.parse(mem.stdout) as { baselineMb: number; loadedMb: number; runningMb: number }
  report(
    'RSS, fresh process: node / 4 models loaded / running',
    `${served.baselineMb} / ${served.loadedMb} / ${served.runningMb} MB`,
    'target <= 200 MB',
  )
  // A year of 5m bars (105,120) of one symbol through examples/ensemble, as a whole process.
  const yearBars = Number(process.env.QUANTUM_BENCH_5M_BARS ?? 105_120)
  const start = Date.UTC(2024, 9, 1)
  const csv = join(dir, 'BTCUSDT-5m.csv')
  await writeCandlesCsv(
    generateCandles({ bars: yearBars, seed: 5, symbol: 'BTCUSDT', startTime: start, timeframeMs: 300_000 }),
    csv,
  )
  const config = join(root, 'examples/ensemble/quantum.config.ts')
  const cli = join(root, 'packages/runtime/dist/cli.js')
  const args = [
    '--import',
    join(dir, 'rss.mjs'),
    cli,
    config,
    '--data',
    csv,
    '--from',
    '2024-10-01',
    '--out',
    join(dir, 'ens'),
    '--no-progress',
    '--quiet',
  ]
  spawnSync(process.execPath, args, { cwd: dir }) // fills the candle cache
  rmSync(join(dir, 'ens'), { recursive: true, force: true })
  const t0 = performance.now()
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`ensemble run failed (${r.status}): ${r.stderr}`)
  const rss = Number(/maxrss_kb=(\d+)/.exec(r.stderr)?.[1] ?? NaN)
  report(
    `ensemble backtest, ${fmt(yearBars)} 5m bars, whole process`,
    `${(ms / 1000).toFixed(2)} s`,
    `peak RSS ${fmt(rss / 1024)} MiB (target <= 10 s)`,
  )
  rmSync(dir, { recursive: true, force: true })
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
