/**
 * The summary table printed at the end of a run (cli-table3 + picocolors).
 * @packageDocumentation
 */
import Table from 'cli-table3'
import pc from 'picocolors'
import type { BacktestSummary } from '@quantum/core'
import { summaryFigures } from './figures.js'
import type { Figure } from './figures.js'
import { formatTime } from './format.js'

/** Options of {@link formatSummaryTable}. */
export interface SummaryTableOptions {
  /** The run folder, printed under the table. @default not printed */
  readonly runDir?: string
  /** Use ANSI colours. @default false */
  readonly color?: boolean
}

const COLUMNS = 2

/** Renders the summary as a terminal table (two label/value column pairs) followed by the run folder. */
export function formatSummaryTable(summary: BacktestSummary, options: SummaryTableOptions = {}): string {
  const c = pc.createColors(options.color ?? false)
  const paint = (f: Figure): string => {
    const text = f.unit === '' ? f.value : `${f.value} ${f.unit}`
    return f.tone === 'good' ? c.green(text) : f.tone === 'bad' ? c.red(text) : text
  }
  const table = new Table({
    style: { head: [], border: [], compact: true },
    colAligns: ['left', 'right', 'left', 'right'],
  })
  const figures = summaryFigures(summary)
  const rows = Math.ceil(figures.length / COLUMNS)
  for (let r = 0; r < rows; r++) {
    const row: string[] = []
    for (let col = 0; col < COLUMNS; col++) {
      const f = figures[col * rows + r]
      row.push(f === undefined ? '' : c.dim(f.label), f === undefined ? '' : paint(f))
    }
    table.push(row)
  }
  const period = `${formatTime(Date.parse(summary.from))} → ${formatTime(Date.parse(summary.to))} UTC`
  const title = `${c.bold(summary.name)}  ${summary.symbols.join(', ')} ${summary.timeframe}  ${c.dim(period)}`
  const lines = [title, table.toString()]
  if (summary.openPositionAtEnd) lines.push(c.yellow('A position was still open at the end (not counted in trades).'))
  if (options.runDir !== undefined) lines.push(`Run folder: ${c.cyan(options.runDir)}`)
  return `${lines.join('\n')}\n`
}
