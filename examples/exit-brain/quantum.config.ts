import { createRegimeStore, marketStateClassifier, rsiReversal } from '@quantum/agents'
import { defineConfig, fixedNotional } from '@quantum/core'
import { createPositionBook, exitBrain, positionIntelligence, profitAmplifier } from '@quantum/exit-brain'
import { maxLeverage, maxPositionNotional } from '@quantum/risk'

const regimes = createRegimeStore()
const book = createPositionBook()

/**
 * Exit Brain v3 on mean-reversion entries: RSI(14) 30/70 reversals on BTC/ETH/BNB 1h, 1,000 USDT per
 * position, each position handed to the adaptive Exit Brain (four reduce-only legs from the seed's
 * profiles, break-even after TP1, trailing after TP2, the profile stepped by the Market State
 * Classifier's regime), with Position Intelligence and Profit Amplification. BTCUSDT's September 2025
 * is filled on 5m detail candles. See docs/guides/exit-brain.md and exit-brain-evidence.md.
 */
export default defineConfig({
  name: 'exit-brain',
  data: {
    candles: ['../data/BTCUSDT-1h.csv', '../data/ETHUSDT-1h.csv', '../data/BNBUSDT-1h.csv'],
    funding: ['../data/BTCUSDT-funding-8h.csv', '../data/ETHUSDT-funding-8h.csv', '../data/BNBUSDT-funding-8h.csv'],
    detail: ['../data/BTCUSDT-5m.csv.gz'],
  },
  exchange: { balance: 10_000 },
  plugins: [
    marketStateClassifier({ store: regimes }),
    rsiReversal({ period: 14, oversold: 30, overbought: 70 }),
    fixedNotional({ notional: 1000 }),
    maxPositionNotional({ max: 3000 }),
    maxLeverage({ max: 10 }),
    exitBrain({ profile: 'adaptive', regimes }),
    positionIntelligence({ book }),
    profitAmplifier({ book }),
  ],
})
