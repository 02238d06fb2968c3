/**
 * Reads funding-rate history files (`funding_time,funding_rate`, plain or gzipped) into columns.
 * @packageDocumentation
 */
import { ConfigError } from '../errors.js'
import { medianSpacing, symbolFromPath } from './candle-series.js'
import { findGaps, type DataReport } from './find-gaps.js'
import { IssueCollector } from './issue-collector.js'
import { parseNumericCsv } from './parse-numeric-csv.js'
import { readCsvText, readCsvTextSync } from './read-csv-text.js'
import { checkAscending, gapIssues } from './validate-columns.js'

/** The header every funding file must start with. */
export const FUNDING_CSV_HEADER = ['funding_time', 'funding_rate'] as const

/** Funding events of one perpetual contract, column-wise. */
export interface FundingSeries {
  /** Instrument name, e.g. `BTCUSDT`. */
  readonly symbol: string
  /** Funding times, epoch ms UTC, strictly ascending. */
  readonly time: Float64Array
  /** Rate per funding period as a fraction (0.0001 = 0.01 %); may be negative. */
  readonly rate: Float64Array
}

/** Options of {@link readFundingCsv} and {@link parseFundingCsv}. */
export interface ReadFundingOptions {
  /**
   * Symbol of the series.
   * @default the file name up to its first `-` (`BTCUSDT-funding-8h.csv` gives `BTCUSDT`)
   */
  readonly symbol?: string
  /**
   * Funding interval in ms, the step for gap detection.
   * @default the median spacing of the rows (8 h on Binance USD-M for BTC/ETH/BNB)
   */
  readonly intervalMs?: number
  /**
   * What to do with gaps (a spacing of at least 1.5 intervals): list them in `report.gaps`, or throw.
   * Shorter spacings are accepted, since venues change funding intervals.
   * @default 'report'
   */
  readonly onGap?: 'report' | 'error'
}

/** A validated funding series and what was found while reading it. */
export interface FundingReadResult extends FundingSeries {
  /** Row count, time range, interval and gaps. */
  readonly report: DataReport
}

function resolveInterval(time: Float64Array, intervalMs: number | undefined): number {
  if (intervalMs === undefined) return medianSpacing(time)
  if (Number.isFinite(intervalMs) && intervalMs > 0) return intervalMs
  throw new ConfigError('Invalid funding reader options', [
    { path: 'intervalMs', message: `must be a positive number of milliseconds, got ${intervalMs}` },
  ])
}

/**
 * Parses funding CSV text; `source` names the file in errors and gives the default symbol.
 * @throws {DataError} listing every bad row (header, unparsable/NaN values, unsorted or duplicate times, and
 * gaps with `onGap: 'error'`); at most 1000 issues are listed, the last entry counts the rest.
 * @throws {ConfigError} when `options.intervalMs` is not a positive number.
 * @example const funding = parseFundingCsv(text, 'BTCUSDT-funding-8h.csv')
 */
export function parseFundingCsv(text: string, source: string, options: ReadFundingOptions = {}): FundingReadResult {
  const issues = new IssueCollector()
  const parsed = parseNumericCsv(text, FUNDING_CSV_HEADER, issues)
  const [time, rate] = parsed.columns as [Float64Array, Float64Array]
  checkAscending({ time, line: parsed.line }, issues)
  issues.throwIfAny(source)
  const stepMs = resolveInterval(time, options.intervalMs)
  const gaps = Number.isNaN(stepMs) ? [] : findGaps(time, stepMs)
  if (options.onGap === 'error') gapIssues(gaps, time, issues)
  issues.throwIfAny(source)
  const report: DataReport = { rows: parsed.rows, first: time[0]!, last: time[parsed.rows - 1]!, stepMs, gaps }
  return { symbol: options.symbol ?? symbolFromPath(source), time, rate, report }
}

/**
 * Reads and validates a funding-rate file (`funding_time,funding_rate`; `.csv` or `.csv.gz`).
 * Gaps are reported in `report.gaps` (the step is the funding interval, by default the median spacing).
 * @throws {DataError} when the file is unreadable or has bad rows (see {@link parseFundingCsv}).
 * @example
 * const { time, rate, report } = await readFundingCsv('data/funding/BTCUSDT-funding-8h.csv')
 */
export async function readFundingCsv(path: string, options: ReadFundingOptions = {}): Promise<FundingReadResult> {
  return parseFundingCsv(await readCsvText(path), path, options)
}

/**
 * Synchronous twin of {@link readFundingCsv}.
 * @throws {DataError} when the file is unreadable or has bad rows.
 * @example const funding = readFundingCsvSync('data/funding/ETHUSDT-funding-8h.csv')
 */
export function readFundingCsvSync(path: string, options: ReadFundingOptions = {}): FundingReadResult {
  return parseFundingCsv(readCsvTextSync(path), path, options)
}
