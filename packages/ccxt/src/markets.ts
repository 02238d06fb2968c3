/**
 * The run's markets on Binance USD-M: the symbols checked against the venue's list, their trading rules
 * and ccxt's unified names.
 * @packageDocumentation
 */
import { ConfigError, parseExchangeInfo } from '@quantum/core'
import type { Instrument } from '@quantum/core'
import type { UsdmClient, UsdmMarket } from './client.js'
import { mapCcxtError } from './errors.js'
import { heldSecrets } from './redact.js'
import { withRetry, type RetryPolicy } from './retry.js'

/** The markets of a run's symbols as the venue lists them. */
export interface ListedMarkets {
  /** Trading rules by Binance id. */
  readonly instruments: ReadonlyMap<string, Instrument>
  /** Binance id → ccxt unified symbol (what `klineFeed` takes). */
  readonly unified: ReadonlyMap<string, string>
  /** The symbols' raw exchangeInfo entries, as `{ symbols: [...] }` (a paper exchange can trade by them). */
  readonly exchangeInfo: { readonly symbols: readonly unknown[] }
}

/**
 * Loads the venue's markets (exchangeInfo only: no spot or margin calls) and picks the run's symbols.
 * Public: needs no API key.
 * @throws {ConfigError} naming every symbol the venue does not list.
 * @throws the SDK's typed exchange errors when the venue cannot be reached.
 * @example const { unified } = await listedMarkets(client, ['BTCUSDT', 'ETHUSDT'])
 */
export async function listedMarkets(
  client: Pick<UsdmClient, 'loadMarkets'>,
  symbols: readonly string[],
  retry: RetryPolicy = {},
): Promise<ListedMarkets> {
  let markets: Readonly<Record<string, UsdmMarket>>
  let attempt = 0
  try {
    // ccxt keeps a failed load's rejected promise and hands it back to every later `loadMarkets()`:
    // a retry must ask for a reload.
    markets = await withRetry(() => client.loadMarkets(attempt++ > 0), retry)
  } catch (error) {
    throw mapCcxtError(error, { method: 'loadMarkets', secrets: heldSecrets(client) })
  }
  const byId = new Map(Object.values(markets).map((m) => [m.id, m]))
  const missing = symbols.filter((s) => !byId.has(s))
  if (missing.length > 0) {
    throw new ConfigError(
      'Symbols not listed on Binance USD-M',
      missing.map((s) => ({ path: 'symbols', message: `${s} is not a USD-M market` })),
    )
  }
  const listed = symbols.map((s) => byId.get(s)!)
  const exchangeInfo = { symbols: listed.map((m) => m.info) }
  const instruments = parseExchangeInfo(exchangeInfo, 'binanceusdm exchangeInfo')
  return {
    instruments: new Map(instruments.map((i) => [i.symbol, i])),
    unified: new Map(listed.map((m) => [m.id, m.symbol])),
    exchangeInfo,
  }
}
