/**
 * The job's data step from the venue: before each training job the candle store (a folder of the SDK's
 * candle CSVs, the layout `quantum-run data download` writes) is brought up to date incrementally
 * through ccxt `fetchOHLCV` (`downloadHistory` of `@quantum/ccxt`: only the bars after the newest stored
 * one, and any before the oldest, are fetched), then the series are read back from the store. A file the
 * venue could not complete fails the step with a `DataError` naming the symbol and why: the job never
 * trains on stale data silently.
 * @packageDocumentation
 */
import { DataError, importOptional, loadCandles, type CandleSeries } from '@quantum/core'
import type { DownloadReport, HistoryClient } from '@quantum/ccxt'

const DAY = 86_400_000

/** Options of {@link venueCandles}. */
export interface VenueCandlesOptions {
  /** A ccxt history client (`createHistoryClient`; the emulator in tests). */
  readonly client: HistoryClient
  /** The candle store folder. */
  readonly dir: string
  /** Binance ids, e.g. `BTCUSDT`. */
  readonly symbols: readonly string[]
  /** Candle timeframe. @default '1h' */
  readonly timeframe?: string
  /** History kept for training, days back from now. @default 730 */
  readonly days?: number
  /** The venue's time. @default Date.now */
  readonly now?: () => number
  /** Rows per request. @default 1000 */
  readonly pageLimit?: number
  /** Receives each download's report (rows added per symbol). */
  readonly onReport?: (report: DownloadReport) => void
}

/**
 * A `FamilyPlan.data` that updates the candle store from the venue, then reads it.
 * @throws {DataError} (from the returned function) when a symbol's download failed, naming it and the venue's error.
 * @throws {MissingDependencyError} when `@quantum/ccxt` (and ccxt) are not installed.
 * @example data: venueCandles({ client, dir: 'data', symbols: ['BTCUSDT', 'ETHUSDT'] })
 */
export function venueCandles(options: VenueCandlesOptions): () => Promise<CandleSeries[]> {
  const timeframe = options.timeframe ?? '1h'
  return async () => {
    const { downloadHistory, historyPath } = await importOptional(
      '@quantum/ccxt',
      'The CLM venue data step',
      () => import('@quantum/ccxt'),
    )
    const now = (options.now ?? Date.now)()
    const report = await downloadHistory({
      client: options.client,
      dir: options.dir,
      symbols: options.symbols,
      timeframe,
      from: now - (options.days ?? 730) * DAY,
      to: now,
      kinds: ['candles'],
      now: () => now,
      ...(options.pageLimit === undefined ? {} : { pageLimit: options.pageLimit }),
    })
    options.onReport?.(report)
    const failed = report.files.filter((f) => f.status === 'failed')
    if (failed.length > 0) {
      throw new DataError(
        options.dir,
        failed.map((f) => ({
          kind: 'parse' as const,
          message: `${f.symbol} ${f.kind}: download failed (${f.error?.name ?? 'Error'}: ${f.error?.message ?? 'unknown'})`,
        })),
      )
    }
    return Promise.all(
      options.symbols.map(async (symbol) => {
        const path = historyPath(options.dir, { symbol, kind: 'candles', timeframe })
        return (await loadCandles(path, { timeframe, cache: false })).series
      }),
    )
  }
}
