import { ConfigError, timeframeToMs, type MarketBar } from '@quantum/core'
import { Observable } from 'rxjs'
import { withRetry, type RetryPolicy } from './retry.js'

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
  /**
   * The last bar already delivered per Binance id (e.g. the warm-up history of {@link fetchClosedBars}):
   * the feed continues after it — indexes go on from `index + 1`, and candles closed since are backfilled.
   */
  readonly after?: ReadonlyMap<string, Pick<MarketBar, 'openTime' | 'index'>>
}

/** Binance's kline intervals of fixed length (`1M` is not). */
const BINANCE_INTERVALS: ReadonlySet<string> = new Set([
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
])

/**
 * Milliseconds of a Binance kline interval.
 * @throws {ConfigError} naming `timeframe` for one Binance does not stream.
 */
export function intervalMs(timeframe: string): number {
  const ms = BINANCE_INTERVALS.has(timeframe) ? timeframeToMs(timeframe) : undefined
  if (ms !== undefined) return ms
  throw new ConfigError('Unsupported kline timeframe', [
    {
      path: 'timeframe',
      message: `${timeframe} is not a Binance kline interval (${[...BINANCE_INTERVALS].join(', ')})`,
    },
  ])
}

function isRow(x: unknown): x is OhlcvRow {
  return Array.isArray(x) && x.length >= 6 && x.slice(0, 6).every((v) => typeof v === 'number' && Number.isFinite(v))
}

/** A kline feed with the supervisor's self-healing hook. */
export interface KlineFeed extends Observable<MarketBar> {
  /**
   * Resubscribes the stream (the health supervisor's heal for a stale feed): terminates the client's
   * market-data WebSocket connections (never the user-data stream) and restarts every symbol's pending
   * watch, which then reconnects, subscribes again and backfills the candles it missed over REST. For a
   * stream that went silent with its socket open (pings still answered), which ccxt does not notice.
   * @returns the number of connections terminated.
   */
  resubscribe(): number
}

/** A ccxt.pro WebSocket client as the exchange keeps it in `clients` (the parts used here). */
interface WsClientLike {
  readonly url: string
  readonly connection?: { terminate?: () => void }
  close(): unknown
}

/** User-data streams: Binance's `/private/…` and listenKey URLs. */
const USER_DATA_URL = /\/private\b|listenKey|\/ws\/[A-Za-z0-9]{60,}/

/**
 * Terminates the market-data WebSocket connections of a ccxt.pro client (the user-data stream is left
 * alone): every pending `watchOHLCV` rejects and the next call opens a new connection. A client that is
 * not ccxt.pro (a test fake) has none. Returns how many were terminated.
 */
export function dropMarketStreams(client: object): number {
  const clients = (client as { clients?: Readonly<Record<string, WsClientLike>> }).clients ?? {}
  let dropped = 0
  for (const ws of Object.values(clients)) {
    if (USER_DATA_URL.test(ws.url)) continue
    // terminate: no close handshake to wait for on a socket that may not answer
    if (typeof ws.connection?.terminate === 'function') ws.connection.terminate()
    else void Promise.resolve(ws.close()).catch(() => undefined)
    dropped++
  }
  return dropped
}

/**
 * Closed candles of several symbols from ccxt.pro's `watchOHLCV`: a candle is emitted once the venue
 * has started the next one (Binance streams the opening kline of the next candle right after closing
 * one, so that is as soon as it closes), each open time once, in order per symbol, with its final values.
 * A failed watch (a dropped socket rejects it) is retried after `retryMs`: ccxt.pro then opens a new
 * connection and subscribes again. After such an error, and whenever the stream skips open times, the
 * candles in between are fetched over REST (`fetchOHLCV` since the last emitted one; only rows older
 * than the last streamed candle, so REST's still-open last row is never taken as closed) and emitted
 * first, so a strategy never skips a bar. Malformed rows are dropped (and reported). `resubscribe()`
 * forces the same recovery for a stream that has gone silent.
 * @example startLive({ bars: klineFeed({ client, symbols, timeframe: '1m' }), exchange, plugins, mode: 'testnet' })
 */
