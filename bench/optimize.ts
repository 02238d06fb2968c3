/**
 * `npm run bench:optimize`: parameter search.
 *  1. Samplers on a function with a known maximum (0 at x = 1.3, y = -2.1, n = 37, c = 'b'): mean and
 *     median regret of the best point after 50 / 100 / 200 trials, over 20 seeds (grid: one run).
 *  2. `quantum-run optimize` of the quick start's strategy over its year of BTCUSDT 1h bars:
 *     $QUANTUM_BENCH_TRIALS trials (default 1000, random search, so every run tries the same points)
 *     on 1 and 2 worker threads, vs the same trials run one after another in this process (baseline).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  choice,
  float,
  gridSampler,
  int,
  randomSampler,
  runStudy,
  tpeSampler,
  validateSpace,
  type Params,
  type Sampler,
} from '@quantum/core'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const trials = Number(process.env.QUANTUM_BENCH_TRIALS ?? 1000)

const space = validateSpace({ x: float(-5, 5), y: float(-5, 5), n: int(1, 100), c: choice(['a', 'b', 'c']) })
function known(p: Params): number {
  const x = p.x as number
  const y = p.y as number
  return -((x - 1.3) ** 2) - (y + 2.1) ** 2 - (((p.n as number) - 37) / 20) ** 2 - (p.c === 'b' ? 0 : 0.5)
}
const metrics = { pnl: 0, sharpe: 0, sortino: 0, calmar: 0, maxDrawdownPct: 0, trades: 0, winRate: 0, profitFactor: 0 }

async function regret(sampler: Sampler, budget: number): Promise<number> {
  const { best } = await runStudy({
    sampler,
    trials: budget,
    evaluate: (p) => Promise.resolve({ status: 'ok', value: known(p), metrics }),
  })
  return best?.outcome.status === 'ok' ? -best.outcome.value : NaN
}

const stats = (v: number[]): string => {
  const s = [...v].sort((a, b) => a - b)
  const mean = v.reduce((a, b) => a + b, 0) / v.length
  return `mean ${mean.toFixed(3)}  median ${(s[Math.floor(s.length / 2)] as number).toFixed(3)}`
}

async function samplers(): Promise<void> {
  console.log('1. Regret on a known optimum (lower is better), 20 seeds')
  for (const budget of [50, 100, 200]) {
    const r: number[] = []
    const t: number[] = []
    for (let seed = 1; seed <= 20; seed++) {
      r.push(await regret(randomSampler(space, { seed }), budget))
      t.push(await regret(tpeSampler(space, { seed }), budget))
    }
    const g = await regret(gridSampler(space, { points: Math.max(2, Math.floor((budget / 3) ** (1 / 3))) }), budget)
    console.log(`   ${String(budget).padStart(3)} trials  random ${stats(r)}   tpe ${stats(t)}   grid ${g.toFixed(3)}`)
  }
}

function optimizeRun(workers: number, out: string): { seconds: number; best: string } {
  const cli = join(root, 'packages/runtime/dist/cli.js')
  const args = [cli, 'optimize', join(root, 'examples/optimize/quantum.config.ts'), '--method', 'random']
  args.push('--trials', String(trials), '--workers', String(workers), '--out', out, '--json')
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error(`optimize exited ${r.status}: ${r.stderr}`)
  const doc = JSON.parse(r.stdout) as { durationMs: number; best: { params: unknown } }
  return { seconds: doc.durationMs / 1000, best: JSON.stringify(doc.best.params) }
}

function pool(): void {
  console.log(`\n2. ${trials} trials of the quick start strategy (8,760 1h bars each), random search`)
  const dir = mkdtempSync(join(tmpdir(), 'quantum-bench-opt-'))
  try {
    const one = optimizeRun(1, join(dir, 'w1'))
    console.log(`   1 worker   ${one.seconds.toFixed(1)} s  ${(trials / one.seconds).toFixed(1)} trials/s  (baseline)`)
    const two = optimizeRun(2, join(dir, 'w2'))
    console.log(
      `   2 workers  ${two.seconds.toFixed(1)} s  ${(trials / two.seconds).toFixed(1)} trials/s  ` +
        `${(one.seconds / two.seconds).toFixed(2)}x the 1-worker rate`,
    )
    if (one.best !== two.best) throw new Error(`best point differs: ${one.best} vs ${two.best}`)
    const lines = readFileSync(join(dir, 'w2', 'trials.jsonl'), 'utf8')
      .trimEnd()
      .split('\n').length
    console.log(`   same best point on both (${one.best}); ${lines} trials recorded`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await samplers()
pool()
