/**
 * `@quantum/risk`: Risk-Safety. Pre-trade guards (each may approve, resize or deny with a reason),
 * the policies PERMISSIVE / STRICT / FLOOR, the Emergency Stop System, circuit breakers, the Portfolio
 * Balance Agent, and an HTTP API over them. A risk decision is an event with reasons, never a silent drop.
 * @packageDocumentation
 */

// Guards (one plugin per file)
export { maxPositionNotional } from './plugins/max-position-notional.js'
export { maxLeverage } from './plugins/max-leverage.js'
export { maxExposure } from './plugins/max-exposure.js'
export { correlationCap } from './plugins/correlation-cap.js'
export { dailyDrawdownLimit } from './plugins/daily-drawdown-limit.js'
export { openLossLimit } from './plugins/open-loss-limit.js'
export { minNotional } from './plugins/min-notional.js'
export { availableMargin } from './plugins/available-margin.js'
export { orderRate } from './plugins/order-rate.js'
export { stopLossFloor } from './plugins/stop-loss-floor.js'
export { liquidationGuard } from './plugins/liquidation-guard.js'

// Policies
export { riskPolicy, describePolicy, validateChain } from './policy/risk-policy.js'
export type { RiskPolicy, RiskPolicyDeps, ValidationResult } from './policy/risk-policy.js'
export { LIVE_CEILINGS, liveGateIssues, riskPoliciesIn } from './policy/live-gate.js'
export type { LiveGateReport } from './policy/live-gate.js'
export {
  POLICY_NAMES,
  POLICY_PRESETS,
  PolicyLimitsSchema,
  PolicyOverridesSchema,
  BalanceLimitsSchema,
  RiskHttpOptionsSchema,
} from './policy/policy-schema.js'
export type { PolicyLimits, PolicyName, PolicyOverrides } from './policy/policy-schema.js'
export type { PolicyDescription } from './policy/describe-policy.js'

// Emergency Stop System
export {
  EmergencyStop,
  EmergencyStopOptionsSchema,
  ESS_TOKEN_ENV,
  MIN_TOKEN_LENGTH,
  STATE_DIR_ENV,
  essStateDir,
} from './ess/emergency-stop.js'
export type { EmergencyStopOptions, EmergencyStopDeps, EssStatus } from './ess/emergency-stop.js'
export { emergencyStopPlugins, flattenActions } from './ess/ess-plugins.js'
export {
  fileEssStore,
  memoryEssStore,
  writeFileAtomicSync,
  EssRecordSchema,
  EssStateSchema,
  EssTriggerSchema,
} from './ess/ess-store.js'
export type { EssRecord, EssState, EssStore, EssTrigger } from './ess/ess-store.js'

// Circuit breakers and the trading state
export { CircuitBreakers, CircuitBreakersOptionsSchema } from './breakers/circuit-breakers.js'
export type { BreakerName, BreakerStatus, CircuitBreakersOptions } from './breakers/circuit-breakers.js'
export { circuitBreakerGuard } from './breakers/circuit-breaker-guard.js'
export { TradingStateBoard, stricter } from './trading-state.js'

// Portfolio Balance Agent
export { portfolioBalance } from './pba/portfolio-balance.js'
export type { PortfolioBalanceOptions } from './pba/portfolio-balance.js'
export { readBook, imbalance, proposeTrims } from './pba/book.js'
export type { Book, BalanceCaps, Trim } from './pba/book.js'

// Measures
export { DailyEquity, ReturnWindow, openLossFraction, pearson } from './monitors.js'

// HTTP API
export { createRiskServer, riskRoutes } from './http/server.js'
export type { RiskServer, RiskServerOptions, RiskRoutesOptions, RiskContextSource } from './http/server.js'
export { riskHttpPlugin, riskApiFor } from './http/http-plugin.js'
export type { MountedRiskApi } from './http/http-plugin.js'
export { riskOpenApi } from './http/openapi.js'
export {
  ValidateRequestSchema,
  ValidateResponseSchema,
  TripRequestSchema,
  ResetRequestSchema,
  EssStatusSchema,
  PolicyResponseSchema,
  ErrorResponseSchema,
} from './http/schemas.js'

// AI-HFOS: the coordinator of every module's directives
export { hfos, DIRECTIVE_PRECEDENCE } from './hfos/hfos.js'

// Orchestrator Policy: switches the preset in force by rules
export { orchestratorPolicy } from './orchestrator/orchestrator-policy.js'
export type { OrchestratorPolicyOptions } from './orchestrator/orchestrator-policy.js'
export { POLICY_METRICS, ConditionSchema } from './orchestrator/policy-metrics.js'
export type { PolicyMetric, Condition, RegimeSource } from './orchestrator/policy-metrics.js'
