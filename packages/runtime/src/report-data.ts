/**
 * The chart data embedded in `report.html`, reduced so that a million bars still make a small, fast file:
 * candles aggregated (OHLC) to at most `maxCandles`, the equity curve to at most `maxEquityPoints`
 * (keeping each bucket's low, high and deepest drawdown), and at most `maxMarkers` trade markers.
 * @packageDocumentation
 */
import type { BacktestResult, ResultSeries, TradeRecord } from '@quantum/core'
import { drawdownSeries } from './serialize.js'

/** Size limits of the embedded chart data. */
export interface ReportLimits {
  /** Candles per symbol after aggregation. @default 1500 */
  readonly maxCandles?: number
  /** Points of the equity and drawdown curves. @default 3000 */
  readonly maxEquityPoints?: number
  /** Trade markers on the candle chart (evenly sampled when there are more trades). @default 1000 */
  readonly maxMarkers?: number
}

/** Candles of one symbol, column-wise; each candle aggregates `barsPerCandle` bars. */
export interface CandleData {
  readonly symbol: string
  readonly timeframe: string
  readonly barsPerCandle: number
  readonly t: number[]
  readonly o: number[]
  readonly h: number[]
  readonly l: number[]
  readonly c: number[]
}

/** A trade marker: `[symbolIndex, side (1 long, -1 short), entryTime, entryPrice, exitTime, exitPrice, netPnl, id]`. */
export type MarkerData = [number, number, number, number, number, number, number, number]

/** Everything the report script draws. */
export interface ReportData {
  readonly equity: { readonly t: number[]; readonly e: number[]; readonly dd: number[] }
  readonly candles: CandleData[]
  readonly markers: MarkerData[]
  readonly tradesTotal: number
  readonly startBalance: number
}

/** Rounds to 8 significant digits (prices, amounts): plenty for a chart, much shorter JSON. */
function sig(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(8)) : 0
}

/** Aggregates a series to at most `max` candles (first open, highest high, lowest low, last close). */
export function aggregateCandles(series: ResultSeries, max: number): CandleData {
  const n = series.openTime.length
  const k = Math.max(1, Math.ceil(n / Math.max(1, max)))
  const out: CandleData = {
    symbol: series.symbol,
    timeframe: series.timeframe,
    barsPerCandle: k,
    t: [],
    o: [],
    h: [],
    l: [],
    c: [],
  }
  for (let start = 0; start < n; start += k) {
    const end = Math.min(n, start + k)
    let high = -Infinity
    let low = Infinity
    for (let i = start; i < end; i++) {
      high = Math.max(high, series.high[i] ?? high)
      low = Math.min(low, series.low[i] ?? low)
    }
    out.t.push(series.openTime[start] ?? 0)
    out.o.push(sig(series.open[start] ?? Number.NaN))
    out.h.push(sig(high))
    out.l.push(sig(low))
    out.c.push(sig(series.close[end - 1] ?? Number.NaN))
  }
  return out
}

function extremaOfBucket(equity: Float64Array, dd: Float64Array, [start, end]: readonly [number, number]): number[] {
  let lo = start
  let hi = start
  let deep = start
  for (let i = start + 1; i < end; i++) {
    if ((equity[i] ?? 0) < (equity[lo] ?? 0)) lo = i
    if ((equity[i] ?? 0) > (equity[hi] ?? 0)) hi = i
    if ((dd[i] ?? 0) > (dd[deep] ?? 0)) deep = i
  }
  return [...new Set([start, lo, hi, deep, end - 1])].sort((a, b) => a - b)
}

/** Reduces the equity curve to at most about `max` points, keeping each bucket's extremes. */
export function reduceEquity(result: BacktestResult, max: number): ReportData['equity'] {
  const { time, equity } = result.equity
  const dd = drawdownSeries(equity)
  const n = time.length
  const perBucket = 5
  const k = Math.max(1, Math.ceil((n * perBucket) / Math.max(perBucket, max)))
  const out = { t: [] as number[], e: [] as number[], dd: [] as number[] }
  for (let start = 0; start < n; start += k) {
    const indices = k === 1 ? [start] : extremaOfBucket(equity, dd, [start, Math.min(n, start + k)])
    for (const i of indices) {
      out.t.push(time[i] ?? 0)
      out.e.push(Math.round((equity[i] ?? 0) * 100) / 100)
      out.dd.push(Math.round((dd[i] ?? 0) * 1e6) / 1e6)
    }
  }
  return out
}

/** Picks at most `max` trades, evenly spread over the run. */
export function sampleTrades(trades: readonly TradeRecord[], max: number): TradeRecord[] {
  if (trades.length <= max) return [...trades]
  const out: TradeRecord[] = []
  const step = trades.length / max
  for (let i = 0; i < max; i++) {
    const t = trades[Math.floor(i * step)]
    if (t !== undefined) out.push(t)
  }
  return out
}

/** Builds the reduced chart data of a result. */
export function buildReportData(result: BacktestResult, limits: ReportLimits = {}): ReportData {
  const candles = result.series.map((s) => aggregateCandles(s, limits.maxCandles ?? 1500))
  const index = new Map(candles.map((c, i) => [c.symbol, i]))
  const markers: MarkerData[] = []
  for (const t of sampleTrades(result.trades, limits.maxMarkers ?? 1000)) {
    const s = index.get(t.symbol)
    if (s === undefined) continue
    const side = t.side === 'LONG' ? 1 : -1
    markers.push([s, side, t.entryTime, sig(t.entryPrice), t.exitTime, sig(t.exitPrice), sig(t.netPnl), t.id])
  }
  return {
    equity: reduceEquity(result, limits.maxEquityPoints ?? 3000),
    candles,
    markers,
    tradesTotal: result.trades.length,
    startBalance: result.summary.startBalance,
  }
}

/** Serializes data for a `<script type="application/json">` block (no `</script>`, `<!--` or line separators). */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029')
}
