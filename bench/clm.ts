/**
 * CLM bench: decision latency of a live model agent (features + ONNX inference per bar, `onBarAsync`)
 * while a full training job runs in the same process, against the same agent idle; and the time of
 * the full job for one family (data, train in a worker thread, register in the state store, evaluate
 * out of time), step by step.
 *
 * Bars are delivered by a feed thread (a worker, like a socket the venue writes to), one every
 * `periodMs`, each stamped with the moment it was sent. A decision's latency runs from that stamp to the
 * agent's answer, so time the main thread spends blocked (by any job step left on it) counts, as it would
 * for a live bar, and it is never negative. Data: the 1h candles of ../shared/data (else generated).
 * The decision thread runs real-time where the OS allows (as a testnet or live run does by default), so
 * the orchestrator puts the job in its SCHED_IDLE worker host process.
 * `main()` (run this file) repeats the bench and prints the ratio per run with the load average, and
 * the ratio of the p99s pooled over the runs; `--scheduling realtime,normal` and `--isolation
 * thread,process` cycle run by run (an A/B under the same drifting load); `--tail` prints where the
 * slowest 1 % of each phase's decisions spent their time (in flight to the main thread, queued, deciding;
 * the main thread's wait for a core; garbage collections).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { getPriority, loadavg, setPriority, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { xgboostAgent, type ModelAgentPlugin } from '@quantum/agents'
import {
  enterRealtime,
  leaveRealtime,
  marketBarAt,
  silentLogger,
  type CandleSeries,
  type PluginContext,
} from '@quantum/core'
import {
  DEFAULT_LABEL,
  ModelLifecycle,
  Orchestrator,
  gbdtAdapter,
  type JobReport,
  type WorkerIsolation,
} from '@quantum/clm'
import { openSqliteStore } from '@quantum/store'
import { histories } from './gbdt.js'
import { PhaseProbe, schedSample, type PhaseProbeResult } from './thread-probe.js'
import { PerformanceObserver } from 'node:perf_hooks'

/** Latency percentiles of one phase. */
export interface LatencyStats {
  readonly decisions: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

/** What {@link benchClm} measures. */
export interface ClmBenchResult {
  readonly idle: LatencyStats
  /** While the whole job ran. */
  readonly duringJob: LatencyStats
  /** While only the worker-thread training step ran. */
  readonly duringTrain: LatencyStats
  /** Per job step (data, train, register, evaluate). */
  readonly byStep: Readonly<Record<string, LatencyStats>>
  readonly job: JobReport
  readonly data: string
  /** Load average (1 min) before and after the run. */
  readonly load: readonly [number, number]
  /**
   * The main thread per phase (`idle`, `job` and each job step): CPU time, wait for a core, event-loop
   * delay. Less sensitive to the machine's load than the decision latency.
   */
  readonly probes: Readonly<Record<string, PhaseProbeResult>>
  /** The niceness the job's workers ran at (undefined: the orchestrator's default, 19). */
  readonly niceness: number | undefined
  /** What ran the job's steps. */
  readonly isolation: WorkerIsolation
  /** Whether the decision thread ran under real-time scheduling. */
  readonly realtime: boolean
  /** Every decision's latency (ms), idle and during the job, for pooling over runs. */
  readonly samples: { readonly idle: readonly number[]; readonly job: readonly number[] }
}

const ctx = { mode: 'paper', logger: silentLogger, bus: { emit: () => undefined } } as unknown as PluginContext

function stats(samples: readonly number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b)
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN
  return { decisions: s.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: s.at(-1) ?? Number.NaN }
}

const TAIL = process.argv.includes('--tail')
interface TailRecord {
  phase: string
  sentAt: number
  receivedAt: number
  startedAt: number
  doneAt: number
  waitMs: number
  waitBefore: number
}
const tails: TailRecord[] = []
const gcs: [number, number, number][] = []
if (TAIL)
  new PerformanceObserver((l) => {
    for (const e of l.getEntries())
      gcs.push([
        performance.timeOrigin + e.startTime,
        e.duration,
        (e as { detail?: { kind?: number } }).detail?.kind ?? 0,
      ])
  }).observe({ entryTypes: ['gc'] })

