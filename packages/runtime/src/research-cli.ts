/**
 * What `quantum-run optimize` and `quantum-run walk-forward` share: the search flags, loading the
 * config and its `optimize` section, the study folder and id, the trial pool (worker threads, or
 * BullMQ workers over Redis) and where trials are recorded (the study folder and the state store).
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto'
import { basename, resolve } from 'node:path'
import { ConfigError, gridSampler, randomSampler, SEARCH_METHODS, tpeSampler, validateSpace } from '@quantum/core'
import type {
  ObjectiveName,
  QuantumConfig,
  Sampler,
  SearchMethod,
  SearchSpec,
  StateStore,
  ValidationIssue,
} from '@quantum/core'
import type { SubcommandArgs, SubcommandIo } from './compare-runs.js'
import { loadQuantumConfig, type ConfigOverrides, type LoadedConfig } from './load-config.js'
import { describeRun } from './run-info.js'
import { loadStore, stateLocationOf } from './run-state.js'
import { createTrialPool, type TrialPool } from './trial-pool.js'
import { defaultRunDir } from './write-run.js'

/** The flags both research commands take (each adds its own). */
export const RESEARCH_FLAGS = {
  method: { type: 'string' },
  trials: { type: 'string' },
  workers: { type: 'string' },
  seed: { type: 'string' },
  'timeout-ms': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  out: { type: 'string' },
  redis: { type: 'string' },
  state: { type: 'string' },
  'no-state': { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/** The `--help` lines of {@link RESEARCH_FLAGS}. */
export const RESEARCH_FLAGS_USAGE = `  --workers <n>      worker threads (default 1)
  --timeout-ms <n>   a trial running longer is stopped and recorded as timeout (default: the config's, else 60000)
  --from <date>      first bar (replaces data.from)    --to <date>  end bar, exclusive
  --redis <url>      run the trials as BullMQ jobs on Redis, processed by "quantum-run worker --redis"
                     processes (on each machine with the config at the same path); --workers is then
                     the number of trials in flight
  --state <loc>      also record every trial in this state store: an SQLite file or postgres://… (shared
                     by machines); default: the config's state, else .quantum/state.db
  --no-state         record the trials in the study folder only
  --json             print the result as JSON
  --quiet            print nothing but errors`

/** The parsed flags of {@link RESEARCH_FLAGS}. */
export interface ResearchArgs {
  readonly config: string
  readonly method?: SearchMethod
  readonly trials?: number
  readonly workers: number
  readonly seed?: number
  readonly timeoutMs?: number
  readonly overrides: ConfigOverrides
  readonly out?: string
  /** Redis URL: trials become BullMQ jobs. */
  readonly redis?: string
  readonly state?: string
  readonly noState: boolean
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

const time = (s: string | undefined): string | number | undefined =>
  s === undefined ? undefined : /^\d+$/.test(s) ? Number(s) : s

/** Reads {@link RESEARCH_FLAGS} and the config positional; problems go to `issues` (the caller throws). */
export function readResearchArgs(parsed: SubcommandArgs, issues: ValidationIssue[]): ResearchArgs {
  const { values: v, positionals } = parsed
  const config = positionals[0]
  if (config === undefined) issues.push({ path: '<config.ts>', message: 'missing the config file' })
  if (positionals.length > 1) issues.push({ path: positionals.slice(1).join(' '), message: 'unexpected argument' })
  const f = flagReader(v, issues)
  const method = f.oneOf('method', SEARCH_METHODS)
  const trials = f.int('trials')
  const workers = f.int('workers') ?? 1
  const seed = f.int('seed', Number.MIN_SAFE_INTEGER)
  const timeoutMs = f.int('timeout-ms')
  if (f.text('state') !== undefined && v['no-state'] === true)
    issues.push({ path: '--state', message: 'give --state or --no-state, not both' })
  const from = time(f.text('from'))
  const to = time(f.text('to'))
  const out = f.text('out')
  const redis = f.text('redis')
  const state = f.text('state')
  return {
    config: config as string,
    workers,
    noState: v['no-state'] === true,
    json: v.json === true,
    quiet: v.quiet === true,
    overrides: { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) },
    ...(method === undefined ? {} : { method }),
    ...(trials === undefined ? {} : { trials }),
    ...(seed === undefined ? {} : { seed }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(out === undefined ? {} : { out }),
    ...(redis === undefined ? {} : { redis }),
    ...(state === undefined ? {} : { state }),
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

/** A research command's loaded config, search, folder and study id. */
export interface ResearchSetup {
  readonly loaded: LoadedConfig
  readonly search: SearchSpec
  readonly method: SearchMethod
  readonly seed: number
  readonly trials: number
  readonly timeoutMs: number
  /** The output folder (absolute). */
  readonly dir: string
  /** The study's id: the folder's name and a random suffix (Redis job ids, state-store rows). */
  readonly studyId: string
}

/**
 * Loads the config and its search; picks the output folder (`--out`, else `<output.dir>/<name>-<kind>-<time>`).
 * @throws {ConfigError} for a config without an `optimize` section.
 */
export async function openResearch(args: ResearchArgs, io: SubcommandIo, kind: string): Promise<ResearchSetup> {
  const loaded = await loadQuantumConfig(args.config, { cwd: io.cwd, overrides: args.overrides })
  const search = searchOf(loaded.config)
  const info = describeRun(loaded.config, loaded.file, loaded.baseDir)
  const dir =
    args.out === undefined
      ? defaultRunDir({
          outputDir: loaded.config.output.dir,
          name: `${info.name}-${kind}`,
          cwd: io.cwd,
          now: new Date(),
        })
      : resolve(io.cwd, args.out)
  return {
    loaded,
    search,
    dir,
    method: args.method ?? search.method ?? 'tpe',
    seed: args.seed ?? search.seed ?? 1,
    trials: args.trials ?? search.trials ?? 100,
    timeoutMs: args.timeoutMs ?? search.trialTimeoutMs ?? 60_000,
    studyId: `${basename(dir)}-${randomUUID().slice(0, 8)}`,
  }
}

/** The trial pool of a research command: worker threads, or BullMQ jobs when `--redis` is given. */
export async function openTrialPool(
  args: ResearchArgs,
  setup: ResearchSetup,
  options: { readonly cwd: string; readonly objective?: ObjectiveName },
): Promise<TrialPool> {
  const poolOptions = {
    workers: args.workers,
    configFile: setup.loaded.file,
    cwd: options.cwd,
    overrides: args.overrides,
    ...(options.objective === undefined ? {} : { objective: options.objective }),
    timeoutMs: setup.timeoutMs,
  }
  if (args.redis === undefined) return createTrialPool(poolOptions)
  const { createRedisTrialPool } = await import('./redis-trials.js')
  return createRedisTrialPool({ ...poolOptions, redis: args.redis, study: setup.studyId, inFlight: args.workers })
}

/**
 * The state store trials are recorded in (`--state`, else the config's `state`, else `.quantum/state.db`
 * under the working folder); undefined with `--no-state`.
 */
export async function openResearchState(
  args: ResearchArgs,
  config: QuantumConfig,
  cwd: string,
): Promise<StateStore | undefined> {
  if (args.noState) return undefined
  const { openStateStore } = await loadStore()
  return openStateStore(await stateLocationOf(args.state, config, cwd))
}
