import { emaCross } from '@quantum/agents'
import { defineConfig, fixedNotional } from '@quantum/core'
import { atrStopTarget } from '@quantum/exit-brain'
import { maxLeverage, maxPositionNotional } from '@quantum/risk'

/**
 * Quick start: an EMA-cross agent trades one year of real BTCUSDT 1h futures candles on the paper
 * exchange (Binance fees, precision and funding), with ATR stop/target exits and basic risk limits.
 */
export default defineConfig({
  name: 'quickstart',
  data: {
    candles: '../data/BTCUSDT-1h.csv',
    funding: '../data/BTCUSDT-funding-8h.csv',
  },
  exchange: { balance: 10_000, leverage: 3 },
  plugins: [
    emaCross({ fast: 12, slow: 26 }),
    fixedNotional({ notional: 1000, leverage: 3 }),
    maxPositionNotional({ max: 1000 }),
    maxLeverage({ max: 10 }),
    atrStopTarget({ period: 14, stopAtr: 2, targetAtr: 3 }),
  ],
})