/** Prints where the slowest 1 % of decisions of each phase spent their time (`--tail`). */
function printTail(): void {
  const byPhase = new Map<string, TailRecord[]>()
  for (const t of tails) byPhase.set(t.phase, [...(byPhase.get(t.phase) ?? []), t])
  for (const [phase, list] of byPhase) {
    const sorted = [...list].sort((a, b) => b.doneAt - b.sentAt - (a.doneAt - a.sentAt))
    const top = sorted.slice(0, Math.max(1, Math.ceil(list.length / 100)))
    const f = (x: number): string => x.toFixed(2)
    console.log(`  tail of ${phase} (${top.length} of ${list.length}):`)
    for (const t of top) {
      const gc = gcs.filter(([s, d]) => s < t.doneAt && s + d > t.sentAt)
      console.log(
        `    total ${f(t.doneAt - t.sentAt)} = to main ${f(t.receivedAt - t.sentAt)} + queued ${f(t.startedAt - t.receivedAt)} + decide ${f(t.doneAt - t.startedAt)}; main waited for a core ${f(t.waitBefore)} before, ${f(t.waitMs)} ms in decide; gc ${gc.map(([, d, k]) => `${f(d)}(k${k})`).join(' ') || '-'}`,
      )
    }
  }
  tails.length = 0
  gcs.length = 0
}

/** Absolute high-resolution time (comparable across threads). */
const nowAbs = (): number => performance.timeOrigin + performance.now()

/** A feed thread that posts `{ sentAt }` every `periodMs` on its own clock until terminated. */
function feed(periodMs: number): Worker {
  const code = `
    const { parentPort } = require('node:worker_threads')
    const abs = () => performance.timeOrigin + performance.now()
    let due = performance.now()
    const tick = () => {
      parentPort.postMessage(abs())
      due += ${periodMs}
      setTimeout(tick, Math.max(0, due - performance.now()))
    }
    tick()`
  return new Worker(code, { eval: true })
}

/**
 * Answers the feed's bars with `agent` until `until()`: each bar is the next bar of `series`; latency per
 * decision is the answer time minus the bar's send time, tagged by phase.
 */
async function decide(
  agent: ModelAgentPlugin,
  series: CandleSeries,
  o: { from: number; periodMs: number; until: () => boolean; phase: () => string },
): Promise<{ samples: Map<string, number[]>; probes: Map<string, PhaseProbeResult>; next: number }> {
  const samples = new Map<string, number[]>()
  const probes = new Map<string, PhaseProbeResult>()
  let current: { phase: string; probe: PhaseProbe } | undefined
  const track = (phase: string | undefined): void => {
    if (current?.phase === phase) return
    if (current !== undefined) probes.set(current.phase, current.probe.stop())
    current = phase === undefined ? undefined : { phase, probe: new PhaseProbe().start() }
  }
  const queue: [number, number, number][] = []
  let lastWait = NaN
  let wake: (() => void) | undefined
  const source = feed(o.periodMs)
  source.on('message', (sentAt: number) => {
    queue.push([sentAt, nowAbs(), TAIL ? (schedSample()?.waitMs ?? NaN) : NaN])
    wake?.()
  })
  let i = o.from
  try {
    while (!o.until() && i < series.close.length) {
      if (queue.length === 0) await new Promise<void>((r) => (wake = r))
      wake = undefined
      const [sentAt, receivedAt, waitAtReceipt] = queue.shift()!
      const phase = o.phase()
      track(phase)
      const s0 = TAIL ? schedSample() : undefined
      const startedAt = nowAbs()
      await agent.onBarAsync(marketBarAt(series, i++), ctx)
      const doneAt = nowAbs()
      const list = samples.get(phase) ?? []
      list.push(doneAt - sentAt)
      samples.set(phase, list)
      if (TAIL) {
        const s1 = schedSample()
        tails.push({
          phase,
          sentAt,
          receivedAt,
          startedAt,
          doneAt,
          waitMs: s1 && s0 ? s1.waitMs - s0.waitMs : NaN,
          waitBefore: waitAtReceipt - lastWait,
        })
        lastWait = s1?.waitMs ?? NaN
      }
    }
  } finally {
    track(undefined)
    await source.terminate()
  }
  return { samples, probes, next: i }
}

