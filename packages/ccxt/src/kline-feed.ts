import type { MarketBar } from '@quantum/core'
import { Observable } from 'rxjs'

/** A candle as ccxt returns it: `[openTime, open, high, low, close, volume]`. */
export type OhlcvRow = readonly [number, number, number, number, number, number]

/** The two ccxt calls the feed uses (`ccxt.pro.binanceusdm` has both). */
export interface OhlcvClient {
  watchOHLCV(symbol: string, timeframe: string): Promise<unknown[]>
  fetchOHLCV(symbol: string, timeframe: string, since?: number, limit?: number): Promise<unknown[]>
}

/** Input of {@link klineFeed}. */
export interface KlineFeedInput {
  readonly client: OhlcvClient
  /** Binance id → ccxt unified symbol, for every symbol to stream. */
  readonly symbols: ReadonlyMap<string, string>
  /** Candle timeframe, e.g. `1m`, `1h`. */
  readonly timeframe: string
  /** Called on a stream error before the loop retries (after `retryMs`). */
  readonly onError?: (error: unknown) => void
  /** Pause before retrying a failed watch. @default 1000 */
  readonly retryMs?: number
}

const TIMEFRAME_MS: Readonly<Record<string, number>> = {
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
}

function isRow(x: unknown): x is OhlcvRow {
  return Array.isArray(x) && x.length >= 6 && x.slice(0, 6).every((v) => typeof v === 'number' && Number.isFinite(v))
}

/**
 * Closed candles of several symbols from ccxt.pro's `watchOHLCV`: a candle is emitted once the venue
 * has started the next one, each open time once and in order per symbol. After a reconnect or a stall,
 * the candles missed in between are fetched over REST (`fetchOHLCV` since the last emitted one) and
 * emitted first, so a strategy never skips a bar. Malformed rows are dropped (and reported).
 * @example startLive({ bars: klineFeed({ client, symbols, timeframe: '1m' }), exchange, plugins, mode: 'testnet' })
 */
export function klineFeed(input: KlineFeedInput): Observable<MarketBar> {
  const step = TIMEFRAME_MS[input.timeframe]
  if (step === undefined) throw new Error(`klineFeed: unsupported timeframe ${input.timeframe}`)
  return new Observable<MarketBar>((subscriber) => {
    let running = true
    const indexes = new Map<string, number>()
    const emit = (symbol: string, row: OhlcvRow): void => {
      const index = indexes.get(symbol) ?? 0
      indexes.set(symbol, index + 1)
      const [openTime, open, high, low, close, volume] = row
      subscriber.next({ symbol, index, openTime, open, high, low, close, volume })
    }
    const follow = async (symbol: string, unified: string): Promise<void> => {
      let lastEmitted = Number.NEGATIVE_INFINITY
      let pending: OhlcvRow | undefined
      const emitClosed = (rows: readonly OhlcvRow[]): void => {
        for (const row of rows) {
          if (row[0] <= lastEmitted) continue
          if (pending !== undefined && row[0] > pending[0]) {
            if (pending[0] > lastEmitted) {
              emit(symbol, pending)
              lastEmitted = pending[0]
            }
          }
          if (pending === undefined || row[0] >= pending[0]) pending = row
        }
      }
      while (running) {
        try {
          const raw = await input.client.watchOHLCV(unified, input.timeframe)
          const rows = raw.filter(isRow).sort((a, b) => a[0] - b[0])
          if (rows.length < raw.length)
            input.onError?.(new Error(`${symbol}: ${raw.length - rows.length} malformed candle(s) dropped`))
          const first = rows[0]
          if (first !== undefined && Number.isFinite(lastEmitted) && first[0] > lastEmitted + step) {
            // A gap (reconnect, stall): backfill the closed candles in between from REST.
            const missed = (await input.client.fetchOHLCV(unified, input.timeframe, lastEmitted + step)).filter(isRow)
            emitClosed(missed.filter((r) => r[0] < first[0]))
          }
          emitClosed(rows)
        } catch (error) {
          if (!running) return
          input.onError?.(error)
          await new Promise((resolve) => setTimeout(resolve, input.retryMs ?? 1000))
        }
      }
    }
    for (const [symbol, unified] of input.symbols) void follow(symbol, unified)
    return () => {
      running = false
    }
  })
}
