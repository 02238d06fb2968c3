/**
 * CPU time the main thread spends on one CLM training job (no decisions running, so the figure does not
 * depend on the machine's load), with a CPU profile of that thread: what of the job still runs on it.
 * Run: `node --conditions=@quantum/source --import tsx bench/clm-main-thread.ts [--runs N] [--profile]`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DEFAULT_LABEL, ModelLifecycle, Orchestrator, gbdtAdapter } from '@quantum/clm'
import { openSqliteStore } from '@quantum/store'
import { histories } from './gbdt.js'
import { StallRecorder, schedSample, threadCpu, type Stall } from './thread-probe.js'

/** A CPU profile node (the parts read here). */
interface ProfileNode {
  readonly id: number
  readonly children?: readonly number[]
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
}

/** Main-thread CPU of one job (ms), per run, and the top self-time frames of the last run's profile. */
export async function benchClmMainThread(o: { readonly runs: number; readonly profile: boolean }): Promise<{
  readonly cpuMs: readonly number[]
  readonly wallMs: readonly number[]
  /** Longest event-loop delay of each job (ms): the longest the main thread was blocked, plus scheduling. */
  readonly eldMaxMs: readonly number[]
  /** Main-thread GC pause time of each job (ms). */
  readonly gcMs: readonly number[]
  /** The longest stalls (>= 5 ms) of each job, split into own work and waiting for a core. */
  readonly stalls: readonly (readonly Stall[])[]
  /** CPU of the process's threads during the last job, by kind (main, job workers, V8 helpers, ...). */
  readonly threads: Readonly<Record<string, number>>
  readonly top: readonly string[]
}> {
  const { series } = await histories()
  const dir = mkdtempSync(join(tmpdir(), 'bench-clm-main-'))
  const store = await openSqliteStore(join(dir, 'state.db'))
  const session = new Session()
  try {
    const lifecycle = new ModelLifecycle(store.models)
    const orchestrator = new Orchestrator({
      lifecycle,
      families: {
        xgboost: {
          adapter: gbdtAdapter(),
          data: () => Promise.resolve(series),
          sources: ['BTCUSDT 1h', 'ETHUSDT 1h', 'BNBUSDT 1h'],
          label: DEFAULT_LABEL,
          params: { rounds: 500, learningRate: 0.05, maxDepth: 6, earlyStoppingRounds: 30 },
        },
      },
    })
    const job = () => orchestrator.run({ family: 'xgboost', reason: 'manual', requestedAt: Date.now() })
    await job() // warm-up (module loading, JIT)
    const cpuMs: number[] = []
    const wallMs: number[] = []
    const eldMaxMs: number[] = []
    const gcMs: number[] = []
    const stalls: Stall[][] = []
    let threads: Record<string, number> = {}
    let gc = 0
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gc += e.duration
    })
    observer.observe({ entryTypes: ['gc'] })
    let top: string[] = []
    for (let k = 0; k < o.runs; k++) {
      const last = k === o.runs - 1 && o.profile
      if (last) {
        session.connect()
        await session.post('Profiler.enable')
        await session.post('Profiler.setSamplingInterval', { interval: 200 })
        await session.post('Profiler.start')
      }
      const recorder = new StallRecorder(5).start()
      const eld = monitorEventLoopDelay({ resolution: 1 })
      gc = 0
      eld.enable()
      const s0 = schedSample()
      const before = threadCpu()
      // Threads born during the job (the job's workers) are sampled while they live.
      const seen = new Map(before)
      // (Only in the last job: the sampling costs the main thread CPU too.)
      const sampler =
        k === o.runs - 1
          ? setInterval(() => {
              for (const [tid, t] of threadCpu()) seen.set(tid, t)
            }, 50)
          : undefined
      const t0 = performance.now()
      await job()
      clearInterval(sampler)
      for (const [tid, t] of threadCpu()) seen.set(tid, t)
      threads = {}
      for (const [tid, t] of seen) {
        const kind =
          tid === process.pid
            ? 'main'
            : before.has(tid)
              ? `${t.name} (threads older than the job: V8 platform workers, libuv pool)`
              : `${t.name} (job, nice ${t.nice})`
        threads[kind] = (threads[kind] ?? 0) + t.cpuMs - (before.get(tid)?.cpuMs ?? 0)
      }
      wallMs.push(performance.now() - t0)
      eld.disable()
      eldMaxMs.push(eld.max / 1e6)
      stalls.push(recorder.stop())
      await new Promise((r) => setImmediate(r))
      gcMs.push(gc)
      const s1 = schedSample()
      if (s0 !== undefined && s1 !== undefined) cpuMs.push(s1.runMs - s0.runMs)
      if (last) {
        const { profile } = await session.post('Profiler.stop')
        top = topFrames(profile as unknown as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] })
      }
    }
    observer.disconnect()
    return { cpuMs, wallMs, eldMaxMs, gcMs, stalls, threads, top }
  } finally {
    session.disconnect()
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

function topFrames(p: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const name = (id: number): string => {
    const f = byId.get(id)!.callFrame
    return `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-3).join('/')}:${f.lineNumber + 1}`
  }
  const self = new Map<string, number>()
  p.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame
    if (f.functionName === '(idle)' || f.functionName === '(program)') return
    // A frame with its two nearest JS callers: where the time goes, and on whose behalf.
    const chain = [name(id)]
    for (let at = parent.get(id); at !== undefined && chain.length < 4; at = parent.get(at)) chain.push(name(at))
    const key = chain.join(' < ')
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000)
  })
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([k, ms]) => `${ms.toFixed(1).padStart(7)} ms  ${k}`)
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--runs')
  const runs = at > 0 ? Number(process.argv[at + 1]) : 5
  const load0 = loadavg()[0]!
  const r = await benchClmMainThread({ runs, profile: process.argv.includes('--profile') })
  console.log(
    [
      `main-thread CPU per job (ms): ${r.cpuMs.map((x) => x.toFixed(0)).join(', ')}`,
      `longest event-loop delay per job (ms): ${r.eldMaxMs.map((x) => x.toFixed(1)).join(', ')}`,
      `main-thread GC per job (ms): ${r.gcMs.map((x) => x.toFixed(1)).join(', ')}`,
      ...r.stalls.map(
        (list, k) =>
          `job ${k + 1}: ${list.length} stalls >= 5 ms; longest (late / own CPU / waiting for a core, ms): ${list
            .slice(0, 6)
            .map((x) => `${x.lateMs.toFixed(0)}/${x.cpuMs.toFixed(0)}/${x.waitMs.toFixed(0)}`)
            .join(
              ', ',
            )}; own CPU in all stalls ${list.reduce((a, x) => a + x.cpuMs, 0).toFixed(0)} ms, waiting ${list.reduce((a, x) => a + x.waitMs, 0).toFixed(0)} ms`,
      ),
      `CPU by thread in the last job (ms, 10 ms ticks): ${Object.entries(r.threads)
        .filter(([, ms]) => ms > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([k, ms]) => `${k} ${ms}`)
        .join(', ')}`,
      `job wall (s): ${r.wallMs.map((x) => (x / 1000).toFixed(2)).join(', ')}`,
      `load ${load0.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)}`,
    ].join('\n'),
  )
  if (r.top.length > 0) console.log(`top self time on the main thread, last job:\n${r.top.join('\n')}`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
