/**
 * `quantum-run optimize <config.ts>`: searches the config's `optimize` space on a pool of worker threads
 * and writes the trials and the best point to a study folder.
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto'
import { basename, resolve } from 'node:path'
import {
  ConfigError,
  gridSampler,
  OBJECTIVE_NAMES,
  randomSampler,
  runStudy,
  SEARCH_METHODS,
  tpeSampler,
  validateSpace,
} from '@quantum/core'
import type {
  ObjectiveName,
  QuantumConfig,
  Sampler,
  SearchMethod,
  SearchSpec,
  StudyResult,
  Trial,
  ValidationIssue,
} from '@quantum/core'
import { parseSubcommandArgs, type SubcommandArgs, type SubcommandIo } from './compare-runs.js'
import { loadQuantumConfig, type ConfigOverrides } from './load-config.js'
import { describeRun } from './run-info.js'
import { createTrialPool } from './trial-pool.js'
import { fileTrialStore } from './trial-store.js'
import { toJson } from './serialize.js'
import { defaultRunDir } from './write-run.js'

/** The `quantum-run optimize --help` text. */
export const OPTIMIZE_USAGE = `Usage: quantum-run optimize <config.ts> [options]

Searches the parameter space of the config's optimize section (defineSearch) and writes
<study>/trials.jsonl (every trial, failures included) and <study>/optimize.json (the best point).

Options:
  --method <m>       random | grid | tpe (default: the config's, else tpe)
  --trials <n>       trials to run (default: the config's, else 100)
  --workers <n>      worker threads (default 1)
  --seed <n>         sampler seed (default: the config's, else 1)
  --objective <o>    sharpe | sortino | calmar | profit (default: the config's, else sharpe)
  --timeout-ms <n>   a trial running longer is stopped and recorded as timeout (default 60000)
  --from <date>      first bar (replaces data.from)    --to <date>  end bar, exclusive
  --out <dir>        the study folder (default: <output.dir>/<name>-optimize-<YYYYMMDD-HHmmss>)
  --redis <url>      run the trials as BullMQ jobs on Redis, processed by "quantum-run worker --redis"
                     processes (any machine with the config at the same path); --workers is then
                     the number of trials in flight
  --json             print the result as JSON
  --quiet            print nothing but errors

Exit codes: 0 a best point was found, 1 no trial was ok (all failed or infeasible), 2 invalid usage.`

