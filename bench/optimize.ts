/**
 * `npm run bench:optimize`: parameter search.
 *  1. Samplers on a function with a known maximum (0 at x = 1.3, y = -2.1, n = 37, c = 'b'): mean and
 *     median regret of the best point after 50 / 100 / 200 trials, over 20 seeds (grid: one run).
 *  2. `quantum-run optimize` of the quick start's strategy over its year of BTCUSDT 1h bars:
 *     $QUANTUM_BENCH_TRIALS trials (default 1000, random search, so every run tries the same points)
 *     on 1 and 2 worker threads, and as two separate 1-worker processes at once (the machine's own
 *     limit on two jobs), over $QUANTUM_BENCH_ROUNDS rounds. Besides the wall time: the CPU time of the process (worker threads
 *     included) and the cores it got (CPU / wall): on a machine shared with other work the wall-time
 *     ratio says how many cores were free, the cores-used figure whether the pool could use them.
 *  3. The same search over Redis (BullMQ): 1, 2 and 3 `quantum-run worker --redis` processes (one
 *     thread each) against one Redis ($QUANTUM_BENCH_REDIS, default redis://127.0.0.1:6379), standing
 *     in for machines. Skipped, with the reason, when Redis does not answer.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createConnection } from 'node:net'
import { loadavg } from 'node:os'
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

const cli = join(root, 'packages/runtime/dist/cli.js')
const config = join(root, 'examples/optimize/quantum.config.ts')
const load = (): string =>
  `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`

interface RunFigures {
  readonly seconds: number
  /** CPU seconds: the optimize process (threads included) plus, over Redis, the worker processes. */
  readonly cpu: number
  readonly best: string
  readonly recorded: number
}

function optimizeRun(workers: number, out: string, extra: readonly string[] = []): RunFigures {
  const args = [cli, 'optimize', config, '--method', 'random', '--trials', String(trials), '--workers', String(workers)]
  args.push('--out', out, '--json', '--no-state', ...extra)
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
  if (r.status !== 0) throw new Error(`optimize exited ${r.status}: ${r.stderr}`)
  const doc = JSON.parse(r.stdout) as { durationMs: number; cpuMs: number; best: { params: unknown } }
  const recorded = readFileSync(join(out, 'trials.jsonl'), 'utf8').trimEnd().split('\n').length
  return { seconds: doc.durationMs / 1000, cpu: doc.cpuMs / 1000, best: JSON.stringify(doc.best.params), recorded }
}

function line(label: string, f: RunFigures, base: RunFigures | undefined): string {
  const ratio = base === undefined ? '(baseline)' : `${(base.seconds / f.seconds).toFixed(2)}x the first rate`
  return (
    `   ${label.padEnd(22)} ${f.seconds.toFixed(1).padStart(5)} s  ${(trials / f.seconds).toFixed(0).padStart(4)} trials/s  ` +
    `CPU ${f.cpu.toFixed(1).padStart(5)} s (${(f.cpu / f.seconds).toFixed(2)} cores)  ${ratio}`
  )
}

const rounds = Number(process.env.QUANTUM_BENCH_ROUNDS ?? 3)

/** {@link optimizeRun} without blocking, so two can run at once. */
function optimizeRunAsync(workers: number, out: string): Promise<RunFigures> {
  const args = [cli, 'optimize', config, '--method', 'random', '--trials', String(trials), '--workers', String(workers)]
  args.push('--out', out, '--json', '--no-state')
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.once('error', reject)
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`optimize exited ${code}: ${stderr}`))
      const doc = JSON.parse(stdout) as { durationMs: number; cpuMs: number; best: { params: unknown } }
      const recorded = readFileSync(join(out, 'trials.jsonl'), 'utf8').trimEnd().split('\n').length
      resolvePromise({
        seconds: doc.durationMs / 1000,
        cpu: doc.cpuMs / 1000,
        best: JSON.stringify(doc.best.params),
        recorded,
      })
    })
  })
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN
const spread = (xs: readonly number[]): string =>
  `median ${median(xs).toFixed(2)}, ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`

/**
 * Worker threads, $QUANTUM_BENCH_ROUNDS rounds (default 3), each: 1 worker, 2 workers, and two separate
 * 1-worker processes at once (what the machine gives two jobs that share nothing: its own scaling limit,
 * as the memory and caches the cores share slow both). The pool's efficiency is its 2-worker rate over
 * that pair's combined rate.
 */
