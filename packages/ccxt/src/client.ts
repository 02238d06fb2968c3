import { inspect } from 'node:util'
import { loadCcxt } from './load-ccxt.js'
import type { Credentials, VenueMode } from './credentials.js'
import type { HistoryClient } from './history-rows.js'
import type { OhlcvClient } from './kline-feed.js'

/** A market as ccxt lists it (only what the adapter reads). */
export interface UsdmMarket {
  /** Binance id, e.g. `BTCUSDT`. */
  readonly id: string
  /** ccxt's unified symbol, e.g. `BTC/USDT:USDT`. */
  readonly symbol: string
  /** The raw exchangeInfo entry. */
  readonly info: unknown
}

/** Optional ccxt parameters. */
export type UsdmParams = Readonly<Record<string, string | number | boolean>>

/**
 * The ccxt calls the adapter and the kline feed make (`ccxt.pro.binanceusdm` implements them; tests can
 * fake them).
 */
export interface UsdmClient extends OhlcvClient {
  /** Public `GET /fapi/v1/ticker/bookTicker` (ccxt's implicit API): the best bid and ask, one symbol or all. */
  fapiPublicGetTickerBookTicker?(params?: UsdmParams): Promise<unknown>
  /** Public `GET /fapi/v1/ticker/24hr` (ccxt's implicit API): 24 h statistics, one symbol or all. */
  fapiPublicGetTicker24hr?(params?: UsdmParams): Promise<unknown>
  /** Public `GET /fapi/v1/exchangeInfo` (ccxt's implicit API): every symbol's rules, status and listing date. */
  fapiPublicGetExchangeInfo?(params?: UsdmParams): Promise<unknown>
  /** `reload`: load again even when a load already happened (or failed: ccxt caches the rejection). */
  loadMarkets(reload?: boolean): Promise<Readonly<Record<string, UsdmMarket>>>
  createOrder(
    symbol: string,
    type: string,
    side: string,
    amount: number,
    price?: number,
    params?: UsdmParams,
  ): Promise<unknown>
  cancelOrder(id: string, symbol: string, params?: UsdmParams): Promise<unknown>
  cancelAllOrders(symbol: string, params?: UsdmParams): Promise<unknown>
  fetchOrder(id: string | undefined, symbol: string, params?: UsdmParams): Promise<unknown>
  fetchOpenOrders(symbol: string, since?: number, limit?: number, params?: UsdmParams): Promise<unknown[]>
  fetchBalance(): Promise<unknown>
  fetchPositions(symbols?: string[]): Promise<unknown[]>
  fetchMyTrades(symbol: string, since?: number, limit?: number): Promise<unknown[]>
  setLeverage(leverage: number, symbol: string): Promise<unknown>
  /** `GET /fapi/v1/positionSide/dual`: `{ hedged }` (hedge mode on or off). */
  fetchPositionMode(symbol?: string): Promise<unknown>
  watchOrders(symbol?: string): Promise<unknown[]>
  watchMyTrades(symbol?: string): Promise<unknown[]>
  /** `<symbol>@markPrice@1s`: the next mark price of a unified symbol (ccxt pro). */
  watchMarkPrice?(symbol: string): Promise<unknown>
  watchPositions(symbols?: string[]): Promise<unknown[]>
  /** Re-reads the server time offset (ccxt's `adjustForTimeDifference`); the adapter calls it after -1021. */
  loadTimeDifference?(): Promise<unknown>
  /** Headers of the last REST reply (Binance's used weight is read from them). */
  readonly last_response_headers?: Readonly<Record<string, unknown>> | undefined
  close(): Promise<unknown>
}

/** Where requests go instead of Binance (the project's emulator on 127.0.0.1). */
export interface Transport {
  /** e.g. `http://127.0.0.1:40123` */
  readonly restUrl: string
  /** e.g. `ws://127.0.0.1:40123/ws` */
  readonly wsUrl: string
}

/** Input of {@link createUsdmClient}. */
export interface UsdmClientInput {
  readonly mode: VenueMode
  /** API key and secret (see `credentialsFromEnv`); omit for market data only (public endpoints). */
  readonly credentials?: Credentials
  /** Requests go here, with ccxt still believing it talks to Binance (so its error table applies). */
  readonly transport?: Transport
  /** recvWindow in ms. @default 10000 */
  readonly recvWindow?: number
  /** REST request timeout in ms (ccxt's `timeout`). @default 10000 */
  readonly timeoutMs?: number
  /**
   * ccxt's own request throttle (a leaky bucket of 50 ms per weight unit). Keep it on against Binance;
   * tests against the local emulator turn it off. @default true
   */
  readonly throttle?: boolean
}

/** Weight units ccxt's throttle lets through at once (a start, a reconciliation) before it paces requests. */
const THROTTLE_BURST = 120

/**
 * Builds the ccxt client: `ccxt.pro.binanceusdm` with rate limiting, no spot/margin calls at load
 * (`fetchCurrencies: false`, `fetchMargins: false`), server-time sync (`adjustForTimeDifference`), demo
 * trading for `testnet` (the old futures sandbox is gone), and, with a `transport`, every REST request
 * rewritten to it at the fetch layer (the real URLs stay, so ccxt maps Binance's error codes as in
 * production) and WebSockets pointed at it.
 * @throws {MissingDependencyError} when the optional package `ccxt` is not installed.
 */
