/**
 * `@quantum/clm`: continuous learning — a histogram GBDT trainer in TypeScript (worker thread, ONNX
 * export), training data from the SDK's own features, out-of-time evaluation, promotion gates, and a
 * model registry with a lifecycle.
 * @packageDocumentation
 */
export * from './gbdt/index.js'
export * from './data/index.js'
export * from './eval/index.js'
export { TrainerError, type TrainerFailure } from './errors.js'
export { runWorker, type RunWorkerOptions, type WorkerReply } from './worker/run-worker.js'

/** The seed's promotion gates for a candidate model (CLM v3). */
export const DEFAULT_PROMOTION_GATES = Object.freeze({
  /** Minimum Sharpe ratio of the 90-day evaluation backtest. */
  minSharpe: 1.0,
  /** Minimum win rate. */
  minWinRate: 0.52,
  /** Minimum profit factor. */
  minProfitFactor: 1.3,
  /** Largest acceptable max drawdown (fraction). */
  maxDrawdown: 0.15,
  /** Minimum number of trades. */
  minTrades: 50,
})

/** The seed's retraining schedule, in hours, per model family. */
export const DEFAULT_SCHEDULE_HOURS = Object.freeze({
  xgboost: 6,
  lightgbm: 6,
  nhits: 12,
  patchtst: 12,
  rlV2: 24,
  rlV3: 4,
})
