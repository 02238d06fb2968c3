/**
 * `quantum-run optimize <config.ts>`: searches the config's `optimize` space on a pool of worker threads
 * and writes the trials and the best point to a study folder.
 * @packageDocumentation
 */
import { ConfigError, OBJECTIVE_NAMES, runStudy } from '@quantum/core'
import type { ObjectiveName, StudyResult, Trial, ValidationIssue } from '@quantum/core'
import { parseSubcommandArgs, type SubcommandIo } from './compare-runs.js'
import {
  flagReader,
  openResearch,
  openResearchState,
  openTrialPool,
  readResearchArgs,
  RESEARCH_FLAGS,
  RESEARCH_FLAGS_USAGE,
  samplerFor,
  type ResearchArgs,
} from './research-cli.js'
import { fileTrialStore } from './trial-store.js'
import { toJson } from './serialize.js'

/** The `quantum-run optimize --help` text. */
export const OPTIMIZE_USAGE = `Usage: quantum-run optimize <config.ts> [options]

Searches the parameter space of the config's optimize section (defineSearch) and writes
<study>/trials.jsonl (every trial, failures included) and <study>/optimize.json (the best point).

Options:
  --method <m>       random | grid | tpe (default: the config's, else tpe)
  --trials <n>       trials to run (default: the config's, else 100)
  --seed <n>         sampler seed (default: the config's, else 1)
  --objective <o>    sharpe | sortino | calmar | profit (default: the config's, else sharpe)
  --out <dir>        the study folder (default: <output.dir>/<name>-optimize-<YYYYMMDD-HHmmss>)
${RESEARCH_FLAGS_USAGE}

Exit codes: 0 a best point was found, 1 no trial was ok (all failed or infeasible), 2 invalid usage.`

const FLAGS = { ...RESEARCH_FLAGS, objective: { type: 'string' } } as const

/** The parsed `optimize` command line. */
export interface OptimizeArgs extends ResearchArgs {
  readonly objective?: ObjectiveName
}

/**
 * Parses `quantum-run optimize` arguments (after the word `optimize`); undefined for `--help`.
 * @throws {ConfigError} listing every bad flag.
 */
export function parseOptimizeArgs(argv: readonly string[]): OptimizeArgs | undefined {
  const parsed = parseSubcommandArgs(argv, FLAGS)
  if (parsed.values.help === true) return undefined
  const issues: ValidationIssue[] = []
  const common = readResearchArgs(parsed, issues)
  const objective = flagReader(parsed.values, issues).oneOf('objective', OBJECTIVE_NAMES)
  if (issues.length > 0) throw new ConfigError('Invalid command line (see quantum-run optimize --help)', issues)
  return { ...common, ...(objective === undefined ? {} : { objective }) }
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
  const setup = await openResearch(args, io, 'optimize')
  const { search, method } = setup
  const objective =
    args.objective ??
    (typeof search.objective === 'string' ? search.objective : search.objective === undefined ? 'sharpe' : 'custom')
  const state = await openResearchState(args, setup.loaded.config, io.cwd)
  let result: StudyResult
  let durationMs: number
  let store: Awaited<ReturnType<typeof fileTrialStore>>
  try {
    store = await fileTrialStore(
      setup.dir,
      'optimize.json',
      state === undefined ? undefined : { studies: state.studies, studyId: setup.studyId },
    )
    const pool = await openTrialPool(args, setup, {
      cwd: io.cwd,
      ...(args.objective === undefined ? {} : { objective: args.objective }),
    })
    const started = performance.now()
    const cpu = process.cpuUsage()
    try {
      result = await runStudy({
        sampler: samplerFor(search, method, setup.seed),
        trials: setup.trials,
        concurrency: pool.capacity,
        evaluate: (params) => pool.evaluate(params),
        // Recording is queued (finish waits for it): the next trial does not wait on the disk.
        onTrial: (t) => void store.append(t).catch(() => undefined),
      })
    } finally {
      await pool.close()
    }
    durationMs = performance.now() - started
    const used = process.cpuUsage(cpu)
    const doc = studyDocument(result, {
      config: setup.loaded.file,
      study: setup.studyId,
      ...(state === undefined ? {} : { state: state.location }),
      method,
      objective,
      trials: result.trials.length,
      workers: args.workers,
      durationMs,
      /** CPU time of this process (its worker threads included) during the search. */
      cpuMs: (used.user + used.system) / 1000,
    })
    await store.finish(doc)
    if (args.json) io.stdout.write(`${toJson({ ...doc, dir: store.location })}\n`)
  } finally {
    await state?.close()
  }
  if (!args.json && !args.quiet)
    io.stdout.write(formatStudy(result, { method, objective, durationMs, dir: store.location, study: setup.studyId }))
  return result.best === undefined ? 1 : 0
}

/** The terminal summary of a study. */
export function formatStudy(
  result: StudyResult,
  meta: { method: string; objective: string; durationMs: number; dir: string; study?: string },
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
  if (meta.study !== undefined) lines.push(`Study id: ${meta.study} (quantum-run studies show ${meta.study})`)
  return `${lines.join('\n')}\n`
}
