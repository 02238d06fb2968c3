import { emaCross } from '@quantum/agents'
import { defineConfig, defineSearch, fixedNotional, float, int } from '@quantum/core'
import { atrStopTarget } from '@quantum/exit-brain'
import { maxLeverage, maxPositionNotional } from '@quantum/risk'

/**
 * The quick start's strategy (EMA cross, ATR stop/target, one year of BTCUSDT 1h) with a parameter
 * search over its EMA periods and exit distances: `quantum-run optimize examples/optimize/quantum.config.ts`.
 */
export default defineConfig({
  name: 'optimize',
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
  optimize: defineSearch({
    space: {
      fast: int(4, 30),
      slow: int(20, 120),
      stopAtr: float(0.5, 5, { step: 0.25 }),
      targetAtr: float(0.5, 8, { step: 0.25 }),
    },
    plugins: (p) => [
      emaCross({ fast: p.fast, slow: Math.max(p.slow, p.fast + 1) }),
      fixedNotional({ notional: 1000, leverage: 3 }),
      maxPositionNotional({ max: 1000 }),
      maxLeverage({ max: 10 }),
      atrStopTarget({ period: 14, stopAtr: p.stopAtr, targetAtr: p.targetAtr }),
    ],
    objective: 'sharpe',
    constraints: { minTrades: 30, maxDrawdownPct: 0.25 },
    method: 'tpe',
    trials: 200,
  }),
})
