/**
 * `quantum-run compare <run> <run>...`: reads the `summary.json` of run folders and prints their headline
 * figures and breakdowns side by side (or as JSON).
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import Table from 'cli-table3'
import { z } from 'zod'
import { ConfigError, DataError, zodIssues } from '@quantum/core'
import { formatCount, formatNumber, formatPct, formatRatio, formatUsd } from './format.js'
import { toJson } from './serialize.js'
import type { CliStream } from './streams.js'

/** The `quantum-run compare --help` text. */
export const COMPARE_USAGE = `Usage: quantum-run compare <run-dir> <run-dir>... [--json]

Prints the headline figures and breakdowns of two or more run folders side by side
(each folder's summary.json, as quantum-run writes it).

Options:
  --json   print the compared figures as JSON
  --help   show this help`

/** `Infinity`/`NaN` are written to summary.json as strings; read them back as numbers. */
const num = z.union([z.number(), z.enum(['Infinity', '-Infinity', 'NaN']).transform(Number)])

const groupSchema = z.object({ key: z.string(), trades: num, netPnl: num, winRate: num })

/** The part of `summary.json` that compare reads (older folders without breakdowns still compare). */
export const ComparedSummarySchema = z.object({
  name: z.string(),
  symbols: z.array(z.string()),
  timeframe: z.string(),
  from: z.string(),
  to: z.string(),
  trades: num,
  winRate: num,
  pnl: num,
  pnlPct: num,
  maxDrawdownPct: num,
  sharpe: num,
  sortino: num,
  calmar: num,
  profitFactor: num,
  expectancy: num,
  exposure: num,
  fees: num,
  breakdowns: z
    .object({
      bySymbol: z.array(groupSchema),
      bySide: z.array(groupSchema),
      byExitReason: z.array(groupSchema),
      buyAndHold: z.object({ return: num }),
      excessReturn: num,
      durations: z.object({ medianMs: num }),
      excursions: z.object({ meanMaePct: num, meanMfePct: num }),
    })
    .optional(),
})
/** A run's `summary.json` as compare reads it. */
export type ComparedSummary = z.output<typeof ComparedSummarySchema>

/** One compared run: its folder and summary. */
export interface ComparedRun {
  readonly dir: string
  readonly summary: ComparedSummary
}

/**
 * Reads and validates `<dir>/summary.json`.
 * @throws {DataError} when the file is missing, not JSON, or lacks the figures compare needs.
 */
export async function readRunSummary(dir: string): Promise<ComparedRun> {
  const file = join(dir, 'summary.json')
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(file, 'utf8'))
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause)
    throw new DataError(file, [{ kind: 'parse', message: `cannot read a run summary: ${message}` }], { cause })
  }
  const parsed = ComparedSummarySchema.safeParse(raw)
  if (!parsed.success) {
    const issues = zodIssues(parsed.error).map((i) => ({
      kind: 'header' as const,
      message: `not a quantum-run summary: ${i.path}: ${i.message}`,
    }))
    throw new DataError(file, issues)
  }
  return { dir, summary: parsed.data }
}

type Row = readonly [string, (s: ComparedSummary) => string]

function groupCell(groups: readonly z.output<typeof groupSchema>[] | undefined, key: string): string {
  const g = groups?.find((x) => x.key === key)
  return g === undefined ? '-' : `${formatUsd(g.netPnl)} (${formatCount(g.trades)})`
}

