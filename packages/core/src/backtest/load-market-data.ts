import { isAbsolute, resolve } from 'node:path'
import type { DataConfig } from '../config.js'
import { ConfigError, DataError, type DataIssue } from '../errors.js'
import { sliceSeries, type CandleSeries } from '../data/candle-series.js'
import type { DataSourceReport } from '../result.js'
import { medianSpacing, timeframeLabel } from '../data/candle-series.js'
import { loadCandles } from '../data/load-candles.js'
import { mergeByTime, type MergedIndex } from '../data/merge-by-time.js'
import { readFundingCsv, type FundingSeries } from '../data/read-funding-csv.js'

/** Candles, funding and visiting order for one run. */
export interface MarketData {
  readonly series: readonly CandleSeries[]
  readonly funding: ReadonlyMap<string, FundingSeries>
  /** Visiting order across series; undefined for a single series. */
  readonly order: MergedIndex | undefined
  readonly reports: readonly DataSourceReport[]
  /** Mark-price candles by symbol (`data.mark`), cut to the run's window. */
  readonly mark: ReadonlyMap<string, CandleSeries>
  /** Finer candles by symbol (`data.detail`), cut to the run's window, with the strategy bar's duration. */
  readonly detail: ReadonlyMap<string, { readonly series: CandleSeries; readonly stepMs: number }>
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
  checkFundingCovers(funding, series)
  const detail = await loadDetail(data, { ...options, series, from, to })
  const mark = await loadMark(data, { ...options, series, from, to })
  const reports: DataSourceReport[] = picked.map((l, i) => ({
    kind: 'candles' as const,
    symbol: l.series.symbol,
    file: files[loaded.indexOf(l)] as string,
    timeframe: l.series.timeframe,
    rows: l.series.openTime.length,
    used: (series[i] as CandleSeries).openTime.length,
    gaps: l.report.gaps,
    fromCache: l.fromCache,
    ...(l.cacheIssue === undefined ? {} : { cacheIssue: l.cacheIssue }),
  }))
  for (const f of funding.values()) reports.push(f.report)
  for (const d of detail.values()) reports.push(d.report)
  for (const m of mark.values()) reports.push(m.report)
  // Report only the gaps inside the run's window: a gap before `from` does not affect this run.
  const lo = from ?? Number.NEGATIVE_INFINITY
  const hi = to ?? Number.POSITIVE_INFINITY
  const inWindow = reports.map((r) => ({ ...r, gaps: r.gaps.filter((g) => g.to > lo && g.from < hi) }))
  const nonEmpty = series.filter((s) => s.openTime.length > 0)
  const fundingSeries = new Map([...funding].map(([symbol, f]) => [symbol, f.series]))
  return {
    series: nonEmpty,
    funding: fundingSeries,
    order: nonEmpty.length > 1 ? mergeByTime(nonEmpty) : undefined,
    reports: inWindow,
    detail: new Map([...detail].map(([symbol, d]) => [symbol, { series: d.series, stepMs: d.stepMs }])),
    mark: new Map([...mark].map(([symbol, m]) => [symbol, m.series])),
  }
}

/**
 * A funding file whose times do not reach into the candles' window would charge no funding at all,
 * silently (a `--data` run on another period keeping the config's funding file): that is an error.
 * A file that covers part of the window is fine (its gaps are reported).
 * @throws {DataError} (`time-range`) naming the file's span and the candles' span.
 */
