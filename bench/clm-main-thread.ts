/**
 * CPU time the main thread spends on one CLM training job (no decisions running, so the figure does not
 * depend on the machine's load), with a CPU profile of that thread: what of the job still runs on it.
 * Run: `node --conditions=@quantum/source --import tsx bench/clm-main-thread.ts [--runs N] [--profile]`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DEFAULT_LABEL, ModelLifecycle, Orchestrator, gbdtAdapter } from '@quantum/clm'
import { openSqliteStore } from '@quantum/store'
import { histories } from './gbdt.js'
import { schedSample } from './thread-probe.js'

/** A CPU profile node (the parts read here). */
interface ProfileNode {
  readonly id: number
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
}

/** Main-thread CPU of one job (ms), per run, and the top self-time frames of the last run's profile. */
export async function benchClmMainThread(o: { readonly runs: number; readonly profile: boolean }): Promise<{
  readonly cpuMs: readonly number[]
  readonly wallMs: readonly number[]
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
    let top: string[] = []
    for (let k = 0; k < o.runs; k++) {
      const last = k === o.runs - 1 && o.profile
      if (last) {
        session.connect()
        await session.post('Profiler.enable')
        await session.post('Profiler.setSamplingInterval', { interval: 200 })
        await session.post('Profiler.start')
      }
      const s0 = schedSample()
      const t0 = performance.now()
      await job()
      wallMs.push(performance.now() - t0)
      const s1 = schedSample()
      if (s0 !== undefined && s1 !== undefined) cpuMs.push(s1.runMs - s0.runMs)
      if (last) {
        const { profile } = await session.post('Profiler.stop')
        top = topFrames(profile as unknown as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] })
      }
    }
    return { cpuMs, wallMs, top }
  } finally {
    session.disconnect()
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

function topFrames(p: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const self = new Map<string, number>()
  p.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame
    if (f.functionName === '(idle)' || f.functionName === '(program)') return
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-3).join('/')}:${f.lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000)
  })
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([k, ms]) => `${ms.toFixed(1).padStart(7)} ms  ${k}`)
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--runs')
  const runs = at > 0 ? Number(process.argv[at + 1]) : 5
  const load0 = loadavg()[0]!
  const r = await benchClmMainThread({ runs, profile: process.argv.includes('--profile') })
  console.log(
    `main-thread CPU per job (ms): ${r.cpuMs.map((x) => x.toFixed(0)).join(', ')}; job wall (s): ${r.wallMs.map((x) => (x / 1000).toFixed(2)).join(', ')}; load ${load0.toFixed(2)} -> ${loadavg()[0]!.toFixed(2)}`,
  )
  if (r.top.length > 0) console.log(`top self time on the main thread, last job:\n${r.top.join('\n')}`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