export async function createUsdmClient(input: UsdmClientInput): Promise<UsdmClient> {
  const { credentials, transport } = input
  const ccxt = await loadCcxt()
  const ex = new ccxt.pro.binanceusdm({
    ...(credentials === undefined ? {} : { apiKey: credentials.apiKey, secret: credentials.secret }),
    enableRateLimit: input.throttle ?? true,
    // A start-up burst: ccxt's bucket (20 weight units/s, half of Binance's 2,400/min) starts empty and
    // holds 1 unit, so a start's ~60 units (exchangeInfo, positionSide/dual = 30, snapshot, userTrades,
    // klines) queued ~2.4 s behind it. It now holds THROTTLE_BURST units, full at start: at most
    // 120 + 20/s x 60 s = 1,320 units in any minute, well under the venue's limit.
    tokenBucket: { capacity: THROTTLE_BURST, tokens: THROTTLE_BURST },
    timeout: input.timeoutMs ?? 10_000,
    options: {
      fetchCurrencies: false,
      fetchMargins: false,
      adjustForTimeDifference: true,
      recvWindow: input.recvWindow ?? 10_000,
      warnOnFetchOpenOrdersWithoutSymbol: false,
    },
  })
  if (input.mode === 'testnet') ex.enableDemoTrading(true)
  ownTimers(ex)
  hideCredentials(
    ex,
    `binanceusdm client (${input.mode}, ${credentials === undefined ? 'public' : 'credentials hidden'})`,
  )
  if (transport !== undefined) {
    const base = transport.restUrl.replace(/\/$/, '')
    ex.fetchImplementation = (url: string, init?: RequestInit): Promise<Response> =>
      fetch(url.replace(/^https:\/\/[^/]+/, base), init)
    const urls = ex.urls as unknown as { api: { ws: Record<string, unknown> } }
    urls.api.ws['future'] = transport.wsUrl
    await ex.loadHttpProxyAgent()
  }
  return ex as unknown as UsdmClient
}

/**
 * Keeps the key and secret out of `util.inspect`, `JSON.stringify` and `console.log` of the client:
 * ccxt keeps them as plain properties (and `inspect` of an object holding the client would print them).
 * They stay readable by ccxt (non-enumerable, same values); the client shows as `label`.
 */
function hideCredentials(ex: object, label: string): void {
  for (const key of ['apiKey', 'secret', 'password', 'uid', 'privateKey', 'walletAddress', 'token']) {
    const held = Object.getOwnPropertyDescriptor(ex, key)
    if (held === undefined || !('value' in held)) continue
    let value: unknown = held.value
    Object.defineProperty(ex, key, {
      enumerable: false,
      configurable: true,
      get: () => value,
      set: (next: unknown) => {
        value = next
      },
    })
  }
  Object.defineProperties(ex, {
    [inspect.custom]: { value: () => label, enumerable: false },
    toJSON: { value: () => label, enumerable: false },
    toString: { value: () => label, enumerable: false },
  })
}

/** What {@link ownTimers} needs of a ccxt exchange. */
interface DelayingExchange {
  delay(timeout: number, method: unknown, ...args: unknown[]): void
  spawn(method: unknown, ...args: unknown[]): unknown
  close(): Promise<unknown>
}

/**
 * ccxt schedules follow-ups with a bare `setTimeout` (`delay`), among them Binance's listenKey keep-alive
 * every 20 minutes, and `close()` leaves them pending: a run that has finished stays alive until the
 * timer fires (and then renews a key nobody listens to). The client keeps its timers instead, unreferenced
 * (they never hold the process open), and `close()` cancels them.
 */
function ownTimers(ex: DelayingExchange): void {
  const timers = new Set<NodeJS.Timeout>()
  ex.delay = (timeout, method, ...args) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      ex.spawn(method, ...args)
    }, timeout)
    timer.unref()
    timers.add(timer)
  }
  const close = ex.close.bind(ex)
  ex.close = async () => {
    for (const timer of timers) clearTimeout(timer)
    timers.clear()
    return close()
  }
}

/** A local Binance USD-M emulator as {@link createEmulatorClient} needs it (what `startEmulator` returns). */
export interface LocalVenue {
  readonly restUrl: string
  readonly wsUrl: string
  /** The emulator's API key and secret; omit for market data only. */
  readonly credentials?: { readonly key: string; readonly secret: string }
}

/**
 * A client for a local emulator (tests, benches, strategy dry runs): its URLs and keys, ccxt's throttle off
 * (the emulator enforces Binance's weights itself), production URLs kept so ccxt's error table applies.
 * @example const client = await createEmulatorClient(await startEmulator({ balance: 10_000 }))
 */
export function createEmulatorClient(
  venue: LocalVenue,
  options: Pick<UsdmClientInput, 'timeoutMs' | 'recvWindow'> & { readonly mode?: VenueMode } = {},
): Promise<UsdmClient> {
  const c = venue.credentials
  return createUsdmClient({
    mode: options.mode ?? 'live',
    ...(c === undefined
      ? {}
      : { credentials: { apiKey: c.key, secret: c.secret, toString: () => 'Credentials(emulator)' } }),
    transport: { restUrl: venue.restUrl, wsUrl: venue.wsUrl },
    throttle: false,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.recvWindow === undefined ? {} : { recvWindow: options.recvWindow }),
  })
}

/**
 * A public (no key) client for history downloads (`downloadHistory`): Binance USD-M, or the local
 * emulator given as `transport`; ccxt's throttle on unless `throttle: false`.
 * @throws {MissingDependencyError} when the optional package `ccxt` is not installed.
 * @example const client = await createHistoryClient({ transport: { restUrl, wsUrl } })
 */
export async function createHistoryClient(
  input: Pick<UsdmClientInput, 'transport' | 'timeoutMs' | 'throttle'> = {},
): Promise<HistoryClient> {
  const client = await createUsdmClient({ mode: 'live', ...input })
  // ccxt.binanceusdm has fetchFundingRateHistory and fetchOHLCV's params; UsdmClient lists only what trading uses.
  return client as unknown as HistoryClient
}