async function pool(): Promise<void> {
  console.log(`\n2. ${trials} trials of the quick start strategy (8,760 1h bars each), random search, worker threads`)
  console.log(`   before: ${load()}`)
  const dir = mkdtempSync(join(tmpdir(), 'quantum-bench-opt-'))
  const speedup: number[] = []
  const machine: number[] = []
  const efficiency: number[] = []
  try {
    for (let k = 0; k < rounds; k++) {
      const one = optimizeRun(1, join(dir, `w1-${k}`))
      console.log(line(`round ${k + 1}: 1 worker`, one, undefined))
      const two = optimizeRun(2, join(dir, `w2-${k}`))
      console.log(line(`round ${k + 1}: 2 workers`, two, one))
      if (one.best !== two.best) throw new Error(`best point differs: ${one.best} vs ${two.best}`)
      const pair = await Promise.all([
        optimizeRunAsync(1, join(dir, `pa-${k}`)),
        optimizeRunAsync(1, join(dir, `pb-${k}`)),
      ])
      const pairRate = pair.reduce((a, f) => a + trials / f.seconds, 0)
      console.log(
        `   round ${k + 1}: two 1-worker processes at once: ${pair.map((f) => `${f.seconds.toFixed(1)} s`).join(' and ')}, ` +
          `together ${pairRate.toFixed(0)} trials/s, ${((pairRate * one.seconds) / trials).toFixed(2)}x one alone`,
      )
      speedup.push(one.seconds / two.seconds)
      machine.push((pairRate * one.seconds) / trials)
      efficiency.push(trials / two.seconds / pairRate)
    }
    console.log(`   2 workers / 1 worker: ${spread(speedup)}x (linear: 2)`)
    console.log(`   two separate processes / one alone (the machine's limit): ${spread(machine)}x`)
    console.log(`   2-worker pool / those two processes: ${spread(efficiency.map((e) => e * 100))} %`)
    console.log(`   after: ${load()}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const redisUrl = process.env.QUANTUM_BENCH_REDIS ?? 'redis://127.0.0.1:6379'

async function redisAnswers(url: string): Promise<string | undefined> {
  const u = new URL(url)
  return new Promise((resolve) => {
    const s = createConnection(Number(u.port || 6379), u.hostname || '127.0.0.1')
    s.setTimeout(2000, () => (s.destroy(), resolve('timed out')))
    s.once('connect', () => (s.destroy(), resolve(undefined)))
    s.once('error', (e) => resolve(e.message))
  })
}

interface WorkerProcess {
  readonly child: ChildProcess
  out: string
}

async function startWorker(url: string): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [cli, 'worker', '--redis', url], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const w: WorkerProcess = { child, out: '' }
  child.stdout?.on('data', (d: Buffer) => (w.out += d.toString()))
  const deadline = Date.now() + 60_000
  while (!w.out.includes(' ready ')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`worker did not start: ${w.out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return w
}

/** Stops a worker (SIGTERM) and returns the CPU seconds it reported. */
async function stopWorker(w: WorkerProcess): Promise<number> {
  const exited = new Promise((r) => w.child.once('exit', r))
  w.child.kill('SIGTERM')
  await exited
  const m = / (\d+) ms CPU/.exec(w.out)
  return m === null ? NaN : Number(m[1]) / 1000
}

async function redisCurve(): Promise<void> {
  console.log(`\n3. The same ${trials} trials over Redis (BullMQ), worker processes of one thread each`)
  const down = await redisAnswers(redisUrl)
  if (down !== undefined) {
    console.log(`   skipped: Redis at ${redisUrl} does not answer (${down}); set QUANTUM_BENCH_REDIS`)
    return
  }
  console.log(`   before: ${load()}`)
  const dir = mkdtempSync(join(tmpdir(), 'quantum-bench-redis-'))
  let base: RunFigures | undefined
  try {
    for (const n of [1, 2, 3]) {
      const url = `${redisUrl}?prefix=bench-${randomUUID().slice(0, 8)}`
      const workers: WorkerProcess[] = []
      try {
        for (let i = 0; i < n; i++) workers.push(await startWorker(url))
        // Jobs in flight: two per worker thread, and some to cover the round trips to Redis.
        const run = optimizeRun(4 * n, join(dir, `r${n}`), ['--redis', url])
        let workerCpu = 0
        for (const w of workers.splice(0)) workerCpu += await stopWorker(w)
        const figures = { ...run, cpu: run.cpu + workerCpu }
        console.log(line(`${n} worker process${n > 1 ? 'es' : ''}`, figures, base))
        base ??= figures
      } finally {
        for (const w of workers) w.child.kill('SIGKILL')
      }
    }
    console.log(`   after: ${load()}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await samplers()
await pool()
await redisCurve()
