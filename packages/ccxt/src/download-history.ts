/**
 * History download through ccxt: OHLCV candles (`fetchOHLCV`), mark-price candles (`fetchOHLCV` with
 * `price: 'mark'`) and funding rates (`fetchFundingRateHistory`) of Binance USD-M symbols, written in the
 * layout the SDK reads (`<dir>/BTCUSDT-1h.csv`, `<dir>/mark/BTCUSDT-1h-mark.csv`,
 * `<dir>/funding/BTCUSDT-funding-8h.csv`). Incremental and resumable: a file already there is extended
 * (before its first row and after its last), and pages are saved as they come, so an interrupted download
 * goes on from its last saved row. Every row is validated before it is written.
 * @packageDocumentation
 */
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import {
  DataError,
  QuantumError,
  readCandlesCsv,
  readFundingCsv,
  writeCandlesCsv,
  type CandleSeries,
  type Gap,
} from '@quantum/core'
import { writeFundingCsv } from './write-funding-csv.js'
import { candleRowsOf, fundingRowsOf, type FundingRow, type HistoryClient } from './history-rows.js'
import { intervalMs } from './kline-feed.js'
import { listedMarkets } from './markets.js'
import type { UsdmParams } from './client.js'

export type { HistoryClient } from './history-rows.js'

/** What can be downloaded: trade candles, mark-price candles, funding-rate history. */
export type DownloadKind = 'candles' | 'mark' | 'funding'

/** Every {@link DownloadKind}. */
export const DOWNLOAD_KINDS: readonly DownloadKind[] = ['candles', 'mark', 'funding']

/** Input of {@link downloadHistory}. */
export interface DownloadInput {
  readonly client: HistoryClient
  /** The data folder (created when missing). */
  readonly dir: string
  /** Binance ids, e.g. `BTCUSDT`. */
  readonly symbols: readonly string[]
  /** Candle timeframe, e.g. `1h`. */
  readonly timeframe: string
  /** First time wanted, epoch ms. */
  readonly from: number
  /** End of the range, epoch ms, exclusive. */
  readonly to: number
  /** What to download. @default every kind */
  readonly kinds?: readonly DownloadKind[]
  /** The venue's time, epoch ms: candles not closed by then are never written. @default Date.now */
  readonly now?: () => number
  /** Rows asked per request. @default 1000 */
  readonly pageLimit?: number
  /** Pages between two saves of the file. @default 20 */
  readonly savePages?: number
  /** Called after every page. */
  readonly onProgress?: (progress: DownloadProgress) => void
}

/** One page fetched. */
export interface DownloadProgress {
  readonly symbol: string
  readonly kind: DownloadKind
  /** Rows fetched so far for this file in this run. */
  readonly rows: number
  /** Time of the last row fetched, epoch ms. */
  readonly last: number
}

/** What became of one file. */
export interface DownloadFileReport {
  readonly symbol: string
  readonly kind: DownloadKind
  readonly path: string
  /** `complete`: the range is there without holes; `gaps`: written, with holes the venue answered; `failed`: see `error`. */
  readonly status: 'complete' | 'gaps' | 'failed'
  /** Rows in the file before this run. */
  readonly rowsBefore: number
  /** Rows the file gained. */
  readonly rowsAdded: number
  /** Rows in the file now. */
  readonly rows: number
  /** Holes in the file after this run (larger than one step; funding: 1.5 of its interval). */
  readonly gaps: readonly Gap[]
  /** Why the file failed (the error's name and message); what was fetched before it is saved. */
  readonly error?: { readonly name: string; readonly message: string }
}

/** What {@link downloadHistory} did. */
export interface DownloadReport {
  readonly files: readonly DownloadFileReport[]
  /** Files with status `failed`. */
  readonly failed: number
}

/** The file of `symbol`'s `kind` in `dir`, in the layout the SDK reads. */
export function historyPath(dir: string, file: { symbol: string; kind: DownloadKind; timeframe: string }): string {
  const { symbol, kind, timeframe } = file
  if (kind === 'candles') return join(dir, `${symbol}-${timeframe}.csv`)
  if (kind === 'mark') return join(dir, 'mark', `${symbol}-${timeframe}-mark.csv`)
  return join(dir, 'funding', `${symbol}-funding-8h.csv`)
}

