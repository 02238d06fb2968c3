import { fileURLToPath } from 'node:url'
import {
  createOpportunityRanker,
  createRegimeStore,
  createSupervisorHandle,
  createUniverseOs,
  ensembleManager,
  lightgbmAgent,
  marketStateClassifier,
  modelSupervisor,
  nhitsAgent,
  opportunityRanker,
  patchtstAgent,
  rlPositionSizing,
  universeFilter,
  xgboostAgent,
} from '@quantum/agents'
import { defineConfig } from '@quantum/core'
import { atrStopTarget } from '@quantum/exit-brain'
import { liquidationGuard, maxLeverage, maxPositionNotional } from '@quantum/risk'

const model = (file: string): string => fileURLToPath(new URL(`./models/${file}`, import.meta.url))
const regimes = createRegimeStore()
const ranker = createOpportunityRanker()
const universe = createUniverseOs({ ranker, topK: 2 })
const supervisor = createSupervisorHandle()

/**
 * The seed's "AI Engine": four ONNX models (XGBoost 25%, LightGBM 25%, N-HiTS 30%, PatchTST 20%) voted by
 * the Ensemble Manager (60% threshold), sized by RL position sizing (capped by the risk guards), with the
 * Market State Classifier, OpportunityRanker, Universe OS and the Model Supervisor on, over BTC/ETH/BNB 1h.
 *
 * The bundled models were trained on data up to 2025-06-30; this run starts on 2025-07-01 so every
 * decision is out of sample.
 */
export default defineConfig({
  name: 'ensemble',
  data: {
    candles: ['../data/BTCUSDT-1h.csv', '../data/ETHUSDT-1h.csv', '../data/BNBUSDT-1h.csv'],
    funding: ['../data/BTCUSDT-funding-8h.csv', '../data/ETHUSDT-funding-8h.csv', '../data/BNBUSDT-funding-8h.csv'],
    from: '2025-07-01',
  },
  exchange: { balance: 10_000 },
  plugins: [
    marketStateClassifier({ store: regimes }),
    opportunityRanker({ ranker }),
    xgboostAgent({ model: model('xgb.onnx') }),
    lightgbmAgent({ model: model('lgbm.onnx') }),
    nhitsAgent({ model: model('nhits.onnx') }),
    patchtstAgent({ model: model('patchtst.onnx') }),
    ensembleManager({ threshold: 0.6, supervisor }),
    rlPositionSizing({ seed: 7, regimes }),
    universeFilter({ universe }),
    maxPositionNotional({ max: 2000 }),
    maxLeverage({ max: 25 }),
    // The RL sizer's 15-25x can put the liquidation price inside the 2-ATR stop: lower the leverage until
    // the liquidation lies at least half a stop distance beyond the stop (Binance brackets, isolated margin).
    liquidationGuard({ stop: { atr: { period: 14, multiple: 2 } }, margin: 0.5 }),
    atrStopTarget({ period: 14, stopAtr: 2, targetAtr: 3 }),
    // Watches every agent for bias and calibration drift; 'enforce' would mute a failing agent.
    modelSupervisor({ handle: supervisor, mode: 'observe' }),
  ],
})
