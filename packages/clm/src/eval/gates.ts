/**
 * Promotion gates: a model becomes a CANDIDATE only when it beats the class prior and the production
 * model out of time (log-loss), whatever its trading metrics, and when its evaluation backtest passes
 * the seed's trading gates (Sharpe >= 1.0, win rate >= 52 %, PF >= 1.3, max DD <= 15 %, trades >= 50).
 * @packageDocumentation
 */
import { parseOrThrow, type BacktestSummary } from '@quantum/core'
import { z } from 'zod'
import type { SkillMetrics } from './metrics.js'

/** Zod schema of the trading gates (config). */
export const PromotionGatesSchema = z.object({
  /** Minimum Sharpe ratio of the evaluation backtest. */
  minSharpe: z.number(),
  /** Minimum win rate (fraction). */
  minWinRate: z.number().min(0).max(1),
  /** Minimum profit factor. */
  minProfitFactor: z.number().min(0),
  /** Largest acceptable max drawdown (fraction of the peak). */
  maxDrawdown: z.number().min(0).max(1),
  /** Minimum number of closed trades. */
  minTrades: z.number().int().min(0),
})

/** Trading gates (see {@link PromotionGatesSchema}). */
export type PromotionGates = z.output<typeof PromotionGatesSchema>

/** The seed's promotion gates for a candidate model (CLM v3). */
export const DEFAULT_PROMOTION_GATES: PromotionGates = Object.freeze({
  minSharpe: 1.0,
  minWinRate: 0.52,
  minProfitFactor: 1.3,
  maxDrawdown: 0.15,
  minTrades: 50,
})

/**
 * Validates gates from config (missing fields take the seed's).
 * @throws {ConfigError} naming every bad field.
 */
export function parsePromotionGates(value: unknown, path = 'gates'): PromotionGates {
  const given = parseOrThrow(PromotionGatesSchema.partial(), value ?? {}, { what: 'promotion gates', path })
  return { ...DEFAULT_PROMOTION_GATES, ...given }
}

/** One gate and how the model fared. */
export interface GateResult {
  /** Gate name, e.g. `sharpe` or `beats-prior`. */
  readonly name: string
  /** The model's value. */
  readonly value: number
  /** The limit it is held against. */
  readonly limit: number
  /** `>=`, `<=`, `<` or `>`: how `value` must compare with `limit`. */
  readonly rule: '>=' | '<=' | '<' | '>'
  /** True when the gate holds. */
  readonly passed: boolean
}

function gate(name: string, value: number, spec: { rule: GateResult['rule']; limit: number }): GateResult {
  const { rule, limit } = spec
  const passed =
    Number.isFinite(value) &&
    (rule === '>=' ? value >= limit : rule === '<=' ? value <= limit : rule === '<' ? value < limit : value > limit)
  return { name, value, limit, rule, passed }
}

/** Skill of the candidate, the production model (when there is one) and the baselines on the same rows. */
export interface SkillComparison {
  readonly candidate: SkillMetrics
  readonly production?: SkillMetrics
  readonly prior: SkillMetrics
  readonly majority: SkillMetrics
}

/**
 * The skill gates: log-loss below the prior's and below the production model's.
 * @example const results = skillGates(comparison)
 */
export function skillGates(s: SkillComparison): GateResult[] {
  const gates = [gate('beats-prior (log-loss)', s.candidate.logLoss, { rule: '<', limit: s.prior.logLoss })]
  if (s.production !== undefined) {
    gates.push(gate('beats-production (log-loss)', s.candidate.logLoss, { rule: '<', limit: s.production.logLoss }))
  }
  return gates
}

/** The backtest figures the trading gates read. */
export type GatedSummary = Pick<BacktestSummary, 'sharpe' | 'winRate' | 'profitFactor' | 'maxDrawdownPct' | 'trades'>

/**
 * The seed's trading gates on an evaluation backtest.
 * @example tradingGates(result.summary, DEFAULT_PROMOTION_GATES).every((g) => g.passed)
 */
export function tradingGates(summary: GatedSummary, gates: PromotionGates = DEFAULT_PROMOTION_GATES): GateResult[] {
  return [
    gate('sharpe', summary.sharpe, { rule: '>=', limit: gates.minSharpe }),
    gate('win-rate', summary.winRate, { rule: '>=', limit: gates.minWinRate }),
    gate('profit-factor', summary.profitFactor, { rule: '>=', limit: gates.minProfitFactor }),
    gate('max-drawdown', summary.maxDrawdownPct, { rule: '<=', limit: gates.maxDrawdown }),
    gate('trades', summary.trades, { rule: '>=', limit: gates.minTrades }),
  ]
}

/** Whether a model becomes a candidate, and why (not). */
export interface PromotionDecision {
  /** True when every gate passed (skill and, when a backtest ran, trading). */
  readonly candidate: boolean
  /** Every gate evaluated. */
  readonly gates: readonly GateResult[]
  /** One line per failed gate (empty when `candidate`). */
  readonly reasons: readonly string[]
}

/**
 * Decides from the skill gates and, when a backtest ran, the trading gates. A model that fails a skill
 * gate is never a candidate, whatever its trading metrics.
 * @example const d = decidePromotion({ skill, backtest: result.summary })
 */
export function decidePromotion(input: {
  readonly skill: SkillComparison
  readonly backtest?: GatedSummary
  readonly gates?: PromotionGates
}): PromotionDecision {
  const all = [
    ...skillGates(input.skill),
    ...(input.backtest === undefined ? [] : tradingGates(input.backtest, input.gates)),
  ]
  const reasons = all
    .filter((g) => !g.passed)
    .map((g) => `${g.name}: ${+g.value.toFixed(6)} is not ${g.rule} ${+g.limit.toFixed(6)}`)
  return { candidate: reasons.length === 0, gates: all, reasons }
}
