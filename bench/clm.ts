/**
 * CLM bench: decision latency of a live model agent (features + ONNX inference per bar, `onBarAsync`)
 * while a full training job runs in the same process, against the same agent idle; and the time of
 * the full job for one family (data, train in a worker thread, register in the state store, evaluate
 * out of time), step by step.
 *
 * Bars "arrive" on a fixed schedule (one every `periodMs`); a decision's latency is from its bar's
 * scheduled arrival to its answer, so time the event loop spends blocked (dataset building, evaluation
 * on the main thread) counts, as it would for a live bar. Data: the 1h candles of ../shared/data (the
 * venue download of issue 16 plugs in as the job's `data` step; TODO: use its candle store here).
 * Prints nothing: returns the numbers.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { xgboostAgent, type ModelAgentPlugin } from '@quantum/agents'
import { marketBarAt, silentLogger, type CandleSeries, type PluginContext } from '@quantum/core'
import { DEFAULT_LABEL, ModelLifecycle, Orchestrator, gbdtAdapter, type JobReport } from '@quantum/clm'
import { openSqliteStore } from '@quantum/store'
import { histories } from './gbdt.js'

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
  /** While the whole job ran (main-thread steps included). */
  readonly duringJob: LatencyStats
  /** While only the worker-thread training step ran. */
  readonly duringTrain: LatencyStats
  readonly job: JobReport
  readonly data: string
}

const ctx = { mode: 'paper', logger: silentLogger, bus: { emit: () => undefined } } as unknown as PluginContext

function stats(samples: readonly number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b)
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN
  return { decisions: s.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: s.at(-1) ?? Number.NaN }
}

/** Feeds bars of `series` to `agent` every `periodMs` until `until()`; latency per decision, tagged by phase. */
async function decide(
  agent: ModelAgentPlugin,
  series: CandleSeries,
  o: { from: number; periodMs: number; until: () => boolean; phase: () => string },
): Promise<{ samples: Map<string, number[]>; next: number }> {
  const samples = new Map<string, number[]>()
  let i = o.from
  let due = performance.now()
  while (!o.until() && i < series.close.length) {
    const wait = due - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    else await new Promise((r) => setImmediate(r))
    const phase = o.phase()
    await agent.onBarAsync(marketBarAt(series, i++), ctx)
    const list = samples.get(phase) ?? []
    list.push(performance.now() - due)
    samples.set(phase, list)
    due += o.periodMs
    if (performance.now() - due > 1000) due = performance.now() // behind by a whole blocked step: restart the schedule
  }
  return { samples, next: i }
}

/** Runs the bench (see the module docs). */
export async function benchClm(options: {
  readonly idleDecisions: number
  readonly periodMs: number
}): Promise<ClmBenchResult> {
  const { series, data } = await histories()
  const dir = mkdtempSync(join(tmpdir(), 'bench-clm-'))
  const store = await openSqliteStore(join(dir, 'state.db'))
  try {
    const lifecycle = new ModelLifecycle(store.models)
    let step = 'data'
    const orchestrator = new Orchestrator({
      lifecycle,
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
    let idleCount = 0
    const idle = await decide(agent, btc, {
      from: 200,
      periodMs: options.periodMs,
      until: () => (idleCount += 1) > options.idleDecisions,
      phase: () => 'idle',
    })
    step = 'data'
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
    await agent.dispose!()
    const all = [...busy.samples.values()].flat()
    return {
      idle: stats(idle.samples.get('idle') ?? []),
      duringJob: stats(all),
      duringTrain: stats(busy.samples.get('train') ?? []),
      job,
      data,
    }
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
const SOURCES = ['BTCUSDT 1h', 'ETHUSDT 1h', 'BNBUSDT 1h']

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
      `p99 ${(r.duringJob.p99Ms / r.idle.p99Ms).toFixed(2)}x idle; data and evaluation run on the main thread`,
    ],
    [
      'CLM: full job, one family (xgboost, 3 symbols 1h)',
      sec(t.total),
      `data ${sec(t.data)}, train ${sec(t.train)}, register ${sec(t.register)}, evaluate ${sec(t.evaluate)}; ${r.job.stage ?? r.job.failure?.error ?? ''}`,
    ],
  ]
}