/**
 * Downloads candles, mark-price candles and funding rates of `symbols` over `[from, to)` into `dir`. A
 * file that fails (network, venue error, malformed answer) keeps what was fetched before the failure and
 * is reported `failed`; the others go on. Running it again resumes.
 * @throws {ConfigError} for symbols the venue does not list or a timeframe Binance has no klines of; {@link DataError} for a bad range.
 * @example await downloadHistory({ client, dir: 'data', symbols: ['BTCUSDT'], timeframe: '1h', from, to })
 */
export async function downloadHistory(input: DownloadInput): Promise<DownloadReport> {
  if (!(input.from < input.to))
    throw new DataError('download range', [
      { kind: 'time-range', message: `from (${input.from}) must be before to (${input.to})` },
    ])
  intervalMs(input.timeframe)
  const markets = await listedMarkets(input.client, input.symbols)
  const files: DownloadFileReport[] = []
  for (const symbol of input.symbols) {
    const unified = markets.unified.get(symbol)!
    for (const kind of input.kinds ?? DOWNLOAD_KINDS) files.push(await downloadFile(input, { symbol, unified, kind }))
  }
  return { files, failed: files.filter((f) => f.status === 'failed').length }
}

interface Target {
  readonly symbol: string
  readonly unified: string
  readonly kind: DownloadKind
}

/** Time-keyed rows of one file, merged as they come. */
interface Rows<R> {
  readonly byTime: Map<number, R>
  readonly timeOf: (row: R) => number
}

async function downloadFile(input: DownloadInput, target: Target): Promise<DownloadFileReport> {
  const path = historyPath(input.dir, { ...target, timeframe: input.timeframe })
  await mkdir(dirname(path), { recursive: true })
  if (target.kind === 'funding') return fetchFile(input, { ...target, path }, fundingFile())
  return fetchFile(input, { ...target, path }, candleFile(input.timeframe, target.kind === 'mark'))
}

/** How one kind of file is read, fetched, written and checked. */
interface FileKind<R> {
  /** The step between rows (funding: 1 ms, the next page starts right after the last event). */
  readonly stepMs: number
  /** Rows asked per request (a shorter answer is the venue's last page). */
  limit(input: DownloadInput): number
  read(path: string, symbol: string): Promise<R[]>
  fetch(input: DownloadInput, target: Target, since: number): Promise<R[]>
  readonly timeOf: (row: R) => number
  write(rows: readonly R[], path: string, symbol: string): Promise<void>
  /** Reads the written file back (validating it) and lists its gaps. */
  gaps(path: string, symbol: string): Promise<readonly Gap[]>
}

type CandleRow = readonly [number, number, number, number, number, number]

function candleFile(timeframe: string, mark: boolean): FileKind<CandleRow> {
  const stepMs = intervalMs(timeframe)
  return {
    stepMs,
    limit: (input) => input.pageLimit ?? 1000,
    read: async (path, symbol) => {
      const { series } = await readCandlesCsv(path, { symbol, timeframe, onSpike: 'report' })
      const { open, high, low, close, volume } = series
      return Array.from(series.openTime, (t, i): CandleRow => [t, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!])
    },
    fetch: async (input, target, since) => {
      const params: UsdmParams = mark ? { price: 'mark' } : {}
      const raw = await input.client.fetchOHLCV(target.unified, timeframe, since, input.pageLimit ?? 1000, params)
      return candleRowsOf(raw, `${target.symbol} ${mark ? 'mark ' : ''}${timeframe} candles`)
    },
    timeOf: (row) => row[0],
    write: (rows, path, symbol) => writeCandlesCsv(seriesOf(rows, symbol, timeframe), path),
    gaps: async (path, symbol) => (await readCandlesCsv(path, { symbol, timeframe, onSpike: 'report' })).report.gaps,
  }
}

function fundingFile(): FileKind<FundingRow> {
  return {
    stepMs: 1,
    limit: (input) => Math.min(input.pageLimit ?? 1000, 1000),
    read: async (path, symbol) => {
      const f = await readFundingCsv(path, { symbol })
      return Array.from(f.time, (t, i): FundingRow => [t, f.rate[i]!])
    },
    fetch: async (input, target, since) => {
      const raw = await input.client.fetchFundingRateHistory(
        target.unified,
        since,
        Math.min(input.pageLimit ?? 1000, 1000),
      )
      return fundingRowsOf(raw, `${target.symbol} funding rates`)
    },
    timeOf: (row) => row[0],
    write: (rows, path) => writeFundingCsv(rows, path),
    gaps: async (path, symbol) => (await readFundingCsv(path, { symbol })).report.gaps,
  }
}

