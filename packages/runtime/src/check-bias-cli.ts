/**
 * `quantum-run check-bias <config.ts>`: the look-ahead check (agents' and exits' answers on data cut at
 * many points equal their answers on the full data) and the recursion check (how agents' answers depend
 * on the warm-up length) of a config.
 * @packageDocumentation
 */
import { checkBias, ConfigError, type BiasReport, type ValidationIssue } from '@quantum/core'
import { parseSubcommandArgs, type SubcommandIo } from './compare-runs.js'
import { loadQuantumConfig } from './load-config.js'
import { flagReader } from './research-cli.js'
import { toJson } from './serialize.js'

/** The `quantum-run check-bias --help` text. */
export const CHECK_BIAS_USAGE = `Usage: quantum-run check-bias <config.ts> [options]

Look-ahead: runs the config on its full data and on the data cut at --cuts points; every agent's and
exit policy's answer on a bar before a cut must be the same in both runs (an answer that changes when
later bars are removed used them). Recursion: runs it with --warmups bars of history before a fixed
range of --span bars and reports how many agent answers differ from the full-history run.

Options:
  --cuts <n>         cut points (default 8)
  --warmups <list>   warm-up lengths in bars (default 25,50,100,200,400)
  --span <n>         bars compared in the recursion check (default 500)
  --from <date>      first bar (replaces data.from)    --to <date>  end bar, exclusive
  --json             print the report as JSON
  --quiet            print nothing but errors

Exit codes: 0 no look-ahead found, 1 a plugin's answers changed when later data was removed, 2 invalid usage.`

const FLAGS = {
  cuts: { type: 'string' },
  warmups: { type: 'string' },
  span: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/** The parsed `check-bias` command line. */
export interface CheckBiasArgs {
  readonly config: string
  readonly cuts: number
  readonly warmups: readonly number[]
  readonly span: number
  readonly from?: string | number
  readonly to?: string | number
  readonly json: boolean
  readonly quiet: boolean
}

/**
 * Parses `quantum-run check-bias` arguments; undefined for `--help`.
 * @throws {ConfigError} listing every bad flag.
 */
export function parseCheckBiasArgs(argv: readonly string[]): CheckBiasArgs | undefined {
  const { values: v, positionals } = parseSubcommandArgs(argv, FLAGS)
  if (v.help === true) return undefined
  const issues: ValidationIssue[] = []
  if (positionals.length !== 1) issues.push({ path: '<config.ts>', message: 'expected exactly one config file' })
  const f = flagReader(v, issues)
  const cuts = f.int('cuts') ?? 8
  const span = f.int('span', 10) ?? 500
  const warmups = (f.text('warmups') ?? '25,50,100,200,400').split(',').map(Number)
  if (!warmups.every((w) => Number.isInteger(w) && w >= 0))
    issues.push({ path: '--warmups', message: `"${f.text('warmups')}" is not a list of whole bar counts` })
  if (issues.length > 0) throw new ConfigError('Invalid command line (see quantum-run check-bias --help)', issues)
  const time = (s: string | undefined): string | number | undefined =>
    s === undefined ? undefined : /^\d+$/.test(s) ? Number(s) : s
  const from = time(f.text('from'))
  const to = time(f.text('to'))
  return {
    config: positionals[0]!,
    cuts,
    warmups,
    span,
    json: v.json === true,
    quiet: v.quiet === true,
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  }
}

const iso = (t: number): string => new Date(t).toISOString().replace(':00.000Z', 'Z')

/** The report as text: a line per plugin, the first differing answer of a failing one, the warm-up table. */
export function formatBiasReport(report: BiasReport): string {
  const { lookAhead, recursion } = report
  const lines = [`Look-ahead: ${lookAhead.cuts.length} cuts (${lookAhead.cuts.map(iso).join(', ')})`]
  for (const p of lookAhead.plugins) {
    const verdict = p.mismatches === 0 ? 'ok         ' : 'LOOK-AHEAD '
    lines.push(`  ${verdict}${p.kind.padEnd(5)} ${p.plugin}: ${p.mismatches}/${p.compared} answers differ`)
    if (p.first !== undefined)
      lines.push(
        `             first: ${p.first.hook} ${p.first.symbol} ${iso(p.first.time)} (data cut at ${iso(p.first.cut)})`,
        `               full data: ${p.first.full.slice(0, 160)}`,
        `               cut data:  ${p.first.cutData.slice(0, 160)}`,
      )
  }
  lines.push(`Recursion: agents' answers on ${recursion.bars} bars from ${iso(recursion.at)} vs the full history`)
  for (const r of recursion.rows)
    lines.push(
      `  warm-up ${String(r.warmup).padStart(5)} bars  ${r.plugin}: ${r.mismatches}/${r.compared} differ, ` +
        `max |confidence diff| ${r.maxConfidenceDiff.toPrecision(3)}`,
    )
  lines.push(lookAhead.passed ? 'No look-ahead found.' : 'Look-ahead found: see the plugins marked LOOK-AHEAD.')
  return `${lines.join('\n')}\n`
}

/** `quantum-run check-bias`; resolves with the exit code (1 when look-ahead was found). */
export async function runCheckBias(argv: readonly string[], io: SubcommandIo): Promise<number> {
  const args = parseCheckBiasArgs(argv)
  if (args === undefined) {
    io.stdout.write(`${CHECK_BIAS_USAGE}\n`)
    return 0
  }
  const base = {
    ...(args.from === undefined ? {} : { from: args.from }),
    ...(args.to === undefined ? {} : { to: args.to }),
  }
  const first = await loadQuantumConfig(args.config, { cwd: io.cwd, overrides: base })
  const report = await checkBias({
    // Every run loads the config file again (no module cache): plugins keep state, each run needs new ones.
    load: async (window) =>
      (await loadQuantumConfig(first.file, { cwd: io.cwd, overrides: { ...base, ...window } })).config,
    baseDir: first.baseDir,
    cuts: args.cuts,
    warmups: args.warmups,
    span: args.span,
    onRun: (label) => {
      if (!args.quiet && !args.json) io.stderr.write(`check-bias: ${label}\n`)
    },
  })
  if (args.json) io.stdout.write(`${toJson(report)}\n`)
  else if (!args.quiet) io.stdout.write(formatBiasReport(report))
  return report.lookAhead.passed ? 0 : 1
}
