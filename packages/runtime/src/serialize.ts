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
 * Trades per text chunk of trades.csv: well under V8's large-object size (128 KiB), so a chunk is an
 * ordinary young string that dies in the next scavenge (larger chunks went to the large-object space
 * and piled up until a full collection).
 */
const CHUNK_ROWS = 1_000

/** Quotes a CSV field when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value
}

const DAY_MS = 86_400_000
/** Size of each of the two buffers {@link equityCsvBytes} fills in turn. */
const EQUITY_BUFFER_BYTES = 64 * 1024
/** Room left for one more row before a buffer is handed over (a row takes at most ~110 bytes). */
const ROW_ROOM = 256
const COMMA = 44
const NEWLINE = 10

/** Writes ASCII `text` at `at`; returns the offset after it. */
function putText(buf: Uint8Array, at: number, text: string): number {
  for (let k = 0; k < text.length; k++) buf[at + k] = text.charCodeAt(k)
  return at + text.length
}

/** Writes `value` (an integer in [0, 1e15)) in decimal at `at`; returns the offset after it. */
function putInteger(buf: Uint8Array, at: number, value: number): number {
  let digits = 1
  for (let p = 10; p <= value; p *= 10) digits++
  for (let k = at + digits - 1, v = value; k >= at; k--) {
    const q = Math.floor(v / 10)
    buf[k] = 48 + (v - q * 10)
    v = q
  }
  return at + digits
}

/** Writes `value` (an integer in [0, 100)) as two digits at `at`; returns the offset after them. */
function putTwo(buf: Uint8Array, at: number, value: number): number {
  buf[at] = 48 + Math.floor(value / 10)
  buf[at + 1] = 48 + (value % 10)
  return at + 2
}

/** Writes `value` (an integer in [0, 1000)) as three digits at `at`; returns the offset after them. */
function putThree(buf: Uint8Array, at: number, value: number): number {
  buf[at] = 48 + Math.floor(value / 100)
  return putTwo(buf, at + 1, value % 100)
}

/** The ISO-8601 date of day `day` since the epoch, with its `T` (`2020-01-31T`). */
function datePrefix(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 11)
}

/**
 * Writes ISO-8601 times (as `toISOString` gives them; nothing for a time that is not finite) into
 * bytes, for long ascending series: the date is formatted once per day and the time of day by
 * arithmetic (`toISOString` per row was most of the cost of a 1M-row equity.csv).
 */
function isoWriter(): (buf: Uint8Array, at: number, ms: number) => number {
  let day = Number.NaN
  let dayText = ''
  return (buf, at, ms) => {
    if (!Number.isFinite(ms)) return at
    const d = Math.floor(ms / DAY_MS)
    if (d !== day) {
      day = d
      dayText = datePrefix(d)
    }
    const r = ms - d * DAY_MS
    at = putText(buf, at, dayText)
    at = putTwo(buf, at, Math.floor(r / 3_600_000))
    buf[at++] = 58 // ':'
    at = putTwo(buf, at, Math.floor((r % 3_600_000) / 60_000))
    buf[at++] = 58
    at = putTwo(buf, at, Math.floor((r % 60_000) / 1000))
    buf[at++] = 46 // '.'
    at = putThree(buf, at, Math.floor(r % 1000))
    buf[at++] = 90 // 'Z'
    return at
  }
}

/** {@link isoWriter} as strings (trades.csv: two times per trade). */
function isoFormatter(): (ms: number) => string {
  const write = isoWriter()
  const scratch = Buffer.alloc(64)
  return (ms) => scratch.toString('latin1', 0, write(scratch, 0, ms))
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

/** Drawdown of `equity` from the running `peak`, as a fraction (0 while the peak is not positive). */
function drawdownFrom(peak: number, equity: number): number {
  return peak > 0 ? (peak - equity) / peak : 0
}

/** Drawdown of each point from the running peak, as a fraction (0.1 = 10% below the peak). */
export function drawdownSeries(equity: Float64Array): Float64Array {
  const out = new Float64Array(equity.length)
  let peak = -Infinity
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i] ?? Number.NaN
    if (e > peak) peak = e
    out[i] = drawdownFrom(peak, e)
  }
  return out
}

/**
 * `equity.csv` (header, then one row per equity point) as bytes, in two buffers filled in turn: a yielded
 * buffer is left alone until the generator has been resumed twice, so a writer may still be writing it
 * while the next one fills (what {@link writeFileAtomic} does). Built as text, a 1M-row file made
 * ~300 MB of strings, and the chunks held across writes were promoted: ~50 MB more resident memory and,
 * on the benchmark machine, over a second. The bytes are those of `String` for every number, and of
 * `toISOString` for the time.
 */
export function* equityCsvBytes(equity: {
  readonly time: Float64Array
  readonly equity: Float64Array
}): Generator<Buffer> {
  const buffers = [Buffer.allocUnsafe(EQUITY_BUFFER_BYTES), Buffer.allocUnsafe(EQUITY_BUFFER_BYTES)]
  let buf = buffers[0]!
  let at = putText(buf, 0, `${EQUITY_CSV_HEADER}\n`)
  const n = equity.time.length
  // Equity and drawdown repeat while flat (and drawdown is 0 at every new peak): a repeated value reuses
  // its text, number formatting being most of the cost of a 1M-row file.
  let lastEquity = Number.NaN
  let equityText = ''
  let lastDd = Number.NaN
  let ddText = ''
  const iso = isoWriter()
  let peak = -Infinity
  for (let i = 0; i < n; i++) {
    if (at > EQUITY_BUFFER_BYTES - ROW_ROOM) {
      yield buf.subarray(0, at)
      buf = buf === buffers[0] ? buffers[1]! : buffers[0]!
      at = 0
    }
    const t = equity.time[i]!
    const e = equity.equity[i]!
    if (e > peak) peak = e
    const d = drawdownFrom(peak, e)
    at = Number.isInteger(t) && t >= 0 && t < 1e15 ? putInteger(buf, at, t) : putText(buf, at, String(t))
    buf[at++] = COMMA
    at = iso(buf, at, t)
    buf[at++] = COMMA
    if (!Object.is(e, lastEquity)) {
      lastEquity = e
      equityText = String(e)
    }
    at = putText(buf, at, equityText)
    buf[at++] = COMMA
    if (!Object.is(d, lastDd)) {
      lastDd = d
      ddText = String(d)
    }
    at = putText(buf, at, ddText)
    buf[at++] = NEWLINE
  }
  yield buf.subarray(0, at)
}

/** `equity.csv` as text chunks: {@link equityCsvBytes}, decoded. */
export function* equityCsvChunks(equity: {
  readonly time: Float64Array
  readonly equity: Float64Array
}): Generator<string> {
  for (const bytes of equityCsvBytes(equity)) yield bytes.toString('latin1')
}