function seriesOf(rows: readonly CandleRow[], symbol: string, timeframe: string): CandleSeries {
  const col = (k: number): Float64Array => Float64Array.from(rows, (r) => r[k]!)
  return { symbol, timeframe, openTime: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) }
}

async function fetchFile<R>(
  input: DownloadInput,
  target: Target & { readonly path: string },
  kind: FileKind<R>,
): Promise<DownloadFileReport> {
  const { path } = target
  const rows: Rows<R> = { byTime: new Map(), timeOf: kind.timeOf }
  const base = { symbol: target.symbol, kind: target.kind, path }
  let before: R[] = []
  try {
    if (existsSync(path)) before = await kind.read(path, target.symbol)
  } catch (error) {
    // A file that does not read back is left as it is: overwriting it could lose rows nobody can fetch again.
    return { ...base, status: 'failed', rowsBefore: 0, rowsAdded: 0, rows: 0, gaps: [], error: described(error) }
  }
  for (const r of before) rows.byTime.set(kind.timeOf(r), r)
  const save = async (): Promise<void> => {
    const all = [...rows.byTime.values()].sort((a, b) => kind.timeOf(a) - kind.timeOf(b))
    if (all.length > 0) await kind.write(all, path, target.symbol)
  }
  let error: unknown
  try {
    for (const [a, b] of missingRanges(input, before.map(kind.timeOf), kind.stepMs))
      await fetchRange(input, { target, kind, rows, save }, [a, b])
  } catch (e) {
    error = e
  }
  try {
    await save()
  } catch (e) {
    error ??= e
  }
  const count = rows.byTime.size
  const counts = { rowsBefore: before.length, rowsAdded: count - before.length, rows: count }
  if (error !== undefined) return { ...base, status: 'failed', ...counts, gaps: [], error: described(error) }
  const gaps = count === 0 ? [] : await kind.gaps(path, target.symbol)
  return { ...base, status: gaps.length === 0 ? 'complete' : 'gaps', ...counts, gaps }
}

/** The ranges `[a, b)` of `[from, to)` a file with rows at `times` lacks: before its first row and after its last. */
function missingRanges(input: DownloadInput, times: readonly number[], stepMs: number): [number, number][] {
  if (times.length === 0) return [[input.from, input.to]]
  const first = times[0]!
  const last = times[times.length - 1]!
  const ranges: [number, number][] = []
  if (input.from < first) ranges.push([input.from, Math.min(first, input.to)])
  if (last + stepMs < input.to) ranges.push([Math.max(last + stepMs, input.from), input.to])
  return ranges
}

interface RangeJob<R> {
  readonly target: Target
  readonly kind: FileKind<R>
  readonly rows: Rows<R>
  readonly save: () => Promise<void>
}

/** Pages through `[a, b)`, keeping rows closed by the venue's now, saving every `savePages` pages. */
async function fetchRange<R>(input: DownloadInput, job: RangeJob<R>, [a, b]: [number, number]): Promise<void> {
  const { kind, rows } = job
  const now = input.now ?? Date.now
  const candles = job.target.kind !== 'funding'
  let since = a
  let fetched = 0
  for (let page = 1; since < b; page++) {
    const got = await kind.fetch(input, job.target, since)
    const short = got.length < kind.limit(input)
    const end = Math.min(b, candles ? now() - kind.stepMs + 1 : now() + 1)
    const kept = got.filter((r) => kind.timeOf(r) >= since && kind.timeOf(r) < end)
    for (const r of kept) rows.byTime.set(kind.timeOf(r), r)
    fetched += kept.length
    if (kept.length === 0) return
    const last = kind.timeOf(kept[kept.length - 1]!)
    input.onProgress?.({ symbol: job.target.symbol, kind: job.target.kind, rows: fetched, last })
    if (short) return
    since = last + kind.stepMs
    if (page % (input.savePages ?? 20) === 0) await job.save()
  }
}

function described(error: unknown): { name: string; message: string } {
  if (error instanceof QuantumError || error instanceof Error) return { name: error.name, message: error.message }
  return { name: 'Error', message: String(error) }
}