function checkFundingCovers(
  funding: ReadonlyMap<string, { series: FundingSeries; report: DataSourceReport }>,
  series: readonly CandleSeries[],
): void {
  const issues: DataIssue[] = []
  const files: string[] = []
  for (const s of series) {
    const f = funding.get(s.symbol)
    const n = s.openTime.length
    if (f === undefined || n === 0) continue
    const t = f.series.time
    const first = s.openTime[0] as number
    const last = s.openTime[n - 1] as number
    if (t.length > 0 && (t[t.length - 1] as number) >= first && (t[0] as number) <= last) continue
    const span = t.length === 0 ? 'no rows' : `${iso(t[0] as number)} .. ${iso(t[t.length - 1] as number)}`
    files.push(f.report.file)
    issues.push({
      kind: 'time-range',
      message:
        `${f.report.file} (${s.symbol}, ${span}) does not overlap the candles (${iso(first)} .. ${iso(last)}): ` +
        'give the funding file of this period (with --data, put <SYMBOL>-funding-8h.csv beside the candles or in funding/)',
    })
  }
  if (issues.length > 0) throw new DataError(files.join(', '), issues)
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/**
 * Loads `data.mark`: one mark-price series per strategy symbol, cut to the window.
 * @throws {ConfigError} for a mark file of a symbol without strategy candles or a second file for one symbol.
 * @throws {DataError} for a mark file that does not overlap the candles.
 */
async function loadMark(
  data: DataConfig,
  options: LoadMarketDataOptions & { series: readonly CandleSeries[]; from?: number; to?: number },
): Promise<Map<string, { series: CandleSeries; report: DataSourceReport }>> {
  const specs = data.mark === undefined ? [] : Array.isArray(data.mark) ? data.mark : [data.mark]
  const out = new Map<string, { series: CandleSeries; report: DataSourceReport }>()
  for (const [i, spec] of specs.entries()) {
    const file = absolute(options.baseDir, spec)
    const path = Array.isArray(data.mark) ? `data.mark.${i}` : 'data.mark'
    const found = await loadBeside({ file, path, what: 'Mark' }, data, options)
    if (found === undefined) continue
    const { loaded, strategy } = found
    const symbol = loaded.series.symbol
    if (out.has(symbol)) throw new ConfigError('Two mark files for one symbol', [{ path, message: symbol }])
    const series = sliceSeries(loaded.series, options.from, options.to)
    const covered = coveredBars(strategy, series, stepOf(strategy))
    if (covered === 0 && strategy.openTime.length > 0) {
      throw new DataError(file, [
        { kind: 'time-range', message: `${path}: no ${symbol} mark candle falls on the run's candles` },
      ])
    }
    out.set(symbol, {
      series,
      report: {
        kind: 'mark',
        symbol,
        file,
        timeframe: loaded.series.timeframe,
        rows: loaded.series.openTime.length,
        used: series.openTime.length,
        gaps: loaded.report.gaps,
        fromCache: loaded.fromCache,
        coveredBars: covered,
      },
    })
  }
  return out
}

/**
 * Loads `data.detail`: one finer series per strategy symbol, cut to the window, whose spacing divides
 * the strategy's.
 * @throws {ConfigError} for a detail file of a symbol without strategy candles, a second file for one
 * symbol, or a timeframe that is not finer than (and a divisor of) the strategy timeframe.
 */
async function loadDetail(
  data: DataConfig,
  options: LoadMarketDataOptions & { series: readonly CandleSeries[]; from?: number; to?: number },
): Promise<Map<string, { series: CandleSeries; stepMs: number; report: DataSourceReport }>> {
  const specs = data.detail === undefined ? [] : Array.isArray(data.detail) ? data.detail : [data.detail]
  const out = new Map<string, { series: CandleSeries; stepMs: number; report: DataSourceReport }>()
  for (const [i, spec] of specs.entries()) {
    const file = absolute(options.baseDir, spec)
    const path = Array.isArray(data.detail) ? `data.detail.${i}` : 'data.detail'
    const found = await loadBeside({ file, path, what: 'Detail' }, data, options)
    if (found === undefined) continue
    const { loaded, strategy } = found
    const symbol = loaded.series.symbol
    if (out.has(symbol)) {
      throw new ConfigError('Two detail files for one symbol', [{ path, message: `${symbol} already has detail` }])
    }
    const step = stepOf(strategy)
    const detailStep = loaded.report.stepMs
    if (!(detailStep > 0 && detailStep < step && step % detailStep === 0)) {
      throw new ConfigError('Detail timeframe does not fit the strategy timeframe', [
        {
          path,
          message: `${symbol}: detail every ${timeframeLabel(detailStep)} must be finer than and divide ${timeframeLabel(step)}`,
        },
      ])
    }
    const series = sliceSeries(loaded.series, options.from, options.to)
    out.set(symbol, {
      series,
      stepMs: step,
      report: {
        kind: 'detail',
        symbol,
        file,
        timeframe: loaded.series.timeframe,
        rows: loaded.series.openTime.length,
        used: series.openTime.length,
        gaps: loaded.report.gaps,
        fromCache: loaded.fromCache,
        coveredBars: coveredBars(strategy, series, step),
        ...(loaded.cacheIssue === undefined ? {} : { cacheIssue: loaded.cacheIssue }),
      },
    })
  }
  return out
}

/**
 * Loads a file of candles that go with the strategy candles (detail or mark) and finds the strategy
 * series of its symbol; undefined when `data.symbols` filtered that symbol out.
 * @throws {ConfigError} for a symbol without strategy candles.
 */
async function loadBeside(
  at: { file: string; path: string; what: 'Detail' | 'Mark' },
  data: DataConfig,
  options: LoadMarketDataOptions & { series: readonly CandleSeries[] },
): Promise<{ loaded: Awaited<ReturnType<typeof loadCandles>>; strategy: CandleSeries } | undefined> {
  const loaded = await loadCandles(at.file, {
    cache: data.cache,
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
  })
  const symbol = loaded.series.symbol
  const strategy = options.series.find((s) => s.symbol === symbol)
  if (strategy !== undefined) return { loaded, strategy }
  if (data.symbols !== undefined) return undefined // filtered out with its strategy candles
  throw new ConfigError(`${at.what} candles without strategy candles`, [
    { path: at.path, message: `${symbol} (${at.file}) has no candles in data.candles` },
  ])
}

/** Spacing of a strategy series (1h when it has fewer than two candles). */
function stepOf(series: CandleSeries): number {
  return series.openTime.length > 1 ? medianSpacing(series.openTime) : 3_600_000
}

/** Strategy bars with at least one detail candle inside `[openTime, openTime + step)`. */
function coveredBars(strategy: CandleSeries, detail: CandleSeries, step: number): number {
  let covered = 0
  let j = 0
  const n = detail.openTime.length
  for (let i = 0; i < strategy.openTime.length; i++) {
    const t = strategy.openTime[i] as number
    while (j < n && (detail.openTime[j] as number) < t) j++
    if (j < n && (detail.openTime[j] as number) < t + step) covered++
  }
  return covered
}

async function loadFunding(
  spec: string | string[] | undefined,
  baseDir: string,
): Promise<Map<string, { series: FundingSeries; report: DataSourceReport }>> {
  const files = spec === undefined ? [] : Array.isArray(spec) ? spec : [spec]
  const out = new Map<string, { series: FundingSeries; report: DataSourceReport }>()
  for (const spec of files) {
    const file = absolute(baseDir, spec)
    const f = await readFundingCsv(file)
    const report: DataSourceReport = {
      kind: 'funding',
      symbol: f.symbol,
      file,
      timeframe: timeframeLabel(f.report.stepMs),
      rows: f.report.rows,
      used: f.report.rows,
      gaps: f.report.gaps,
      fromCache: false,
    }
    out.set(f.symbol, { series: f, report })
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
