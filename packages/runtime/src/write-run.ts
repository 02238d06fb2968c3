/**
 * Writes a run folder: `summary.json`, `trades.csv`, `equity.csv` and `report.html`, each atomically.
 * @packageDocumentation
 */
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { runBreakdowns } from '@quantum/core'
import type { BacktestResult, Decision, RunBreakdowns } from '@quantum/core'
import { writeFileAtomic } from './atomic.js'
import { renderReportHtml } from './report-html.js'
import type { WarningEntry } from './warning-log.js'
import type { RunInfo } from './run-info.js'
import { equityCsvBytes, toJson, tradesCsvChunks } from './serialize.js'

/** Options of {@link writeRunFolder}. */
export interface WriteRunOptions {
  /** The run folder (created if needed). */
  readonly dir: string
  /** The config side of the run, recorded in `summary.json` and the report. */
  readonly info: RunInfo
  /** Write `report.html`. @default true */
  readonly report?: boolean
  /** Every BUY/SELL decision of the run, for the per-agent breakdown. @default none (no per-agent breakdown) */
  readonly decisions?: readonly Decision[]
  /** The run's warnings and errors, grouped (Model Supervisor findings among them). @default none */
  readonly warnings?: readonly WarningEntry[]
}

/** Paths of the files a run folder holds. */
export interface RunFiles {
  /** The run folder (absolute). */
  readonly dir: string
  /** `summary.json`: the summary figures, the ledger and the config info. */
  readonly summary: string
  /** `trades.csv`: one row per closed trade. */
  readonly trades: string
  /** `equity.csv`: equity and drawdown at each bar. */
  readonly equity: string
  /** Undefined when the report was not written. */
  readonly report: string | undefined
}

/** The breakdowns of a result (see `runBreakdowns` of `@quantum/core`). */
export function breakdownsOf(result: BacktestResult, decisions?: readonly Decision[]): RunBreakdowns {
  return runBreakdowns({
    trades: result.trades,
    equity: result.equity,
    series: result.series,
    startBalance: result.summary.startBalance,
    ...(decisions === undefined ? {} : { decisions }),
  })
}

/** The content of `summary.json`: the summary figures, the ledger, the config info and the breakdowns. */
export function buildSummaryJson(
  result: BacktestResult,
  info: RunInfo,
  breakdowns: RunBreakdowns = breakdownsOf(result),
): Record<string, unknown> {
  const decisions =
    result.decisions === undefined ? undefined : { total: result.decisions.total, byAction: result.decisions.byAction }
  return {
    ...result.summary,
    configHash: info.configHash,
    ledger: result.ledger,
    decisions,
    riskStates: riskStatesJson(result),
    data: result.data ?? [],
    config: info,
    breakdowns,
  }
}

/** The run's grouped warnings as `summary.json` lists them, with ISO times. */
export function warningsJson(warnings: readonly WarningEntry[] = []): Record<string, unknown>[] {
  const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString())
  return warnings.map((w) => ({ ...w, first: iso(w.first), last: iso(w.last) }))
}

/** The risk state changes (emergency stop, circuit breakers) as `summary.json` lists them, with ISO times. */
export function riskStatesJson(result: BacktestResult): Record<string, unknown>[] {
  return (result.riskStates ?? []).map(({ type: _type, time, ...rest }) => ({
    time: new Date(time).toISOString(),
    ...rest,
  }))
}

/** Writes every file of a run folder atomically (temp file + rename) and returns their paths. */
export async function writeRunFolder(result: BacktestResult, options: WriteRunOptions): Promise<RunFiles> {
  const dir = resolve(options.dir)
  await mkdir(dir, { recursive: true })
  const files: RunFiles = {
    dir,
    summary: join(dir, 'summary.json'),
    trades: join(dir, 'trades.csv'),
    equity: join(dir, 'equity.csv'),
    report: options.report === false ? undefined : join(dir, 'report.html'),
  }
  const breakdowns = breakdownsOf(result, options.decisions)
  await writeFileAtomic(files.trades, tradesCsvChunks(result.trades))
  await writeFileAtomic(files.equity, equityCsvBytes(result.equity))
  if (files.report !== undefined)
    await writeFileAtomic(
      files.report,
      renderReportHtml(result, { info: options.info, breakdowns, warnings: options.warnings }),
    )
  // Last, so that a complete summary.json marks a complete run folder.
  const summary = { ...buildSummaryJson(result, options.info, breakdowns), warnings: warningsJson(options.warnings) }
  await writeFileAtomic(files.summary, `${toJson(summary)}\n`)
  return files
}

/** `YYYYMMDD-HHmmss` of `date` in local time. */
export function runStamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0')
  return (
    `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-` +
    `${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`
  )
}

/**
 * The default run folder `<outputDir>/<name>-<YYYYMMDD-HHmmss>` (relative to `cwd`), with `-2`, `-3`...
 * appended when a folder of that name already exists.
 */
export function defaultRunDir(options: { outputDir: string; name: string; cwd: string; now: Date }): string {
  const safeName = options.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'run'
  const base = resolve(options.cwd, options.outputDir, `${safeName}-${runStamp(options.now)}`)
  let dir = base
  for (let n = 2; existsSync(dir); n++) dir = `${base}-${n}`
  return dir
}
