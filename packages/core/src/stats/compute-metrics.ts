import { ConfigError, type ValidationIssue } from '../errors.js'
import { annualReturn } from './annual-return.js'
import { annualVolatility } from './annual-volatility.js'
import { calmarRatio } from './calmar-ratio.js'
import { cumReturnsFinal } from './cum-returns.js'
import { downsideRisk } from './downside-risk.js'
import { maxDrawdown, maxDrawdownFromEquity } from './max-drawdown.js'
import { omegaRatio } from './omega-ratio.js'
import { returnsFromEquity } from './returns-from-equity.js'
import { sharpeRatio } from './sharpe-ratio.js'
import { sortinoRatio } from './sortino-ratio.js'
import { exposure, summarizeTrades, type TradeSummary } from './summarize-trades.js'
import type { NumericSeries } from './types.js'

const YEAR_MS = 365 * 86_400_000

/** Input of {@link computeMetrics}. */
export interface ComputeMetricsInput {
  /** Equity at every bar close (account currency). */
  readonly equity: NumericSeries
  /** Bar open times (epoch ms), same length as `equity`; give it or `periodsPerYear`. @default undefined */
  readonly timestamps?: NumericSeries
  /** Net PnL of every closed trade (fees included). @default [] */
  readonly tradePnls?: NumericSeries
  /** Position per bar (signed quantity or boolean), same length as `equity`, for the exposure. @default undefined (exposure `NaN`) */
  readonly positions?: ArrayLike<number | boolean>
  /**
   * Bars per year, for annualization (e.g. 8760 for 1h bars of a 24/7 market).
   * @default inferred from the median spacing of `timestamps` over a 365-day year
   */
  readonly periodsPerYear?: number
  /** Equity before the first bar: the first return is taken from it and it counts as a drawdown peak. @default undefined */
  readonly initialEquity?: number
  /** Risk-free return per bar, for the Sharpe ratio. @default 0 */
  readonly riskFree?: number
  /** Required return per bar, for the Sortino ratio and downside risk. @default 0 */
  readonly requiredReturn?: number
}

/** Everything {@link computeMetrics} returns: performance, drawdown, exposure and trade statistics. */
export interface Metrics extends TradeSummary {
  /** Number of bars. */
  readonly bars: number
  /** Annualization factor used. */
  readonly periodsPerYear: number
  /** First timestamp, `NaN` without timestamps. */
  readonly startTime: number
  /** Last timestamp, `NaN` without timestamps. */
  readonly endTime: number
  /** Equity at the last bar. */
  readonly finalEquity: number
  /** Total compounded return over the curve. */
  readonly totalReturn: number
  /** CAGR ({@link annualReturn}). */
  readonly annualReturn: number
  /** {@link annualVolatility}. */
  readonly annualVolatility: number
  /** {@link sharpeRatio}. */
  readonly sharpeRatio: number
  /** {@link sortinoRatio}. */
  readonly sortinoRatio: number
  /** {@link downsideRisk}. */
  readonly downsideRisk: number
  /** {@link calmarRatio}. */
  readonly calmarRatio: number
  /** {@link omegaRatio} (required annual return 0). */
  readonly omegaRatio: number
  /** {@link maxDrawdown} of the returns: a negative fraction (empyrical convention). */
  readonly maxDrawdown: number
  /** Largest drawdown in currency ({@link maxDrawdownFromEquity}). */
  readonly maxDrawdownAbs: number
  /** Largest drawdown as a positive fraction of the running peak. */
  readonly maxDrawdownPct: number
  /** Peak index of the largest percentage drawdown (−1: the initial equity or none). */
  readonly drawdownPeakIndex: number
  /** Trough index of the largest percentage drawdown (−1: none). */
  readonly drawdownTroughIndex: number
  /** {@link exposure}; `NaN` without `positions`. */
  readonly exposure: number
}

function inferPeriodsPerYear(timestamps: NumericSeries): number {
  const gaps: number[] = []
  for (let i = 1; i < timestamps.length; i++) gaps.push((timestamps[i] as number) - (timestamps[i - 1] as number))
  gaps.sort((a, b) => a - b)
  const median = gaps[Math.floor(gaps.length / 2)] ?? NaN
  return YEAR_MS / median
}

function checkInput(input: ComputeMetricsInput): number {
  const n = input.equity.length
  const issues: ValidationIssue[] = []
  for (const key of ['timestamps', 'positions'] as const) {
    const series = input[key]
    if (series !== undefined && series.length !== n) {
      issues.push({ path: key, message: `length ${series.length} ≠ equity length ${n}` })
    }
  }
  const ppy = input.periodsPerYear ?? inferPeriodsPerYear(input.timestamps ?? [])
  if (!(ppy > 0 && Number.isFinite(ppy))) {
    issues.push({ path: 'periodsPerYear', message: 'give a positive periodsPerYear, or ≥ 2 increasing timestamps' })
  }
  if (n === 0) issues.push({ path: 'equity', message: 'empty equity curve' })
  if (issues.length > 0) throw new ConfigError('Invalid metrics input', issues)
  return ppy
}

/**
 * Computes every performance and trade statistic of a run in one object: returns are taken from
 * the equity curve ({@link returnsFromEquity}), then annualized with `periodsPerYear`.
 * @throws {ConfigError} for an empty curve, series of other lengths, or no usable annualization.
 * @example
 * const m = computeMetrics({ equity, timestamps, tradePnls, positions, initialEquity: 100_000 })
 * m.sharpeRatio; m.maxDrawdownPct; m.winRate; m.profitFactor
 */
export function computeMetrics(input: ComputeMetricsInput): Metrics {
  const periodsPerYear = checkInput(input)
  const { equity, timestamps, initialEquity } = input
  const returns = returnsFromEquity(equity, initialEquity)
  const annualization = { annualization: periodsPerYear }
  const dd = maxDrawdownFromEquity(equity, initialEquity)
  return {
    ...summarizeTrades(input.tradePnls ?? []),
    bars: equity.length,
    periodsPerYear,
    startTime: timestamps?.[0] ?? NaN,
    endTime: timestamps?.[timestamps.length - 1] ?? NaN,
    finalEquity: equity[equity.length - 1] as number,
    totalReturn: cumReturnsFinal(returns),
    annualReturn: annualReturn(returns, annualization),
    annualVolatility: annualVolatility(returns, annualization),
    sharpeRatio: sharpeRatio(returns, { ...annualization, riskFree: input.riskFree ?? 0 }),
    sortinoRatio: sortinoRatio(returns, { ...annualization, requiredReturn: input.requiredReturn ?? 0 }),
    downsideRisk: downsideRisk(returns, { ...annualization, requiredReturn: input.requiredReturn ?? 0 }),
    calmarRatio: calmarRatio(returns, annualization),
    omegaRatio: omegaRatio(returns, { riskFree: input.riskFree ?? 0, annualization: periodsPerYear }),
    maxDrawdown: maxDrawdown(returns),
    maxDrawdownAbs: dd.abs,
    maxDrawdownPct: dd.pct,
    drawdownPeakIndex: dd.peakIndex,
    drawdownTroughIndex: dd.troughIndex,
    exposure: input.positions === undefined ? NaN : exposure(input.positions),
  }
}
