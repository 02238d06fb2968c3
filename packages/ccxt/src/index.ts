/**
 * `@quantum/ccxt`: Binance USD-M futures through ccxt — the exchange port of the testnet (Binance demo
 * trading) and live modes. The public surface is the adapter (`BinanceUsdmExchange`), its client
 * (`createUsdmClient`, `createEmulatorClient`), credentials from the environment, the venue's markets
 * its kline feed and history downloads (candles, mark-price candles, funding rates). What the adapter is made of (error mapping, order preparation and mapping,
 * idempotent retries, used-weight tracking, the local account) is internal.
 * @packageDocumentation
 */
export { CREDENTIAL_ENV, credentialsFromEnv } from './credentials.js'
export type { Credentials, VenueMode } from './credentials.js'
export type { RetryPolicy } from './retry.js'
export { BinanceUsdmExchange } from './binance-usdm.js'
export type { BinanceUsdmOptions, OrphanPolicy, Reconciliation, SnapshotDiff } from './binance-usdm.js'
export { createEmulatorClient, createHistoryClient, createUsdmClient } from './client.js'
export type { LiveAccount } from './live-account.js'
export { listedMarkets } from './markets.js'
export type { ListedMarkets } from './markets.js'
export type { LocalVenue, Transport, UsdmClient, UsdmClientInput, UsdmMarket, UsdmParams } from './client.js'
export { dropMarketStreams, fetchClosedBars, klineFeed } from './kline-feed.js'
export type { ClosedBarsInput, KlineFeed, KlineFeedInput, OhlcvClient, OhlcvRow } from './kline-feed.js'
export { DOWNLOAD_KINDS, downloadHistory, historyPath } from './download-history.js'
export type {
  DownloadFileReport,
  DownloadInput,
  DownloadKind,
  DownloadProgress,
  DownloadReport,
  HistoryClient,
} from './download-history.js'

// Universe OS on the venue and public market data
export { scanVenueUniverse, startVenueUniverse, VenueUniverseOptionsSchema } from './venue-universe.js'
export type { VenueUniverse, VenueUniverseOptions, VenueUniverseSelection } from './venue-universe.js'
export { BookTickerReplySchema, Ticker24hReplySchema, ExchangeInfoSymbolSchema } from './market-data.js'
export type { Ticker24h, ExchangeInfoSymbol } from './market-data.js'
export { markPriceFeed } from './mark-price-feed.js'
export type { MarkPriceFeedInput } from './mark-price-feed.js'
