/**
 * Columnar candle storage: one `Float64Array` per field, so a million bars cost 48 MB and no objects.
 * @packageDocumentation
 */

/** The six candle columns, one row per bar: a {@link CandleSeries}' and a kernel `BarBlock`'s. */
export interface CandleColumns {
  /** Candle open times, epoch milliseconds UTC, strictly ascending within a symbol. */
  readonly openTime: Float64Array
  /** Open prices. */
  readonly open: Float64Array
  /** High prices. */
  readonly high: Float64Array
  /** Low prices. */
  readonly low: Float64Array
  /** Close prices. */
  readonly close: Float64Array
  /** Traded volume in the base asset. */
  readonly volume: Float64Array
}

/** A run of candles of one symbol stored column-wise; every column has the same length. */
export interface CandleSeries extends CandleColumns {
  /** Instrument name, e.g. `BTCUSDT`. */
  readonly symbol: string
  /** Bar length label, e.g. `1h`, `5m`, or `${n}ms` for unusual spacings. */
  readonly timeframe: string
}

/** One candle as a plain object (for display and tests; hot loops should read the columns). */
export type { Candle } from '../schemas.js'
import type { Candle } from '../schemas.js'
import type { MarketBar } from '../types.js'

/**
 * Bar `i` of a series as a fresh {@link MarketBar} object (for tests, tools and benchmarks; the engine
 * itself reuses one object per series).
 * @example const bar = marketBarAt(series, 0)
 */
export function marketBarAt(series: CandleSeries, i: number): MarketBar {
  const { symbol, openTime, open, high, low, close, volume } = series
  return {
    symbol,
    index: i,
    openTime: openTime[i]!,
    open: open[i]!,
    high: high[i]!,
    low: low[i]!,
    close: close[i]!,
    volume: volume[i]!,
  }
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/**
 * Number of bars in a series.
 * @example seriesLength(series) // 16080
 */
export function seriesLength(series: CandleSeries): number {
  return series.openTime.length
}

/**
 * Index of the first bar whose open time is `>= timeMs` (binary search; `length` when none is).
 * @example const i = lowerBound(series.openTime, Date.parse('2024-06-01T00:00:00Z'))
 */
export function lowerBound(openTime: Float64Array, timeMs: number): number {
  let lo = 0
  let hi = openTime.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (openTime[mid]! < timeMs) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The bars with `fromMs <= openTime < toMs`, as zero-copy views sharing memory with `series`.
 * @param fromMs - Inclusive start (epoch ms); omitted means from the first bar.
 * @param toMs - Exclusive end (epoch ms); omitted means through the last bar.
 * @example const june = sliceSeries(series, Date.UTC(2024, 5, 1), Date.UTC(2024, 6, 1))
 */
export function sliceSeries(series: CandleSeries, fromMs?: number, toMs?: number): CandleSeries {
  const start = fromMs === undefined ? 0 : lowerBound(series.openTime, fromMs)
  const end = Math.max(start, toMs === undefined ? series.openTime.length : lowerBound(series.openTime, toMs))
  return {
    symbol: series.symbol,
    timeframe: series.timeframe,
    openTime: series.openTime.subarray(start, end),
    open: series.open.subarray(start, end),
    high: series.high.subarray(start, end),
    low: series.low.subarray(start, end),
    close: series.close.subarray(start, end),
    volume: series.volume.subarray(start, end),
  }
}

/** The six price and volume fields of a candle, writable (a bar object reused across rows). */
export interface CandleFields {
  openTime: number
  open: number
  high: number
  low: number
  close: number
  volume: number
}

/**
 * Copies row `r` of `columns` into `into` (no allocation: the caller reuses one object) and returns it.
 * @example const bar = readCandleRow(series, i, scratch)
 */
export function readCandleRow<T extends CandleFields>(columns: CandleColumns, r: number, into: T): T {
  into.openTime = columns.openTime[r]!
  into.open = columns.open[r]!
  into.high = columns.high[r]!
  into.low = columns.low[r]!
  into.close = columns.close[r]!
  into.volume = columns.volume[r]!
  return into
}

/**
 * Bar `i` as a plain object, or `undefined` when `i` is not an integer in `[0, length)`.
 * @example candleAt(series, 0)?.close
 */
export function candleAt(series: CandleSeries, i: number): Candle | undefined {
  if (!Number.isInteger(i) || i < 0 || i >= series.openTime.length) return undefined
  return {
    symbol: series.symbol,
    openTime: series.openTime[i]!,
    open: series.open[i]!,
    high: series.high[i]!,
    low: series.low[i]!,
    close: series.close[i]!,
    volume: series.volume[i]!,
  }
}

/**
 * Label of a bar length in Binance notation (`1m`, `5m`, `1h`, `4h`, `1d`, …), else `${n}ms`.
 * @example timeframeLabel(3_600_000) // '1h'
 */
export function timeframeLabel(ms: number): string {
  if (!Number.isInteger(ms) || ms <= 0) return `${ms}ms`
  if (ms % DAY === 0) return `${ms / DAY}d`
  if (ms % HOUR === 0) return `${ms / HOUR}h`
  if (ms % MINUTE === 0) return `${ms / MINUTE}m`
  if (ms % 1000 === 0) return `${ms / 1000}s`
  return `${ms}ms`
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY }

/**
 * Milliseconds of a timeframe label (`1m`, `15m`, `4h`, `1d`, `1w`, `250ms`), or `undefined` if not understood.
 * Months (`1M`) are not fixed-length and are not supported.
 * @example timeframeToMs('4h') // 14_400_000
 */
export function timeframeToMs(label: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(label)
  if (match === null) return undefined
  const unit = UNIT_MS[match[2]!]
  const n = Number(match[1])
  return unit === undefined || n <= 0 ? undefined : n * unit
}

/**
 * Median spacing between consecutive times (exact, O(n) via a histogram), or `NaN` with fewer than 2 times.
 * @example medianSpacing(series.openTime) // 3_600_000
 */
export function medianSpacing(times: Float64Array): number {
  const n = times.length - 1
  if (n < 1) return Number.NaN
  const counts = new Map<number, number>()
  const add = (d: number, k: number): void => void counts.set(d, (counts.get(d) ?? 0) + k)
  // Counted by runs of equal spacings: a regular series is one map update per gap, not per bar.
  let run = Number.NaN
  let runLength = 0
  for (let i = 1; i <= n; i++) {
    const d = times[i]! - times[i - 1]!
    if (d === run) {
      runLength++
      continue
    }
    if (runLength > 0) add(run, runLength)
    run = d
    runLength = 1
  }
  add(run, runLength)
  const keys = [...counts.keys()].sort((a, b) => a - b)
  const target = Math.floor((n - 1) / 2) // lower median: always one of the observed spacings
  let seen = 0
  for (const k of keys) {
    seen += counts.get(k)!
    if (seen > target) return k
  }
  return Number.NaN
}

/**
 * Symbol taken from a file name: the part before the first `-`, after dropping `.gz` and `.csv`.
 * @example symbolFromPath('/data/BTCUSDT-1h.csv.gz') // 'BTCUSDT'
 */
export function symbolFromPath(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path
  const stem = base.replace(/\.gz$/i, '').replace(/\.csv$/i, '')
  const dash = stem.indexOf('-')
  return dash > 0 ? stem.slice(0, dash) : stem
}
