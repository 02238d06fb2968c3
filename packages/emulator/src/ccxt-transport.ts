/**
 * Points a ccxt `binanceusdm` instance at the emulator while keeping its real URLs, so that ccxt's
 * linear-futures error table applies exactly as in production (research §8, option b).
 * No ccxt import: the exchange is typed structurally.
 * @packageDocumentation
 */

/** The parts of a ccxt exchange this helper touches. */
export interface CcxtExchangeLike {
  /** ccxt's transport hook: `(url, init) => Promise<Response>`. */
  fetchImplementation?: unknown
  /** ccxt's URL table (`urls.api.ws.future` is replaced). */
  urls: { api: Record<string, unknown> }
  /** Loads the agent ccxt needs for plain `ws://` URLs. */
  loadHttpProxyAgent?: () => Promise<unknown>
}

/** Where the emulator listens. */
export interface EmulatorAddress {
  /** `http://127.0.0.1:PORT` */
  readonly restUrl: string
  /** `ws://127.0.0.1:PORT/ws` */
  readonly wsUrl: string
}

/**
 * Rewrites every `https://<host>` request of `exchange` to the emulator (the URL ccxt sees, and uses
 * for its error table, stays the real one) and points its futures WebSocket at the emulator.
 * @example
 * const ex = new ccxt.pro.binanceusdm({ apiKey, secret, options: { fetchCurrencies: false } })
 * await attachCcxt(ex, emulator)
 * await ex.loadMarkets()
 */
export async function attachCcxt(exchange: CcxtExchangeLike, emulator: EmulatorAddress): Promise<void> {
  const base = emulator.restUrl
  exchange.fetchImplementation = (url: string, init?: RequestInit): Promise<Response> =>
    fetch(url.replace(/^https:\/\/[^/]+/, base), init)
  const ws = exchange.urls.api.ws
  if (typeof ws === 'object' && ws !== null) (ws as Record<string, unknown>).future = emulator.wsUrl
  else exchange.urls.api.ws = { future: emulator.wsUrl }
  await exchange.loadHttpProxyAgent?.()
}
