/**
 * `@quantum/ccxt`: Binance USD-M futures through ccxt — the exchange port of the testnet (Binance demo
 * trading) and live modes: `BinanceUsdmExchange` and what it is made of — error mapping to the SDK's
 * typed errors, credentials from the environment, order checks and rounding before sending, order
 * mapping (regular and algo orders), idempotent retries, used-weight tracking, the local account.
 * @packageDocumentation
 */
export { isRetryable, isStatusUnknown, mapCcxtError } from './errors.js'
export type { CallSite } from './errors.js'
export { CREDENTIAL_ENV, credentialsFromEnv } from './credentials.js'
export type { Credentials, VenueMode } from './credentials.js'
export { fromCcxtOrder, isConditional, toCcxtOrder } from './orders.js'
export type { CcxtOrderArgs, OrderContext } from './orders.js'
export { clientIds, prepareOrder } from './prepare.js'
export type { PrepareInput, PreparedOrder } from './prepare.js'
export { backoffDelay, placeIdempotent, withRetry } from './retry.js'
export type { IdempotentPlacement, RetryPolicy } from './retry.js'
export { UsedWeight, USDM_WEIGHT_PER_MINUTE } from './weight.js'
export type { UsedWeightOptions } from './weight.js'
export { BinanceUsdmExchange } from './binance-usdm.js'
export type { BinanceUsdmOptions, OrphanPolicy, Reconciliation, SnapshotDiff } from './binance-usdm.js'
export { createEmulatorClient, createUsdmClient } from './client.js'
export { listedMarkets } from './markets.js'
export type { ListedMarkets } from './markets.js'
export type { LocalVenue, Transport, UsdmClient, UsdmClientInput, UsdmMarket, UsdmParams } from './client.js'
export { LiveAccount } from './live-account.js'
export { fromCcxtBalance, fromCcxtPosition, fromCcxtTrade } from './replies.js'
export type { TradeContext } from './replies.js'
export { fetchClosedBars, klineFeed } from './kline-feed.js'
export type { ClosedBarsInput, KlineFeedInput, OhlcvClient, OhlcvRow } from './kline-feed.js'