const FLAGS = {
  method: { type: 'string' },
  trials: { type: 'string' },
  workers: { type: 'string' },
  seed: { type: 'string' },
  objective: { type: 'string' },
  'timeout-ms': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  out: { type: 'string' },
  redis: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/** The parsed `optimize` command line. */
export interface OptimizeArgs {
  readonly config: string
  readonly method?: SearchMethod
  readonly trials?: number
  readonly workers: number
  readonly seed?: number
  readonly objective?: ObjectiveName
  readonly timeoutMs?: number
  readonly overrides: ConfigOverrides
  readonly out?: string
  /** Redis URL: trials become BullMQ jobs. */
  readonly redis?: string
  readonly json: boolean
  readonly quiet: boolean
}

/** Reads typed flags from parsed values, collecting every problem in `issues`. */
export function flagReader(values: SubcommandArgs['values'], issues: ValidationIssue[]) {
  const text = (flag: string): string | undefined => {
    const v = values[flag]
    return typeof v === 'string' ? v : undefined
  }
  return {
    text,
    int(flag: string, min = 1): number | undefined {
      const v = text(flag)
      if (v === undefined) return undefined
      const n = Number(v)
      if (!Number.isInteger(n) || n < min)
        issues.push({ path: `--${flag}`, message: `"${v}" is not an integer >= ${min}` })
      return n
    },
    oneOf<T extends string>(flag: string, allowed: readonly T[]): T | undefined {
      const v = text(flag)
      if (v === undefined) return undefined
      const found = allowed.find((a) => a === v)
      if (found === undefined) issues.push({ path: `--${flag}`, message: `"${v}" is not one of ${allowed.join(', ')}` })
      return found
    },
  }
}

/**
 * Parses `quantum-run optimize` arguments (after the word `optimize`); undefined for `--help`.
 * @throws {ConfigError} listing every bad flag.
 */
export function parseOptimizeArgs(argv: readonly string[]): OptimizeArgs | undefined {
  const { values: v, positionals } = parseSubcommandArgs(argv, FLAGS)
  if (v.help === true) return undefined
  const issues: ValidationIssue[] = []
  const config = positionals[0]
  if (config === undefined) issues.push({ path: '<config.ts>', message: 'missing the config file' })
  if (positionals.length > 1) issues.push({ path: positionals.slice(1).join(' '), message: 'unexpected argument' })
  const f = flagReader(v, issues)
  const method = f.oneOf('method', SEARCH_METHODS)
  const objective = f.oneOf('objective', OBJECTIVE_NAMES)
  const trials = f.int('trials')
  const workers = f.int('workers') ?? 1
  const seed = f.int('seed', Number.MIN_SAFE_INTEGER)
  const timeoutMs = f.int('timeout-ms')
  if (issues.length > 0) throw new ConfigError('Invalid command line (see quantum-run optimize --help)', issues)
  const time = (s: string | undefined): string | number | undefined =>
    s === undefined ? undefined : /^\d+$/.test(s) ? Number(s) : s
  const from = time(f.text('from'))
  const to = time(f.text('to'))
  return {
    config: config as string,
    workers,
    json: v.json === true,
    quiet: v.quiet === true,
    overrides: { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) },
    ...(method === undefined ? {} : { method }),
    ...(objective === undefined ? {} : { objective }),
    ...(trials === undefined ? {} : { trials }),
    ...(seed === undefined ? {} : { seed }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(f.text('out') === undefined ? {} : { out: f.text('out') as string }),
    ...(f.text('redis') === undefined ? {} : { redis: f.text('redis') as string }),
  }
}

/** The `optimize` section of a loaded config. @throws {ConfigError} when there is none. */
export function searchOf(config: QuantumConfig): SearchSpec {
  if (config.optimize === undefined)
    throw new ConfigError('The config has nothing to optimize', [
      { path: 'optimize', message: 'add optimize: defineSearch({ space, plugins, objective }) to the config' },
    ])
  return config.optimize
}

/** The sampler of a search. */
export function samplerFor(search: SearchSpec, method: SearchMethod, seed: number): Sampler {
  const space = validateSpace(search.space)
  if (method === 'grid') return gridSampler(space, { points: search.gridPoints ?? 10 })
  if (method === 'random') return randomSampler(space, { seed })
  return tpeSampler(space, { seed })
}

/** The study summary written to `optimize.json` and printed with `--json`. */
export function studyDocument(result: StudyResult, meta: Record<string, unknown>): Record<string, unknown> {
  const ok = result.trials.filter((t) => t.outcome.status === 'ok')
  const top = [...ok].sort((a, b) => value(b) - value(a)).slice(0, 10)
  return {
    ...meta,
    counts: result.counts,
    best: result.best === undefined ? null : result.best,
    top,
    failures: result.trials.filter((t) => t.outcome.status === 'failed' || t.outcome.status === 'timeout').slice(0, 20),
  }
}

function value(t: Trial): number {
  return t.outcome.status === 'ok' ? t.outcome.value : -Infinity
}

/** `quantum-run optimize`; resolves with the exit code. */
export async function runOptimize(argv: readonly string[], io: SubcommandIo): Promise<number> {
  const args = parseOptimizeArgs(argv)
  if (args === undefined) {
    io.stdout.write(`${OPTIMIZE_USAGE}\n`)
    return 0
  }
  const loaded = await loadQuantumConfig(args.config, { cwd: io.cwd, overrides: args.overrides })
  const search = searchOf(loaded.config)
  const method = args.method ?? search.method ?? 'tpe'
  const trials = args.trials ?? search.trials ?? 100
  const info = describeRun(loaded.config, loaded.file, loaded.baseDir)
  const dir =
    args.out === undefined
      ? defaultRunDir({
          outputDir: loaded.config.output.dir,
          name: `${info.name}-optimize`,
          cwd: io.cwd,
          now: new Date(),
        })
      : resolve(io.cwd, args.out)
  const store = await fileTrialStore(dir)
  const sampler = samplerFor(search, method, args.seed ?? search.seed ?? 1)
  const objective =
    args.objective ??
    (typeof search.objective === 'string' ? search.objective : search.objective === undefined ? 'sharpe' : 'custom')
  const poolOptions = {
    workers: args.workers,
    configFile: loaded.file,
    cwd: io.cwd,
    overrides: args.overrides,
    ...(args.objective === undefined ? {} : { objective: args.objective }),
    timeoutMs: args.timeoutMs ?? search.trialTimeoutMs ?? 60_000,
  }
  const pool =
    args.redis === undefined
      ? await createTrialPool(poolOptions)
      : await (
          await import('./redis-trials.js')
        ).createRedisTrialPool({
          ...poolOptions,
          redis: args.redis,
          study: `${basename(dir)}-${randomUUID().slice(0, 8)}`,
        })
  const started = performance.now()
  let result: StudyResult
  try {
    result = await runStudy({
      sampler,
      trials,
      concurrency: args.workers,
      evaluate: (params) => pool.evaluate(params),
      onTrial: (t) => store.append(t),
    })
  } finally {
    await pool.close()
  }
  const durationMs = performance.now() - started
  const doc = studyDocument(result, {
    config: loaded.file,
    method,
    objective,
    trials: result.trials.length,
    workers: args.workers,
    durationMs,
  })
  await store.finish(doc)
  if (args.json) io.stdout.write(`${toJson({ ...doc, dir: store.location })}\n`)
  else if (!args.quiet) io.stdout.write(formatStudy(result, { method, objective, durationMs, dir: store.location }))
  return result.best === undefined ? 1 : 0
}

/** The terminal summary of a study. */
export function formatStudy(
  result: StudyResult,
  meta: { method: string; objective: string; durationMs: number; dir: string },
): string {
  const c = result.counts
  const lines = [
    `${meta.method} search, ${result.trials.length} trials in ${(meta.durationMs / 1000).toFixed(1)} s: ` +
      `${c.ok} ok, ${c.infeasible} infeasible, ${c.failed} failed, ${c.timeout} timed out`,
  ]
  const best = result.best
  if (best === undefined || best.outcome.status !== 'ok') lines.push('No trial was ok: there is no best point.')
  else {
    const m = best.outcome.metrics
    lines.push(
      `Best ${meta.objective} ${best.outcome.value.toFixed(4)} (trial ${best.index}): ${JSON.stringify(best.params)}`,
      `  pnl ${m.pnl.toFixed(2)} USDT, sharpe ${m.sharpe.toFixed(2)}, max DD ${(m.maxDrawdownPct * 100).toFixed(2)}%, ${m.trades} trades`,
    )
  }
  lines.push(`Study folder: ${meta.dir}`)
  return `${lines.join('\n')}\n`
}
