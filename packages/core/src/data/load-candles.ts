/**
 * Cached candle loading: the first load parses the CSV and writes a binary cache file; later loads of the
 * unchanged file map the cache straight into `Float64Array`s.
 * @packageDocumentation
 */
import { createHash, randomUUID } from 'node:crypto'
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import type { CandleSeries } from './candle-series.js'
import { decodeCandleCache, encodeCandleCache, type CacheKey } from './candle-cache.js'
import type { DataReport } from './find-gaps.js'
import { IssueCollector } from './issue-collector.js'
import { readCandlesCsv, type ReadCandlesOptions } from './read-candles-csv.js'
import { gapIssues } from './validate-columns.js'

/** Options of {@link loadCandles}: the reader options plus the cache settings. */
export interface LoadCandlesOptions extends ReadCandlesOptions {
  /**
   * Use the binary cache (read it when valid, write it after parsing).
   * @default true
   */
  readonly cache?: boolean
  /**
   * Folder of the cache files; created when missing.
   * @default path.join(process.cwd(), '.quantum', 'cache')
   */
  readonly cacheDir?: string
}

/** The result of {@link loadCandles}. */
export interface LoadCandlesResult {
  /** The candles. */
  readonly series: CandleSeries
  /** Row count, time range, step and gaps (stored in the cache too). */
  readonly report: DataReport
  /** True when the series came from the binary cache, false when the CSV was parsed. */
  readonly fromCache: boolean
  /** Why an existing cache file was not used or a new one not written (corrupt, stale, unwritable …). */
  readonly cacheIssue?: string
  /** The cache file used or written (absent with `cache: false`). */
  readonly cacheFile?: string
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function cacheFileFor(dir: string, absPath: string, timeframe: string | null): string {
  const hash = createHash('sha1')
    .update(`${absPath}\0${timeframe ?? ''}`)
    .digest('hex')
    .slice(0, 16)
  return join(dir, `${basename(absPath)}.${hash}.qtc`)
}

async function readCache(file: string, key: CacheKey): Promise<ReturnType<typeof decodeCandleCache> | undefined> {
  let buf: Buffer
  try {
    buf = await readFile(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    return `cannot read cache: ${describe(error)}`
  }
  return decodeCandleCache(buf, key)
}

async function writeCache(file: string, buffers: Buffer[]): Promise<string | undefined> {
  const tmp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`
  try {
    await mkdir(resolve(file, '..'), { recursive: true })
    const handle = await open(tmp, 'w')
    try {
      await handle.writev(buffers)
    } finally {
      await handle.close()
    }
    await rename(tmp, file)
    return undefined
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined)
    return `cannot write cache: ${describe(error)}`
  }
}

function finish(result: LoadCandlesResult, options: LoadCandlesOptions, source: string): LoadCandlesResult {
  if (options.onGap === 'error' && result.report.gaps.length > 0) {
    const issues = new IssueCollector()
    gapIssues(result.report.gaps, result.series.openTime, issues)
    issues.throwIfAny(source)
  }
  if (options.symbol === undefined || options.symbol === result.series.symbol) return result
  return { ...result, series: { ...result.series, symbol: options.symbol } }
}

/**
 * Loads a candle file through the binary cache. The cache is keyed by absolute path, size, mtime, the
 * `timeframe` option and the format version; a corrupt, truncated or stale cache file is reported in
 * `cacheIssue` and rebuilt from the CSV. Cache files are written to a temporary name then renamed, so a
 * crash never leaves a half-written cache; a cache that cannot be written is reported, not thrown.
 * @throws {DataError} when the CSV is unreadable or invalid (see {@link readCandlesCsv}).
 * @example
 * const { series, report, fromCache } = await loadCandles('data/BTCUSDT-5m.csv.gz')
 * if (report.gaps.length > 0) console.warn(`${report.gaps.length} gaps in ${series.symbol}`)
 */
export async function loadCandles(path: string, options: LoadCandlesOptions = {}): Promise<LoadCandlesResult> {
  const readOptions: ReadCandlesOptions = { timeframe: options.timeframe, onGap: 'report' }
  if (options.cache === false) {
    return finish({ ...(await readCandlesCsv(path, readOptions)), fromCache: false }, options, path)
  }
  const absPath = resolve(path)
  const before = await stat(absPath).catch(() => undefined)
  if (before === undefined)
    return finish({ ...(await readCandlesCsv(path, readOptions)), fromCache: false }, options, path)
  const key: CacheKey = {
    path: absPath,
    size: before.size,
    mtimeMs: before.mtimeMs,
    timeframe: options.timeframe ?? null,
  }
  const cacheFile = cacheFileFor(options.cacheDir ?? join(process.cwd(), '.quantum', 'cache'), absPath, key.timeframe)
  const cached = await readCache(cacheFile, key)
  if (cached !== undefined && typeof cached !== 'string') {
    return finish({ ...cached, fromCache: true, cacheFile }, options, path)
  }
  const { series, report } = await readCandlesCsv(path, readOptions)
  const after = await stat(absPath)
  const unchanged = after.size === before.size && after.mtimeMs === before.mtimeMs
  const writeIssue = unchanged
    ? await writeCache(cacheFile, encodeCandleCache(series, report, key))
    : 'source changed while it was read; not cached'
  const cacheIssue = [cached, writeIssue].filter((s) => s !== undefined).join('; ')
  const result = { series, report, fromCache: false, cacheFile }
  return finish(cacheIssue === '' ? result : { ...result, cacheIssue }, options, path)
}
