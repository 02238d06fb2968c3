import { emaCross } from '@quantum/agents'
import { defineConfig, fixedNotional } from '@quantum/core'
import { atrStopTarget } from '@quantum/exit-brain'

/**
 * The reference strategy of shared/research/reference-strategy.md built from SDK plugins: EMA 12/26
 * cross, 1000 USDT per position, stop 2 ATR(14) / target 3 ATR(14) from the entry, 0.04% taker fee on
 * every fill, no slippage, no funding, fractional quantities (no exchange rounding), 100,000 USDT.
 * Run it on any candle file: `quantum-run examples/reference-strategy/quantum.config.ts --data <csv>`.
 */
export default defineConfig({
  name: 'reference-strategy',
  data: { candles: '../data/BTCUSDT-1h.csv' },
  exchange: { balance: 100_000, takerFee: 0.0004, makerFee: 0.0004, leverage: 1, precision: 'none' },
  plugins: [
    emaCross({ fast: 12, slow: 26 }),
    fixedNotional({ notional: 1000 }),
    atrStopTarget({ period: 14, stopAtr: 2, targetAtr: 3 }),
  ],
})
