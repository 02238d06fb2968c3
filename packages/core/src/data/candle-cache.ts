/**
 * Internal binary cache format for parsed candle files, read back without copying.
 *
 * Layout (little-endian): `QTCANDLE` (8 bytes) · format version (u32) · JSON header length (u32) ·
 * JSON header (UTF-8) · zero padding to a multiple of 8 · six float64 columns of `rows` values each
 * (openTime, open, high, low, close, volume).
 * @packageDocumentation
 */
import { endianness } from 'node:os'
import type { CandleSeries } from './candle-series.js'
import type { DataReport, Gap } from './find-gaps.js'

/** Bumped whenever the layout or the meaning of a field changes; older files are rebuilt. */
export const CANDLE_CACHE_VERSION = 2
const MAGIC = 'QTCANDLE'
const PREFIX = 16
const COLUMNS = ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const

/** What a cache file must match to be used: the source file's identity and the reader options. */
export interface CacheKey {
  /** Absolute path of the CSV file. */
  readonly path: string
  /** Its size in bytes. */
  readonly size: number
  /** Its modification time (ms, as `fs.stat` reports it). */
  readonly mtimeMs: number
  /** The `timeframe` option the file was read with (`null` when inferred). */
  readonly timeframe: string | null
}

interface CacheHeader {
  readonly magic: string
  readonly version: number
  readonly endian: 'LE' | 'BE'
  readonly key: CacheKey
  readonly symbol: string
  readonly timeframe: string
  readonly rows: number
  readonly report: DataReport
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8

/**
 * The cache file content for a parsed series, as buffers to write in order (no column is copied).
 * @example await handle.writev(encodeCandleCache(series, report, key))
 */
export function encodeCandleCache(series: CandleSeries, report: DataReport, key: CacheKey): Buffer[] {
  const rows = series.openTime.length
  const header: CacheHeader = {
    magic: MAGIC,
    version: CANDLE_CACHE_VERSION,
    endian: endianness(),
    key,
    symbol: series.symbol,
    timeframe: series.timeframe,
    rows,
    report,
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8')
  const head = Buffer.alloc(align8(PREFIX + json.length))
  head.write(MAGIC, 0, 'latin1')
  head.writeUInt32LE(CANDLE_CACHE_VERSION, 8)
  head.writeUInt32LE(json.length, 12)
  json.copy(head, PREFIX)
  const columns = COLUMNS.map((c) => Buffer.from(series[c].buffer, series[c].byteOffset, series[c].byteLength))
  return [head, ...columns]
}

function sameKey(a: CacheKey, b: CacheKey): string | undefined {
  if (a.path !== b.path) return `written for ${a.path}`
  if (a.timeframe !== b.timeframe) return `written with timeframe ${a.timeframe ?? 'auto'}`
  if (a.size !== b.size || a.mtimeMs !== b.mtimeMs) {
    return `stale: source changed (size ${a.size} -> ${b.size}, mtimeMs ${a.mtimeMs} -> ${b.mtimeMs})`
  }
  return undefined
}

function isGap(g: unknown): g is Gap {
  const x = g as Partial<Gap> | null
  return typeof x === 'object' && x !== null && [x.from, x.to, x.missing].every((v) => typeof v === 'number')
}

function parseHeader(buf: Buffer): CacheHeader | string {
  if (buf.length < PREFIX) return `truncated: ${buf.length} bytes`
  if (buf.toString('latin1', 0, 8) !== MAGIC) return 'not a candle cache file (bad magic)'
  const version = buf.readUInt32LE(8)
  if (version !== CANDLE_CACHE_VERSION) return `format version ${version}, expected ${CANDLE_CACHE_VERSION}`
  const length = buf.readUInt32LE(12)
  if (PREFIX + length > buf.length) return `truncated: header needs ${PREFIX + length} bytes, file has ${buf.length}`
  let h: Partial<CacheHeader>
  try {
    h = JSON.parse(buf.toString('utf8', PREFIX, PREFIX + length)) as Partial<CacheHeader>
  } catch {
    return 'corrupt header (invalid JSON)'
  }
  const ok =
    h.magic === MAGIC &&
    typeof h.symbol === 'string' &&
    typeof h.timeframe === 'string' &&
    Number.isInteger(h.rows) &&
    typeof h.key === 'object' &&
    h.key !== null &&
    typeof h.report === 'object' &&
    h.report !== null &&
    Array.isArray(h.report.gaps) &&
    h.report.gaps.every(isGap)
  return ok ? (h as CacheHeader) : 'corrupt header (missing fields)'
}

function copyToArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(bytes.byteLength)
  new Uint8Array(out).set(bytes)
  return out
}

/** A series read back from the cache. */
export interface DecodedCache {
  /** The candles (views into the file's buffer). */
  readonly series: CandleSeries
  /** The report stored with them. */
  readonly report: DataReport
}

/**
 * Decodes a cache file: the series and report when it is intact and matches `key`, else why it is unusable.
 * @example const hit = decodeCandleCache(await readFile(file), key); if (typeof hit === 'string') rebuild(hit)
 */
export function decodeCandleCache(buf: Buffer, key: CacheKey): DecodedCache | string {
  const header = parseHeader(buf)
  if (typeof header === 'string') return header
  if (header.endian !== endianness()) return `written on a ${header.endian} machine`
  const mismatch = sameKey(header.key, key)
  if (mismatch !== undefined) return mismatch
  const offset = align8(PREFIX + buf.readUInt32LE(12))
  const rows = header.rows
  const expected = offset + rows * 8 * COLUMNS.length
  if (buf.length !== expected) return `truncated or padded: expected ${expected} bytes, file has ${buf.length}`
  // Zero-copy when the data is 8-byte aligned in memory (the usual case); otherwise copy once.
  const aligned = (buf.byteOffset + offset) % 8 === 0
  const base = aligned ? buf.buffer : copyToArrayBuffer(buf.subarray(offset))
  const start = aligned ? buf.byteOffset + offset : 0
  const col = (i: number): Float64Array => new Float64Array(base, start + i * rows * 8, rows)
  const [openTime, open, high, low, close, volume] = [col(0), col(1), col(2), col(3), col(4), col(5)]
  if (rows > 0 && (openTime[0] !== header.report.first || openTime[rows - 1] !== header.report.last)) {
    return 'corrupt data (first/last open time differ from the header)'
  }
  const series = { symbol: header.symbol, timeframe: header.timeframe, openTime, open, high, low, close, volume }
  return { series, report: header.report }
}
