/**
 * Text encodings of a run: JSON with non-finite numbers as strings, and the trades and equity CSV files.
 * @packageDocumentation
 */
import type { TradeRecord } from '@quantum/core'

/** `JSON.stringify` replacer: `Infinity`/`-Infinity`/`NaN` become strings, bigints strings, errors their message. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Error) return { name: value.name, message: value.message }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>)
  return value
}

/** Serializes `value` as pretty JSON, with {@link jsonReplacer}. */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, jsonReplacer, indent)
}

/** The header of `trades.csv`. */
export const TRADES_CSV_HEADER =
  'id,symbol,side,entry_time_ms,entry_time_iso,exit_time_ms,exit_time_iso,entry_price,exit_price,quantity,gross_pnl,fees,funding,net_pnl,exit_reason'

/** The header of `equity.csv` (`drawdown_pct` is a fraction of the running peak, like `maxDrawdownPct`). */
export const EQUITY_CSV_HEADER = 'time_ms,time_iso,equity,drawdown_pct'

/**
 * Rows per text chunk: about 80 KB of equity.csv, under V8's large-object size (128 KiB), so a chunk is
 * an ordinary young string that dies in the next scavenge (2,000-row chunks went to the large-object
 * space and piled up, 70 MB of them, until a full collection).
 */
const CHUNK_ROWS = 1_000

/** Quotes a CSV field when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

const DAY_MS = 86_400_000
const pad = (n: number, width: number): string => String(n).padStart(width, '0')
/** `00`..`59` and `000`..`999`, so that formatting a time of day allocates only its result. */
const TWO = Array.from({ length: 60 }, (_, i) => pad(i, 2))
const THREE = Array.from({ length: 1000 }, (_, i) => pad(i, 3))

/**
 * An ISO-8601 formatter for long ascending time series: the date part is formatted once per day and
 * the time of day by arithmetic (`toISOString` per row was most of the cost of a 1M-row equity.csv).
 */
function isoFormatter(): (ms: number) => string {
  let day = Number.NaN
  let prefix = ''
  return (ms) => {
    if (!Number.isFinite(ms)) return ''
    const d = Math.floor(ms / DAY_MS)
    if (d !== day) {
      day = d
      prefix = new Date(d * DAY_MS).toISOString().slice(0, 11)
    }
    const r = ms - d * DAY_MS
    const h = Math.floor(r / 3_600_000)
    const m = Math.floor((r % 3_600_000) / 60_000)
    const sec = Math.floor((r % 60_000) / 1000)
    return `${prefix}${TWO[h]}:${TWO[m]}:${TWO[sec]}.${THREE[r % 1000]}Z`
  }
}

function tradeRow(t: TradeRecord, iso: (ms: number) => string): string {
  return [
    t.id,
    csvField(t.symbol),
    t.side,
    t.entryTime,
    iso(t.entryTime),
    t.exitTime,
    iso(t.exitTime),
    t.entryPrice,
    t.exitPrice,
    t.quantity,
    t.grossPnl,
    t.fees,
    t.funding,
    t.netPnl,
    csvField(t.exitReason),
  ].join(',')
}

/** `trades.csv` as text chunks (header, then one row per trade). */
export function* tradesCsvChunks(trades: readonly TradeRecord[]): Generator<string> {
  yield `${TRADES_CSV_HEADER}\n`
  // Entry and exit times mostly ascend: the day-cached formatter beats toISOString per time.
  const iso = isoFormatter()
  for (let i = 0; i < trades.length; i += CHUNK_ROWS) {
    yield `${trades
      .slice(i, i + CHUNK_ROWS)
      .map((t) => tradeRow(t, iso))
      .join('\n')}\n`
  }
}

/** Drawdown of each point from the running peak, as a fraction (0.1 = 10% below the peak). */
export function drawdownSeries(equity: Float64Array): Float64Array {
  const out = new Float64Array(equity.length)
  let peak = -Infinity
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i] ?? Number.NaN
    if (e > peak) peak = e
    out[i] = peak > 0 ? (peak - e) / peak : 0
  }
  return out
}

/**
 * A formatter of ascending integer times (epoch ms) equal to `String(ms)`: the millions are formatted
 * once per 1,000 s, the rest as a small integer (`String` of a double above 2^31 costs ~200 ns).
 */
function msFormatter(): (ms: number) => string {
  let lastHigh = Number.NaN
  let highText = ''
  return (ms) => {
    if (!Number.isInteger(ms) || ms < 1e6 || ms >= 1e15) return String(ms)
    const high = Math.floor(ms / 1e6)
    if (high !== lastHigh) {
      lastHigh = high
      highText = String(high)
    }
    const low = String(ms - high * 1e6)
    return highText + '000000'.slice(low.length) + low
  }
}

/** `equity.csv` as text chunks (header, then one row per equity point). */
export function* equityCsvChunks(equity: {
  readonly time: Float64Array
  readonly equity: Float64Array
}): Generator<string> {
  yield `${EQUITY_CSV_HEADER}\n`
  const dd = drawdownSeries(equity.equity)
  const iso = isoFormatter()
  const msText = msFormatter()
  const n = equity.time.length
  // Equity and drawdown repeat while flat (and drawdown is 0 at every new peak): a repeated value reuses
  // its text, number formatting being most of the cost of a 1M-row file.
  let lastEquity = Number.NaN
  let equityText = ''
  let lastDd = Number.NaN
  let ddText = ''
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    let chunk = ''
    for (let i = start; i < Math.min(n, start + CHUNK_ROWS); i++) {
      const t = equity.time[i] ?? Number.NaN
      const e = equity.equity[i] ?? Number.NaN
      const d = dd[i] ?? Number.NaN
      if (!Object.is(e, lastEquity)) {
        lastEquity = e
        equityText = String(e)
      }
      if (!Object.is(d, lastDd)) {
        lastDd = d
        ddText = String(d)
      }
      chunk += `${msText(t)},${iso(t)},${equityText},${ddText}\n`
    }
    yield chunk
  }
}
