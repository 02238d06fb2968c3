/**
 * Writes a {@link CandleSeries} in the standard candle CSV format (gzipped when the path ends in `.gz`).
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable, type Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import type { CandleSeries } from './candle-series.js'
import { CANDLE_CSV_HEADER } from './read-candles-csv.js'

const CHUNK_ROWS = 20_000

/**
 * The CSV text of rows `[from, to)`, one line per row, each ending in `\n`. Numbers are printed with
 * `String(x)` (the shortest text that parses back to the identical float64), so a write/read round trip is exact.
 */
function csvRows(s: CandleSeries, from: number, to: number): string {
  const lines: string[] = new Array<string>(to - from)
  for (let i = from; i < to; i++) {
    lines[i - from] = `${s.openTime[i]},${s.open[i]},${s.high[i]},${s.low[i]},${s.close[i]},${s.volume[i]}\n`
  }
  return lines.join('')
}

function* csvChunks(series: CandleSeries): Generator<string> {
  yield `${CANDLE_CSV_HEADER.join(',')}\n`
  const n = series.openTime.length
  for (let i = 0; i < n; i += CHUNK_ROWS) yield csvRows(series, i, Math.min(n, i + CHUNK_ROWS))
}

/**
 * Writes `series` to `path` as `open_time,open,high,low,close,volume` (gzip when `path` ends in `.gz`).
 * The file is written to a temporary name and renamed, so readers never see a partial file.
 * Values round-trip exactly through {@link readCandlesCsv}.
 * @example await writeCandlesCsv(generateCandles({ bars: 1000, seed: 1 }), '/tmp/SYNTHUSDT-1m.csv')
 */
export async function writeCandlesCsv(series: CandleSeries, path: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`
  const stages: Transform[] = path.endsWith('.gz') ? [createGzip()] : []
  try {
    await pipeline([Readable.from(csvChunks(series)), ...stages, createWriteStream(tmp)])
    await rename(tmp, path)
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined)
    throw error
  }
}
