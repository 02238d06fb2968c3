/**
 * Internal row checks shared by the candle and funding readers; each one adds {@link DataIssue}s
 * with the file line and the row time.
 * @packageDocumentation
 */
import { lowerBound, timeframeLabel, type CandleSeries } from './candle-series.js'
import type { Gap } from './find-gaps.js'
import type { DataIssue } from '../errors.js'
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

/** Earliest candle time accepted: 2009-01-03 (the first Bitcoin block; no crypto market is older). */
export const MIN_CANDLE_TIME = Date.UTC(2009, 0, 3)
/** Latest candle time accepted: 2100-01-01 (anything later is a unit mistake, not a date). */
export const MAX_CANDLE_TIME = Date.UTC(2100, 0, 1)
/** Prices outside this range are refused outright, whatever the neighbours (USDT per unit). */
export const PRICE_RANGE = { min: 1e-9, max: 1e9 } as const
/** Volumes above this are refused outright (base-asset units per bar). */
export const MAX_VOLUME = 1e15

/** What a time that is not epoch milliseconds probably is. */
function unitHint(t: number): string {
  if (t > 0 && t < 1e11) return `; it looks like seconds (x1000 gives ${isoTime(t * 1000)})`
  if (t >= 1e14 && t < 1e17) return `; it looks like microseconds (/1000 gives ${isoTime(t / 1000)})`
  if (t >= 1e17) return `; it looks like nanoseconds (/1e6 gives ${isoTime(t / 1e6)})`
  return ''
}

/**
 * Reports rows whose time is not epoch milliseconds between {@link MIN_CANDLE_TIME} and
 * {@link MAX_CANDLE_TIME}, saying which unit it probably is (seconds give 1970 dates, microseconds
 * give years like 56731).
 * @example checkTimeRange({ time, line }, issues)
 */
export function checkTimeRange(rows: TimedRows, issues: IssueCollector): void {
  const { time, line } = rows
  for (let i = 0; i < time.length; i++) {
    const t = time[i]!
    if (t >= MIN_CANDLE_TIME && t <= MAX_CANDLE_TIME) continue
    const message = `open_time ${t} (${isoTime(t)}) is not epoch milliseconds between ${isoTime(MIN_CANDLE_TIME).slice(0, 10)} and ${isoTime(MAX_CANDLE_TIME).slice(0, 10)}${unitHint(t)}`
    issues.add({ kind: 'time-range', line: line[i]!, time: t, message })
  }
}

/** The median of the first `n` positive values of `xs` (NaN when there is none). */
function leadingMedian(xs: Float64Array, n: number): number {
  const head = Array.from(xs.subarray(0, n)).filter((x) => x > 0 && Number.isFinite(x))
  if (head.length === 0) return Number.NaN
  head.sort((a, b) => a - b)
  return head[Math.floor(head.length / 2)]!
}

/**
 * Reports absurd magnitudes: a price outside {@link PRICE_RANGE} or a volume above {@link MAX_VOLUME}
 * (`magnitude`), and a row whose high, low, open or close is more than `factor` times away from the
 * last sane close before it (`spike`; the first rows are compared with the median close of the first
 * 21). A flagged row does not become the reference, so one bad row flags only itself. Returns the
 * spike issues (so a caller may report them instead of refusing the file).
 * @example checkMagnitude({ time, line }, columns, { magnitude: issues, spikes: (i) => issues.add(i), factor: 10 })
 */
export function checkMagnitude(
  rows: TimedRows,
  c: OhlcvColumns,
  sink: { magnitude: IssueCollector; spikes: (issue: DataIssue) => void; factor: number },
): void {
  const { factor } = sink
  const { time, line } = rows
  let ref = leadingMedian(c.close, 21)
  for (let i = 0; i < time.length; i++) {
    const o = c.open[i]!
    const h = c.high[i]!
    const l = c.low[i]!
    const cl = c.close[i]!
    const t = time[i]!
    const hi = Math.max(o, h, cl)
    const lo = Math.min(o, l, cl)
    if (!(lo > 0)) continue // reported by checkOhlc
    if (!(hi <= PRICE_RANGE.max && lo >= PRICE_RANGE.min) || !(c.volume[i]! <= MAX_VOLUME)) {
      const what = !(c.volume[i]! <= MAX_VOLUME)
        ? `volume ${c.volume[i]} above ${MAX_VOLUME}`
        : `price ${hi > PRICE_RANGE.max ? hi : lo} outside ${PRICE_RANGE.min}..${PRICE_RANGE.max}`
      sink.magnitude.add({ kind: 'magnitude', line: line[i]!, time: t, message: `${what} (${isoTime(t)})` })
      continue
    }
    if (Number.isFinite(ref) && (hi > ref * factor || lo < ref / factor)) {
      const far = hi > ref * factor ? hi : lo
      const message = `price ${far} is ${(far > ref ? far / ref : ref / far).toPrecision(3)}x away from the previous close ${ref} (more than ${factor}x in one bar: a spike or a unit mistake) (${isoTime(t)})`
      sink.spikes({ kind: 'spike', line: line[i]!, time: t, message })
      continue
    }
    ref = cl
  }
}
