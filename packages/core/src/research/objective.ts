/**
 * Objectives and constraints of a parameter search, and the outcome of one trial.
 * @packageDocumentation
 */
import type { BacktestSummary } from '../result.js'

/** The built-in objectives (all maximised): annualised Sharpe, Sortino, Calmar, or PnL in USDT. */
export const OBJECTIVE_NAMES = ['sharpe', 'sortino', 'calmar', 'profit'] as const
/** A built-in objective. */
export type ObjectiveName = (typeof OBJECTIVE_NAMES)[number]
/** A custom objective: a number to maximise from a run's summary. */
export type ObjectiveFunction = (summary: BacktestSummary) => number
/** What a search maximises. */
export type Objective = ObjectiveName | ObjectiveFunction

/** Limits a trial must meet to count; one that misses them is `infeasible` (never the best). */
export interface Constraints {
  /** At least this many closed trades. @default none */
  readonly minTrades?: number
  /** A max drawdown (fraction of the peak) of at most this. @default none */
  readonly maxDrawdownPct?: number
}

/** The figures kept of each trial's run. */
export interface TrialMetrics {
  readonly pnl: number
  readonly sharpe: number
  readonly sortino: number
  readonly calmar: number
  readonly maxDrawdownPct: number
  readonly trades: number
  readonly winRate: number
  readonly profitFactor: number
}

/** What one trial came to. Only `ok` trials (finite value, constraints met) can be the best. */
export type TrialOutcome =
  | { readonly status: 'ok'; readonly value: number; readonly metrics: TrialMetrics }
  | { readonly status: 'infeasible'; readonly value: number; readonly reason: string; readonly metrics: TrialMetrics }
  | { readonly status: 'failed'; readonly error: string; readonly metrics?: TrialMetrics }
  | { readonly status: 'timeout'; readonly error: string }

/** The metrics of a summary that a trial keeps. */
export function trialMetrics(s: BacktestSummary): TrialMetrics {
  return {
    pnl: s.pnl,
    sharpe: s.sharpe,
    sortino: s.sortino,
    calmar: s.calmar,
    maxDrawdownPct: s.maxDrawdownPct,
    trades: s.trades,
    winRate: s.winRate,
    profitFactor: s.profitFactor,
  }
}

function objectiveValue(s: BacktestSummary, objective: Objective): number {
  switch (objective) {
    case 'sharpe':
      return s.sharpe
    case 'sortino':
      return s.sortino
    case 'calmar':
      return s.calmar
    case 'profit':
      return s.pnl
    default:
      return objective(s)
  }
}

/**
 * Scores a run: the objective's value, `failed` when it is not a finite number (a custom objective
 * that throws or returns NaN, a Sharpe ratio of a run without returns), `infeasible` when a constraint
 * is missed.
 * @example scoreSummary(result.summary, 'sharpe', { minTrades: 20 })
 */
export function scoreSummary(
  summary: BacktestSummary,
  objective: Objective,
  constraints: Constraints = {},
): TrialOutcome {
  const metrics = trialMetrics(summary)
  let value: unknown
  try {
    value = objectiveValue(summary, objective)
  } catch (error) {
    return {
      status: 'failed',
      error: `objective threw: ${error instanceof Error ? error.message : String(error)}`,
      metrics,
    }
  }
  const name = typeof objective === 'string' ? objective : 'custom objective'
  if (typeof value !== 'number' || !Number.isFinite(value))
    return { status: 'failed', error: `${name} returned ${String(value)}, not a finite number`, metrics }
  if (constraints.minTrades !== undefined && summary.trades < constraints.minTrades)
    return {
      status: 'infeasible',
      value,
      reason: `${summary.trades} trades < minTrades ${constraints.minTrades}`,
      metrics,
    }
  if (constraints.maxDrawdownPct !== undefined && summary.maxDrawdownPct > constraints.maxDrawdownPct)
    return {
      status: 'infeasible',
      value,
      reason: `max drawdown ${summary.maxDrawdownPct.toFixed(4)} > maxDrawdownPct ${constraints.maxDrawdownPct}`,
      metrics,
    }
  return { status: 'ok', value, metrics }
}