function rowsFor(runs: readonly ComparedRun[]): Row[] {
  const b = (s: ComparedSummary) => s.breakdowns
  const keys = (pick: (s: ComparedSummary) => readonly { key: string }[] | undefined): string[] => [
    ...new Set(runs.flatMap((r) => (pick(r.summary) ?? []).map((g) => g.key))),
  ]
  const groupRows = (
    label: string,
    pick: (s: ComparedSummary) => readonly z.output<typeof groupSchema>[] | undefined,
  ) => keys(pick).map((k): Row => [`${label} ${k}`, (s) => groupCell(pick(s), k)])
  return [
    ['Period', (s) => `${s.from.slice(0, 10)} → ${s.to.slice(0, 10)}`],
    ['Symbols', (s) => `${s.symbols.join(',')} ${s.timeframe}`],
    ['Trades', (s) => formatCount(s.trades)],
    ['Win rate', (s) => formatPct(s.winRate)],
    ['PnL', (s) => `${formatUsd(s.pnl)} USDT`],
    ['PnL %', (s) => formatPct(s.pnlPct, true)],
    ['Max DD %', (s) => formatPct(s.maxDrawdownPct)],
    ['Sharpe', (s) => formatRatio(s.sharpe)],
    ['Sortino', (s) => formatRatio(s.sortino)],
    ['Calmar', (s) => formatRatio(s.calmar)],
    ['Profit factor', (s) => formatRatio(s.profitFactor)],
    ['Expectancy', (s) => formatUsd(s.expectancy)],
    ['Exposure', (s) => formatPct(s.exposure)],
    ['Fees', (s) => formatNumber(s.fees)],
    ['Buy and hold', (s) => (b(s) === undefined ? '-' : formatPct(b(s)!.buyAndHold.return, true))],
    ['vs buy and hold', (s) => (b(s) === undefined ? '-' : formatPct(b(s)!.excessReturn, true))],
    ['Median duration', (s) => (b(s) === undefined ? '-' : `${formatNumber(b(s)!.durations.medianMs / 3.6e6, 1)} h`)],
    [
      'Mean MAE / MFE',
      (s) =>
        b(s) === undefined
          ? '-'
          : `${formatPct(b(s)!.excursions.meanMaePct)} / ${formatPct(b(s)!.excursions.meanMfePct)}`,
    ],
    ...groupRows('Side', (s) => b(s)?.bySide),
    ...groupRows('Symbol', (s) => b(s)?.bySymbol),
    ...groupRows('Exit', (s) => b(s)?.byExitReason),
  ]
}

/** Renders compared runs as a terminal table: one column per run, one row per figure. */
export function formatComparison(runs: readonly ComparedRun[]): string {
  const table = new Table({
    head: ['', ...runs.map((r, i) => `#${i + 1} ${r.summary.name}`)],
    style: { head: [], border: [], compact: true },
    colAligns: ['left', ...runs.map(() => 'right' as const)],
  })
  for (const [label, cell] of rowsFor(runs)) table.push([label, ...runs.map((r) => cell(r.summary))])
  const legend = runs.map((r, i) => `#${i + 1} ${r.dir}`).join('\n')
  return `${table.toString()}\n${legend}\n`
}

/** What `quantum-run compare` needs from the CLI. */
export interface SubcommandIo {
  readonly stdout: CliStream
  readonly stderr: CliStream
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
}

/**
 * `quantum-run compare <run-dir>... [--json]`; resolves with the exit code (0).
 * @throws {ConfigError} for bad flags or fewer than two folders; {@link DataError} for unreadable summaries.
 */
export async function runCompare(argv: readonly string[], io: SubcommandIo): Promise<number> {
  const parsed = parseSubcommandArgs(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } })
  if (parsed.values.help === true) {
    io.stdout.write(`${COMPARE_USAGE}\n`)
    return 0
  }
  if (parsed.positionals.length < 2)
    throw new ConfigError('Invalid command line (see quantum-run compare --help)', [
      { path: '<run-dir>', message: `expected at least two run folders, got ${parsed.positionals.length}` },
    ])
  const runs = await Promise.all(parsed.positionals.map((p) => readRunSummary(resolve(io.cwd, p))))
  if (parsed.values.json === true) {
    const rows = rowsFor(runs)
    const out = runs.map((r) => ({
      dir: r.dir,
      name: r.summary.name,
      figures: Object.fromEntries(rows.map(([label, cell]) => [label, cell(r.summary)])),
      summary: r.summary,
    }))
    io.stdout.write(`${toJson(out)}\n`)
  } else io.stdout.write(formatComparison(runs))
  return 0
}

/** Flags and positionals of a subcommand's command line. */
export interface SubcommandArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>
  readonly positionals: readonly string[]
}

/**
 * `node:util` `parseArgs` (strict) for a subcommand, with parse errors as a {@link ConfigError} naming the flag.
 * @throws {ConfigError} for unknown flags or missing values.
 */
export function parseSubcommandArgs(argv: readonly string[], options: ParseArgsConfig['options']): SubcommandArgs {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? '(command line)'
    throw new ConfigError('Invalid command line', [{ path: flag, message }])
  }
}