/** Runs the bench (see the module docs). */
export async function benchClm(options: {
  readonly idleDecisions: number
  readonly periodMs: number
  /** Niceness of the job's worker threads. @default the orchestrator's (19) */
  readonly niceness?: number
  /**
   * Experiment (Linux): before the job, lower every thread of the process but the main one (V8's GC and
   * compiler helpers, the libuv pool) to niceness 19, for the rest of the process: an estimate of what a
   * trainer in a child process, whose helpers would be its own, would gain. @default false
   */
  readonly reniceHelpers?: boolean
  /** What runs the job's steps: worker threads or child processes. @default the orchestrator's */
  readonly isolation?: WorkerIsolation
  /**
   * The decision thread's class: `realtime` (round-robin 1, what a testnet or live run takes by default
   * where the OS allows) or `normal`. @default 'realtime'
   */
  readonly scheduling?: 'realtime' | 'normal'
}): Promise<ClmBenchResult> {
  const raised = options.scheduling !== 'normal' && enterRealtime(1).realtime
  try {
    return await benchClmOn(options, raised)
  } finally {
    if (raised) leaveRealtime()
  }
}

async function benchClmOn(options: Parameters<typeof benchClm>[0], realtime: boolean): Promise<ClmBenchResult> {
  const { series, data } = await histories()
  const dir = mkdtempSync(join(tmpdir(), 'bench-clm-'))
  const store = await openSqliteStore(join(dir, 'state.db'))
  try {
    const lifecycle = new ModelLifecycle(store.models)
    let step = 'data'
    const orchestrator = new Orchestrator({
      lifecycle,
      ...(options.niceness === undefined ? {} : { niceness: options.niceness }),
      ...(options.isolation === undefined ? {} : { isolation: options.isolation }),
      families: {
        xgboost: {
          adapter: {
            name: 'gbdt-ts',
            train: async (request) => {
              step = 'train'
              try {
                return await gbdtAdapter().train(request)
              } finally {
                step = 'after-train'
              }
            },
          },
          data: () => Promise.resolve(series),
          sources: SOURCES,
          label: DEFAULT_LABEL,
          params: { rounds: 500, learningRate: 0.05, maxDepth: 6, earlyStoppingRounds: 30 },
        },
      },
    })
    // A first job gives the agent a model to serve (and warms the code paths up).
    const first = await orchestrator.run({ family: 'xgboost', reason: 'manual', requestedAt: Date.now() })
    const served = await lifecycle.materialize(first.id!, join(dir, 'serve'))
    const agent = xgboostAgent({ model: served.path })
    await agent.setup!(ctx)
    const btc = series[0]!
    let done = false
    for (let i = 0; i < 200; i++) await agent.onBarAsync(marketBarAt(btc, i), ctx) // feature warm-up
    const load0 = loadavg()[0]!
    let idleCount = 0
    const idle = await decide(agent, btc, {
      from: 200,
      periodMs: options.periodMs,
      until: () => (idleCount += 1) > options.idleDecisions,
      phase: () => 'idle',
    })
    step = 'data'
    if (options.reniceHelpers === true) reniceOtherThreads(19)
    const jobProbe = new PhaseProbe().start()
    const jobPromise = orchestrator
      .run({ family: 'xgboost', reason: 'manual', requestedAt: Date.now() })
      .finally(() => (done = true))
    const busy = await decide(agent, btc, {
      from: idle.next,
      periodMs: options.periodMs,
      until: () => done,
      phase: () => step,
    })
    const job = await jobPromise
    const jobProbed = jobProbe.stop()
    await agent.dispose!()
    const all = [...busy.samples.values()].flat()
    return {
      idle: stats(idle.samples.get('idle') ?? []),
      duringJob: stats(all),
      duringTrain: stats(busy.samples.get('train') ?? []),
      byStep: Object.fromEntries([...busy.samples].map(([k, v]) => [k, stats(v)])),
      job,
      data,
      load: [load0, loadavg()[0]!],
      probes: { ...Object.fromEntries(idle.probes), job: jobProbed, ...Object.fromEntries(busy.probes) },
      niceness: options.niceness,
      isolation: orchestrator.isolation,
      realtime,
      samples: { idle: idle.samples.get('idle') ?? [], job: all },
    }
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
const SOURCES = ['BTCUSDT 1h', 'ETHUSDT 1h', 'BNBUSDT 1h']

/** Lowers every thread of this process but the main one to `niceness` (Linux; elsewhere nothing). */
function reniceOtherThreads(niceness: number): void {
  let tids: string[] = []
  try {
    tids = readdirSync('/proc/self/task')
  } catch {
    return
  }
  for (const tid of tids.map(Number)) {
    if (tid === process.pid) continue
    try {
      if (getPriority(tid) < niceness) setPriority(tid, niceness)
    } catch {
      // Ended meanwhile, or refused.
    }
  }
}

/** Rows for bench/run.ts: name, value, ratio. */
export function clmRows(r: ClmBenchResult): [string, string, string][] {
  const l = (s: LatencyStats): string => `${s.p50Ms.toFixed(2)} / ${s.p99Ms.toFixed(2)} ms`
  const t = r.job.timings
  const sec = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`)
  return [
    ['CLM: decision latency idle (p50/p99)', l(r.idle), `${r.idle.decisions} decisions, model agent onBarAsync`],
    [
      'CLM: decision latency while training in the worker (p50/p99)',
      l(r.duringTrain),
      `p99 ${(r.duringTrain.p99Ms / r.idle.p99Ms).toFixed(2)}x idle (target <= 2x), ${r.duringTrain.decisions} decisions`,
    ],
    [
      'CLM: decision latency during the whole job (p50/p99/max)',
      `${l(r.duringJob)} / ${r.duringJob.maxMs.toFixed(0)} ms`,
      `p99 ${(r.duringJob.p99Ms / r.idle.p99Ms).toFixed(2)}x idle (target <= 2x); decision thread ${r.realtime ? 'real-time' : 'normal'}, job steps in worker ${r.isolation === 'process' ? 'processes' : 'threads'}; load ${r.load[0].toFixed(1)}-${r.load[1].toFixed(1)}`,
    ],
    [
      'CLM: main thread during the job vs idle (load-robust)',
      (() => {
        const f = robustFigures(r)
        return `event-loop delay p99 ${f.eldRatio.toFixed(2)}x idle${f.waitRatio === undefined ? '' : `, waits for a core ${f.waitRatio.toFixed(2)}x as long per second`}`
      })(),
      `job ${r.isolation === 'process' ? 'processes' : 'worker threads'} at niceness ${r.niceness ?? 19} (Linux); waiting for a core, not main-thread work, makes the tail`,
    ],
    [
      'CLM: full job, one family (xgboost, 3 symbols 1h)',
      sec(t.total),
      `data ${sec(t.data)}, train ${sec(t.train)}, register ${sec(t.register)}, evaluate ${sec(t.evaluate)}; ${r.job.stage ?? r.job.failure?.error ?? ''}`,
    ],
  ]
}

/** One line of a main-thread probe. */
export function probeLine(p: PhaseProbeResult): string {
  const sched =
    p.cpuMs === undefined
      ? ''
      : `cpu ${p.cpuMs.toFixed(0)} ms (${p.cpuPerSec!.toFixed(0)} ms/s), waited for a core ${p.waitMs!.toFixed(0)} ms (${p.waitPerSec!.toFixed(0)} ms/s), `
  const steal = p.stealPerSec === undefined ? '' : `hypervisor steal ${p.stealPerSec.toFixed(0)} ms/s, `
  return `${sched}${steal}event-loop delay p50/p99/max ${p.eldP50Ms.toFixed(2)} / ${p.eldP99Ms.toFixed(2)} / ${p.eldMaxMs.toFixed(1)} ms over ${(p.wallMs / 1000).toFixed(2)} s`
}

/** The load-robust figures of a run: main-thread costs of the job next to the same thread idle. */
export function robustFigures(r: ClmBenchResult): {
  /** Event-loop delay p99 during the job / idle. */
  readonly eldRatio: number
  /**
   * Main-thread CPU the job cost beyond the decisions (ms): job CPU minus the idle rate over its time.
   * Noisy (the decisions themselves get cheaper as the JIT warms up): `bench/clm-main-thread.ts`
   * measures the job alone.
   */
  readonly jobCpuMs: number | undefined
  /** Main-thread wait for a core per second, during the job / idle. */
  readonly waitRatio: number | undefined
} {
  const { idle, job } = r.probes
  if (idle === undefined || job === undefined)
    return { eldRatio: Number.NaN, jobCpuMs: undefined, waitRatio: undefined }
  return {
    eldRatio: job.eldP99Ms / idle.eldP99Ms,
    jobCpuMs:
      job.cpuMs === undefined || idle.cpuPerSec === undefined
        ? undefined
        : job.cpuMs - (idle.cpuPerSec * job.wallMs) / 1000,
    waitRatio:
      job.waitPerSec === undefined || idle.waitPerSec === undefined ? undefined : job.waitPerSec / idle.waitPerSec,
  }
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN
const list = (xs: readonly number[], d = 2): string =>
  `${xs.map((x) => x.toFixed(d)).join(', ')} (median ${median(xs).toFixed(d)}, ${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)})`

/**
 * Runs the bench `--runs N` times (default 3) and prints each run's figures with the load average;
 * `--niceness 0,19` cycles the job's niceness run by run (an A/B under the same drifting load), and
 * `--isolation thread,process` what runs the job's steps.
 */
async function main(): Promise<void> {
  const arg = (name: string): string | undefined => {
    const at = process.argv.indexOf(name)
    return at > 0 ? process.argv[at + 1] : undefined
  }
  const runs = Number(arg('--runs') ?? 3)
  const nice = arg('--niceness')?.split(',').map(Number) ?? [undefined]
  const isolations = (arg('--isolation')?.split(',') ?? [undefined]) as (WorkerIsolation | undefined)[]
  const schedulings = (arg('--scheduling')?.split(',') ?? ['realtime']) as ('realtime' | 'normal')[]
  const by = new Map<
    string,
    { ratio: number[]; eld: number[]; cpu: number[]; wait: number[]; load: string[]; idle: number[]; job: number[] }
  >()
  for (let k = 0; k < runs; k++) {
    const niceness = nice[k % nice.length]
    const isolation = isolations[k % isolations.length]
    const scheduling = schedulings[k % schedulings.length]!
    const r = await benchClm({
      scheduling,
      ...(isolation === undefined ? {} : { isolation }),
      idleDecisions: 1500,
      periodMs: 4,
      ...(niceness === undefined ? {} : { niceness }),
      reniceHelpers: process.argv.includes('--renice-helpers'),
    })
    const ratio = r.duringJob.p99Ms / r.idle.p99Ms
    const f = robustFigures(r)
    const key = `decision thread ${r.realtime ? 'real-time' : 'normal'}, isolation ${r.isolation}, niceness ${niceness ?? 'default'}${process.argv.includes('--renice-helpers') ? ', helpers reniced' : ''}`
    const acc = by.get(key) ?? { ratio: [], eld: [], cpu: [], wait: [], load: [], idle: [], job: [] }
    acc.idle.push(...r.samples.idle)
    acc.job.push(...r.samples.job)
    acc.ratio.push(ratio)
    acc.eld.push(f.eldRatio)
    if (f.jobCpuMs !== undefined) acc.cpu.push(f.jobCpuMs)
    if (f.waitRatio !== undefined) acc.wait.push(f.waitRatio)
    acc.load.push(`${r.load[0].toFixed(1)}-${r.load[1].toFixed(1)}`)
    by.set(key, acc)
    console.log(`run ${k + 1} (${key}): load ${r.load[0].toFixed(2)} -> ${r.load[1].toFixed(2)}`)
    for (const [name, value, note] of clmRows(r)) console.log(`  ${name}: ${value} (${note})`)
    for (const [step, s] of Object.entries(r.byStep))
      console.log(
        `  during ${step}: p50 ${s.p50Ms.toFixed(2)} p99 ${s.p99Ms.toFixed(2)} max ${s.maxMs.toFixed(1)} ms (${s.decisions})`,
      )
    for (const [phase, p] of Object.entries(r.probes)) console.log(`  main thread, ${phase}: ${probeLine(p)}`)
    if (TAIL) printTail()
  }
  for (const [key, a] of by) {
    console.log(`${key}, ${a.ratio.length} runs, load ${a.load.join(', ')}:`)
    console.log(`  decision p99 during job / idle: ${list(a.ratio)}`)
    const pi = stats(a.idle)
    const pj = stats(a.job)
    console.log(
      `  pooled over the runs: idle p50/p99 ${pi.p50Ms.toFixed(2)} / ${pi.p99Ms.toFixed(2)} ms (${pi.decisions}), during the job ${pj.p50Ms.toFixed(2)} / ${pj.p99Ms.toFixed(2)} ms (${pj.decisions}): p99 ${(pj.p99Ms / pi.p99Ms).toFixed(2)}x idle`,
    )
    console.log(`  event-loop delay p99 during job / idle: ${list(a.eld)}`)
    if (a.wait.length > 0) console.log(`  main-thread wait for a core per second, job / idle: ${list(a.wait)}`)
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
