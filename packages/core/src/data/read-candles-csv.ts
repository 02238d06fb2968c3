/**
 * Reads Binance-style candle CSV files (`open_time,open,high,low,close,volume`, plain or gzipped)
 * into a columnar {@link CandleSeries}, validating every row.
 * @packageDocumentation
 */
import { ConfigError, type DataIssue } from '../errors.js'
import { medianSpacing, symbolFromPath, timeframeLabel, timeframeToMs, type CandleSeries } from './candle-series.js'
import { findGaps, type DataReport } from './find-gaps.js'
import { IssueCollector } from './issue-collector.js'
import { parseNumericCsv } from './parse-numeric-csv.js'
import { readCsvText, readCsvTextSync } from './read-csv-text.js'
import {
  checkAscending,
  checkMagnitude,
  checkOhlc,
  checkSpacing,
  checkTimeRange,
  gapIssues,
} from './validate-columns.js'

/** The header every candle file must start with. */
export const CANDLE_CSV_HEADER = ['open_time', 'open', 'high', 'low', 'close', 'volume'] as const

/** Options of {@link readCandlesCsv}, {@link readCandlesCsvSync} and {@link parseCandlesCsv}. */
export interface ReadCandlesOptions {
  /**
   * Symbol of the series.
   * @default the file name up to its first `-` (`BTCUSDT-1h.csv` gives `BTCUSDT`)
   */
  readonly symbol?: string
  /**
   * Bar length (`1m`, `5m`, `1h`, `4h`, `1d`, `250ms`, …); also the step for gap detection.
   * Every spacing between rows must be a whole multiple of it.
   * @default inferred from the median spacing of the rows
   */
  readonly timeframe?: string
  /**
   * What to do with gaps (spacing larger than the timeframe): list them in `report.gaps`, or throw.
   * @default 'report'
   */
  readonly onGap?: 'report' | 'error'
  /**
   * What to do with a price spike (a row more than `spikeFactor` times away from the previous sane
   * close): refuse the file, or list the rows in `report.spikes` and keep them. Absurd magnitudes
   * (prices outside 1e-9..1e9, volumes above 1e15) and times that are not epoch milliseconds of
   * 2009-2100 are always refused.
   * @default 'error'
   */
  readonly onSpike?: 'report' | 'error'
  /** How far (a factor) one bar may move from the previous close before it is a spike. @default 10 */
  readonly spikeFactor?: number
}

/** A validated candle series and what was found while reading it. */
export interface CandleReadResult {
  /** The candles. */
  readonly series: CandleSeries
  /** Row count, time range, step and gaps. */
  readonly report: DataReport
}

function resolveStep(time: Float64Array, timeframe: string | undefined): number {
  if (timeframe === undefined) return medianSpacing(time)
  const ms = timeframeToMs(timeframe)
  if (ms === undefined) {
    throw new ConfigError('Invalid candle reader options', [
      { path: 'timeframe', message: `unknown timeframe "${timeframe}" (use e.g. 1m, 5m, 1h, 4h, 1d, 250ms)` },
    ])
  }
  return ms
}

/**
 * Parses candle CSV text; `source` names the file in errors and gives the default symbol.
 * @throws {DataError} listing every bad row (header, unparsable/NaN, order, duplicates, OHLC, times that are
 * not epoch ms of 2009-2100, absurd magnitudes, spikes unless `onSpike: 'report'`, spacing, and gaps with
 * `onGap: 'error'`); at most 1000 issues are listed, the last entry counts the rest.
 * @throws {ConfigError} when `options.timeframe` is not understood.
 * @example const { series } = parseCandlesCsv(text, 'BTCUSDT-1h.csv')
 */
export function parseCandlesCsv(text: string, source: string, options: ReadCandlesOptions = {}): CandleReadResult {
  const issues = new IssueCollector()
  const parsed = parseNumericCsv(text, CANDLE_CSV_HEADER, issues)
  const [openTime, open, high, low, close, volume] = parsed.columns as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ]
  const rows = { time: openTime, line: parsed.line }
  checkAscending(rows, issues)
  checkOhlc(rows, { open, high, low, close, volume }, issues)
  checkTimeRange(rows, issues)
  const spikes: DataIssue[] = []
  const onSpike = options.onSpike ?? 'error'
  checkMagnitude(
    rows,
    { open, high, low, close, volume },
    {
      magnitude: issues,
      spikes: (issue) => (onSpike === 'error' ? issues.add(issue) : spikes.push(issue)),
      factor: options.spikeFactor ?? 10,
    },
  )
  issues.throwIfAny(source)
  const stepMs = resolveStep(openTime, options.timeframe)
  if (Number.isNaN(stepMs)) {
    issues.add({
      kind: 'parse',
      line: 2,
      message: 'cannot infer the timeframe from a single row; pass options.timeframe',
    })
  } else {
    checkSpacing(rows, stepMs, issues)
  }
  issues.throwIfAny(source)
  const gaps = findGaps(openTime, stepMs)
  if (options.onGap === 'error') gapIssues(gaps, openTime, issues)
  issues.throwIfAny(source)
  const symbol = options.symbol ?? symbolFromPath(source)
  const timeframe = options.timeframe ?? timeframeLabel(stepMs)
  const report: DataReport = {
    rows: parsed.rows,
    first: openTime[0]!,
    last: openTime[parsed.rows - 1]!,
    stepMs,
    gaps,
    ...(spikes.length === 0 ? {} : { spikes }),
  }
  return { series: { symbol, timeframe, openTime, open, high, low, close, volume }, report }
}

/**
 * Reads and validates a `.csv` or `.csv.gz` candle file (gzip detected by content).
 * @throws {DataError} when the file is unreadable or has bad rows (see {@link parseCandlesCsv}).
 * @example
 * const { series, report } = await readCandlesCsv('data/BTCUSDT-1h.csv')
 * for (const g of report.gaps) console.log(new Date(g.from), '->', new Date(g.to), g.missing)
 */
export async function readCandlesCsv(path: string, options: ReadCandlesOptions = {}): Promise<CandleReadResult> {
  return parseCandlesCsv(await readCsvText(path), path, options)
}

/**
 * Synchronous twin of {@link readCandlesCsv}.
 * @throws {DataError} when the file is unreadable or has bad rows.
 * @example const { series } = readCandlesCsvSync('data/BTCUSDT-5m.csv.gz', { timeframe: '5m' })
 */
export function readCandlesCsvSync(path: string, options: ReadCandlesOptions = {}): CandleReadResult {
  return parseCandlesCsv(readCsvTextSync(path), path, options)
}
