/**
 * Test helper: a binanceusdm (ccxt.pro) instance with the bundled (real) exchangeInfo loaded offline, to
 * turn raw Binance replies into ccxt's parsed objects exactly as ccxt does. Test-only (not exported).
 * @packageDocumentation
 */
import { bundledExchangeInfo } from '@quantum/core'
import ccxt from 'ccxt'

/** An offline binanceusdm with the bundled markets (and a flat maintenance bracket for positions). */
export function offlineUsdm(): InstanceType<typeof ccxt.pro.binanceusdm> {
  const ex = new ccxt.pro.binanceusdm()
  const symbols = (bundledExchangeInfo() as { symbols: Record<string, unknown>[] }).symbols
  ex.setMarkets(symbols.map((s) => ex.parseMarket(s)))
  const brackets: Record<string, string[][]> = {}
  for (const symbol of Object.keys(ex.markets ?? {})) brackets[symbol] = [['0', '0.004']]
  ex.options['leverageBrackets'] = brackets
  return ex
}
