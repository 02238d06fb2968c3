/**
 * Internal row checks shared by the candle and funding readers; each one adds {@link DataIssue}s
 * with the file line and the row time.
 * @packageDocumentation
 */
import { lowerBound, timeframeLabel, type CandleSeries } from './candle-series.js'
import type { Gap } from './find-gaps.js'
import { isoTime, type IssueCollector } from './issue-collector.js'

/** Row times with the file line of each row. */
export interface TimedRows {
  /** Row times (epoch ms). */
  readonly time: Float64Array
  /** 1-based file line of each row. */
  readonly line: Uint32Array
}

/**
 * Reports rows whose time is earlier than (`unsorted`) or equal to (`duplicate`) the previous row's.
 * @example checkAscending({ time, line }, issues)
 */
export function checkAscending(rows: TimedRows, issues: IssueCollector): void {
  const { time, line } = rows
  for (let i = 1; i < time.length; i++) {
    const t = time[i]!
    const prev = time[i - 1]!
    if (t > prev) continue
    const where = `${t} (${isoTime(t)})`
    const kind = t === prev ? 'duplicate' : 'unsorted'
    const message =
      kind === 'duplicate'
        ? `duplicate timestamp ${where}, same as line ${line[i - 1]}`
        : `timestamp ${where} is earlier than line ${line[i - 1]} (${isoTime(prev)}); rows must be ascending`
    issues.add({ kind, line: line[i]!, time: t, message })
  }
}

/** The price/volume columns of a candle file. */
export type OhlcvColumns = Pick<CandleSeries, 'open' | 'high' | 'low' | 'close' | 'volume'>

function ohlcProblems(c: OhlcvColumns, i: number): string[] {
  const o = c.open[i]!
  const h = c.high[i]!
  const l = c.low[i]!
  const cl = c.close[i]!
  const problems: string[] = []
  if (l <= 0) problems.push(`low ${l} <= 0`)
  if (l > Math.min(o, cl)) problems.push(`low ${l} > min(open ${o}, close ${cl})`)
  if (h < Math.max(o, cl)) problems.push(`high ${h} < max(open ${o}, close ${cl})`)
  if (c.volume[i]! < 0) problems.push(`volume ${c.volume[i]} < 0`)
  return problems
}

/**
 * Reports rows where `low <= 0`, `low > min(open, close)`, `high < max(open, close)` or `volume < 0`.
 * @example checkOhlc({ time, line }, columns, issues)
 */
export function checkOhlc(rows: TimedRows, c: OhlcvColumns, issues: IssueCollector): void {
  const { time, line } = rows
  for (let i = 0; i < time.length; i++) {
    const l = c.low[i]!
    const h = c.high[i]!
    const o = c.open[i]!
    const cl = c.close[i]!
    if (l > 0 && l <= o && l <= cl && h >= o && h >= cl && c.volume[i]! >= 0) continue
    const t = time[i]!
    issues.add({ kind: 'ohlc', line: line[i]!, time: t, message: `${ohlcProblems(c, i).join('; ')} (${isoTime(t)})` })
  }
}

/**
 * Reports rows whose distance to the previous row is not a whole multiple of `stepMs` (off the bar grid).
 * @example checkSpacing({ time, line }, 3_600_000, issues)
 */
export function checkSpacing(rows: TimedRows, stepMs: number, issues: IssueCollector): void {
  const { time, line } = rows
  for (let i = 1; i < time.length; i++) {
    const d = time[i]! - time[i - 1]!
    if (d % stepMs === 0) continue
    const t = time[i]!
    const message = `spacing ${timeframeLabel(d)} from line ${line[i - 1]} is not a multiple of the timeframe ${timeframeLabel(stepMs)} (${isoTime(t)})`
    issues.add({ kind: 'gap', line: line[i]!, time: t, message })
  }
}

/**
 * Turns gaps into `gap` issues located at the first row after each hole (line = row index + 2).
 * @example gapIssues(report.gaps, series.openTime, issues)
 */
export function gapIssues(gaps: readonly Gap[], time: Float64Array, issues: IssueCollector): void {
  for (const g of gaps) {
    const line = lowerBound(time, g.to) + 2
    const message = `gap: ${g.missing} missing row(s) between ${isoTime(g.from)} and ${isoTime(g.to)}`
    issues.add({ kind: 'gap', line, time: g.to, message })
  }
}
