import { defineConfig } from '@quantum/core'
import { crashDayStrategy } from './strategy.js'

/**
 * The Emergency Stop System on a real crash day: a naive dip buyer trades BTCUSDT and ETHUSDT through
 * the crash of 2024-08-05 under riskPolicy('STRICT'). The daily drawdown trigger trips the ESS that
 * morning: every order is cancelled, the position is closed at market and entries are blocked for the
 * rest of the run (a backtest keeps the ESS state in memory; nobody resets it). The report's "Risk
 * state" panel and `summary.json` (`riskStates`) show the trip with its reason and time.
 */
export default defineConfig({
  name: 'risk-ess',
  data: { candles: ['./data/BTCUSDT-1h.csv', './data/ETHUSDT-1h.csv'] },
  exchange: { balance: 10_000, leverage: 3 },
  plugins: crashDayStrategy(),
})
