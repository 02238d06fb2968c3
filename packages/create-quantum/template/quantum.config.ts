import { defineConfig, fixedNotional } from '@quantum/core'
import { breakout } from './src/breakout.ts'

/**
 * The strategy: the breakout agent of src/breakout.ts, a fixed 1,000 USDT position at 2x leverage, on a
 * quarter of BTCUSDT 1h futures candles (data/). `npm run backtest` runs it on the paper futures exchange;
 * `npm run paper` replays the same candles through the live engine.
 */
export default defineConfig({
  name: '__NAME__',
  data: { candles: './data/BTCUSDT-1h.csv' },
  exchange: { balance: 10_000, leverage: 2 },
  plugins: [breakout({ lookback: 48 }), fixedNotional({ notional: 1000, leverage: 2 })],
})