export function klineFeed(input: KlineFeedInput): KlineFeed {
  const step = intervalMs(input.timeframe)
  // Rejecters of the pending watches (all subscriptions): resubscribe() restarts them.
  const kicks = new Set<(error: Error) => void>()
  const watch = (unified: string): Promise<unknown[]> => {
    const pending = input.client.watchOHLCV(unified, input.timeframe)
    let kick: ((error: Error) => void) | undefined
    const kicked = new Promise<never>((_, reject) => {
      kick = reject
      kicks.add(reject)
    })
    // the abandoned watch may still reject (its socket terminated): handled here, not unhandled
    pending.catch(() => undefined)
    return Promise.race([pending, kicked]).finally(() => kicks.delete(kick!))
  }
  const bars = new Observable<MarketBar>((subscriber) => {
    let running = true
    const indexes = new Map([...(input.after ?? [])].map(([symbol, bar]) => [symbol, bar.index + 1]))
    const emit = (symbol: string, row: OhlcvRow): void => {
      const index = indexes.get(symbol) ?? 0
      indexes.set(symbol, index + 1)
      const [openTime, open, high, low, close, volume] = row
      subscriber.next({ symbol, index, openTime, open, high, low, close, volume })
    }
    const follow = async (symbol: string, unified: string): Promise<void> => {
      const candles = new SymbolCandles(step, (row) => emit(symbol, row), input.after?.get(symbol)?.openTime)
      let resync = false
      while (running) {
        try {
          const raw = await watch(unified)
          if (!running) return
          const rows = raw.filter(isRow).sort((a, b) => a[0] - b[0])
          if (rows.length < raw.length)
            input.onError?.(new Error(`${symbol}: ${raw.length - rows.length} malformed candle(s) dropped`))
          const since = candles.backfillSince(rows, resync)
          if (since !== undefined) {
            const last = rows[rows.length - 1]![0]
            const missed = await input.client.fetchOHLCV(unified, input.timeframe, since)
            if (!running) return
            candles.take(missed.filter(isRow).filter((r) => r[0] < last))
          }
          resync = false
          candles.take(rows)
        } catch (error) {
          if (!running) return
          resync = true
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
  return Object.assign(bars, {
    resubscribe: (): number => {
      const dropped = dropMarketStreams(input.client)
      const error = new Error('resubscribe: the market stream went silent')
      for (const kick of [...kicks]) kick(error)
      return dropped
    },
  })
}

/** One symbol's candles: the last emitted open time and the latest candle not known to be closed yet. */
class SymbolCandles {
  private lastEmitted: number
  private pending: OhlcvRow | undefined

  /** `lastEmitted`: the open time of a candle already delivered elsewhere (warm-up history), if any. */
  constructor(
    private readonly step: number,
    private readonly emit: (row: OhlcvRow) => void,
    lastEmitted = Number.NEGATIVE_INFINITY,
  ) {
    this.lastEmitted = lastEmitted
  }

  /**
   * Where a REST backfill must start before `rows` (sorted) are taken, if one is needed: after an error
   * (`resync`: the pending candle's final update may have been lost), or when `rows` skip an open time.
   */
  backfillSince(rows: readonly OhlcvRow[], resync: boolean): number | undefined {
    if (rows.length === 0) return undefined
    const known = this.pending?.[0] ?? this.lastEmitted
    if (!Number.isFinite(known)) return undefined
    const since = Number.isFinite(this.lastEmitted) ? this.lastEmitted + this.step : known
    if (resync) return since
    let previous = known
    for (const row of rows) {
      if (row[0] <= previous) continue
      if (row[0] > previous + this.step) return since
      previous = row[0]
    }
    return undefined
  }

  /** Takes candles in open-time order: a later open time closes the pending candle, which is emitted. */
  take(rows: readonly OhlcvRow[]): void {
    for (const row of rows) {
      if (row[0] <= this.lastEmitted) continue
      if (this.pending !== undefined && row[0] > this.pending[0]) {
        this.emit(this.pending)
        this.lastEmitted = this.pending[0]
      }
      if (this.pending === undefined || row[0] >= this.pending[0]) this.pending = row
    }
  }
}

/** Input of {@link fetchClosedBars}. */
export interface ClosedBarsInput {
  readonly client: Pick<OhlcvClient, 'fetchOHLCV'>
  /** Binance id → ccxt unified symbol. */
  readonly symbols: ReadonlyMap<string, string>
  readonly timeframe: string
  /** Closed candles wanted per symbol (at most 1,500: one request each). */
  readonly count: number
  /** Now (epoch ms); a candle counts as closed once its interval has ended. */
  readonly now: number
  /** Retry and backoff of each request. @default 5 attempts from 250 ms */
  readonly retry?: RetryPolicy
}

/**
 * The latest `count` closed candles of each symbol over REST (`fetchOHLCV`), oldest first, indexed from 0
 * per symbol: a live run's warm-up history. Pair with {@link klineFeed}'s `after` to continue from them.
 * @throws {ConfigError} for a timeframe Binance does not stream; ccxt's errors as they come.
 * @example const history = await fetchClosedBars({ client, symbols, timeframe: '1m', count: 200, now: Date.now() })
 */
export async function fetchClosedBars(input: ClosedBarsInput): Promise<Map<string, MarketBar[]>> {
  const step = intervalMs(input.timeframe)
  const count = Math.min(1500, Math.max(0, Math.floor(input.count)))
  const out = new Map<string, MarketBar[]>()
  for (const [symbol, unified] of input.symbols) {
    const openNow = Math.floor(input.now / step) * step
    const since = openNow - count * step
    const rows =
      count === 0
        ? []
        : await withRetry(() => input.client.fetchOHLCV(unified, input.timeframe, since, count + 1), input.retry)
    const closed = rows
      .filter(isRow)
      .filter((r) => r[0] >= since && r[0] + step <= input.now)
      .sort((a, b) => a[0] - b[0])
      .slice(-count)
    out.set(
      symbol,
      closed.map(([openTime, open, high, low, close, volume], index) => ({
        symbol,
        index,
        openTime,
        open,
        high,
        low,
        close,
        volume,
      })),
    )
  }
  return out
}
