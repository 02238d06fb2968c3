import { isAbsolute, resolve } from 'node:path'
import type { DataConfig } from '../config.js'
import { ConfigError } from '../errors.js'
import { sliceSeries, type CandleSeries } from '../data/candle-series.js'
import type { Gap } from '../data/find-gaps.js'
import { loadCandles } from '../data/load-candles.js'
import { mergeByTime, type MergedIndex } from '../data/merge-by-time.js'
import { readFundingCsv, type FundingSeries } from '../data/read-funding-csv.js'

/** What was loaded from one candle file (shown in reports: gaps are reported, never filled). */
export interface DataSourceReport {
  readonly symbol: string
  readonly file: string
  readonly timeframe: string
  /** Rows in the file. */
  readonly rows: number
  /** Rows used after the symbol and time filters. */
  readonly used: number
  readonly gaps: readonly Gap[]
  readonly fromCache: boolean
  /** Why the cache was not used, when it was not. */
  readonly cacheIssue?: string
}

/** Candles, funding and visiting order for one run. */
export interface MarketData {
  readonly series: readonly CandleSeries[]
  readonly funding: ReadonlyMap<string, FundingSeries>
  /** Visiting order across series; undefined for a single series. */
  readonly order: MergedIndex | undefined
  readonly reports: readonly DataSourceReport[]
}

/** Options of {@link loadMarketData}. */
export interface LoadMarketDataOptions {
  /** Folder that relative paths are resolved against (the config file's folder). */
  readonly baseDir: string
  /** Folder of the binary candle cache. @default `<cwd>/.quantum/cache` */
  readonly cacheDir?: string
}

/**
 * Loads the candle and funding files of a config, applies the symbol and time filters and merges the
 * series in time order.
 * @throws {ConfigError} when a filter selects nothing or names an unknown symbol.
 * @throws {DataError} when a file is malformed.
 */
export async function loadMarketData(data: DataConfig, options: LoadMarketDataOptions): Promise<MarketData> {
  const files = (Array.isArray(data.candles) ? data.candles : [data.candles]).map((f) => absolute(options.baseDir, f))
  const loaded = await Promise.all(
    files.map((file) =>
      loadCandles(file, {
        cache: data.cache,
        ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
      }),
    ),
  )
  const wanted = data.symbols
  const unknown = (wanted ?? []).filter((s) => !loaded.some((l) => l.series.symbol === s))
  if (unknown.length > 0) {
    throw new ConfigError(
      'Unknown symbols in data.symbols',
      unknown.map((s) => ({
        path: 'data.symbols',
        message: `${s} is in none of the loaded files (${loaded.map((l) => l.series.symbol).join(', ')})`,
      })),
    )
  }
  const from = toMs(data.from)
  const to = toMs(data.to)
  const picked = loaded.filter((l) => wanted === undefined || wanted.includes(l.series.symbol))
  const series = picked.map((l) => sliceSeries(l.series, from, to))
  if (series.every((s) => s.openTime.length === 0)) {
    throw new ConfigError('No candles selected', [
      { path: 'data', message: `no candle falls in [${String(data.from ?? 'start')}, ${String(data.to ?? 'end')})` },
    ])
  }
  const funding = await loadFunding(data.funding, options.baseDir)
  const reports = picked.map((l, i) => ({
    symbol: l.series.symbol,
    file: files[loaded.indexOf(l)] as string,
    timeframe: l.series.timeframe,
    rows: l.series.openTime.length,
    used: (series[i] as CandleSeries).openTime.length,
    gaps: l.report.gaps,
    fromCache: l.fromCache,
    ...(l.cacheIssue === undefined ? {} : { cacheIssue: l.cacheIssue }),
  }))
  const nonEmpty = series.filter((s) => s.openTime.length > 0)
  return { series: nonEmpty, funding, order: nonEmpty.length > 1 ? mergeByTime(nonEmpty) : undefined, reports }
}

async function loadFunding(spec: string | string[] | undefined, baseDir: string): Promise<Map<string, FundingSeries>> {
  const files = spec === undefined ? [] : Array.isArray(spec) ? spec : [spec]
  const out = new Map<string, FundingSeries>()
  for (const file of files) {
    const f = await readFundingCsv(absolute(baseDir, file))
    out.set(f.symbol, f)
  }
  return out
}

function absolute(baseDir: string, file: string): string {
  return isAbsolute(file) ? file : resolve(baseDir, file)
}

function toMs(bound: string | number | undefined): number | undefined {
  if (bound === undefined) return undefined
  return typeof bound === 'number' ? bound : Date.parse(bound)
}
