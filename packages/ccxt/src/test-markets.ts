/**
 * Test helper: a binanceusdm instance with the bundled (real) exchangeInfo loaded offline, to turn raw
 * Binance replies into ccxt's parsed objects exactly as ccxt does. Test-only (not exported).
 * @packageDocumentation
 */
import { bundledExchangeInfo } from '@quantum/core'
import ccxt from 'ccxt'

/** An offline binanceusdm with the bundled markets. */
export function offlineUsdm(): InstanceType<typeof ccxt.binanceusdm> {
  const ex = new ccxt.binanceusdm()
  const symbols = (bundledExchangeInfo() as { symbols: Record<string, unknown>[] }).symbols
  ex.setMarkets(symbols.map((s) => ex.parseMarket(s)))
  return ex
}
