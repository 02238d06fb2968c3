/**
 * `@quantum/clm`: continuous learning (scheduler, training jobs, promotion gates, model registry).
 * This release holds the seed's defaults only; the pipeline arrives with the CLM work.
 * @packageDocumentation
 */

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
