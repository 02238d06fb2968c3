/**
 * Trading statistics: empyrical-compatible return statistics and trade statistics.
 * @packageDocumentation
 */
export { annualReturn } from './annual-return.js'
export { annualVolatility } from './annual-volatility.js'
export { ANNUALIZATION_FACTORS, annualizationFactor } from './annualization-factor.js'
export { calmarRatio } from './calmar-ratio.js'
export { computeMetrics } from './compute-metrics.js'
export { cumReturns, cumReturnsFinal } from './cum-returns.js'
export { downsideRisk } from './downside-risk.js'
export { excessSharpe } from './excess-sharpe.js'
export { maxDrawdown, maxDrawdownFromEquity } from './max-drawdown.js'
export { omegaRatio } from './omega-ratio.js'
export { returnsFromEquity } from './returns-from-equity.js'
export { sharpeRatio } from './sharpe-ratio.js'
export { sortinoRatio } from './sortino-ratio.js'
export { expectancy, exposure, profitFactor, summarizeTrades, winRate } from './summarize-trades.js'

export type { AnnualVolatilityOptions } from './annual-volatility.js'
export type { ComputeMetricsInput, Metrics } from './compute-metrics.js'
export type { DownsideRiskOptions } from './downside-risk.js'
export type { EquityDrawdown } from './max-drawdown.js'
export type { OmegaRatioOptions } from './omega-ratio.js'
export type { SharpeRatioOptions } from './sharpe-ratio.js'
export type { TradeSummary } from './summarize-trades.js'
export type { AnnualizationOptions, Benchmark, NumericSeries, ReturnsPeriod } from './types.js'
