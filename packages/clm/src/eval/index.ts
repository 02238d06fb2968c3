/**
 * Out-of-time evaluation: skill metrics, baselines, the promotion gates, and the evaluation of a
 * candidate model file (skill + backtest of the user's strategy through the SDK's engine).
 * @packageDocumentation
 */
export { skillMetrics, classPrior, constantProbabilities, majorityProbabilities } from './metrics.js'
export type { SkillMetrics, CalibrationBin, Probabilities } from './metrics.js'
export {
  PromotionGatesSchema,
  DEFAULT_PROMOTION_GATES,
  parsePromotionGates,
  skillGates,
  tradingGates,
  decidePromotion,
} from './gates.js'
export type { PromotionGates, GateResult, SkillComparison, GatedSummary, PromotionDecision } from './gates.js'
export { scoreOnnxModel } from './score-model.js'
export type { NamedRows, WindowRows } from './score-model.js'
export { backtestWithModel, evaluateCandidate, isStrategyModule, loadStrategyModule } from './evaluate.js'
export type {
  BacktestWindow,
  ModelRef,
  StrategyFactory,
  StrategyModule,
  EvaluationBacktest,
  EvaluateOptions,
  EvaluationReport,
} from './evaluate.js'
