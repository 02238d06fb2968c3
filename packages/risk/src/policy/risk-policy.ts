/**
 * `riskPolicy('STRICT' | 'PERMISSIVE' | 'FLOOR', overrides?)`: a preset's guards, emergency stop,
 * circuit breakers and portfolio balance as one list of plugins, plus the handles to drive them.
 * @packageDocumentation
 */
import { ConfigError, parseOrThrow, runRiskChain } from '@quantum/core'
import type { OrderIntent, PluginContext, QuantumPlugin, RiskGuardPlugin } from '@quantum/core'
import { riskHttpPlugin } from '../http/http-plugin.js'
import { circuitBreakerGuard } from '../breakers/circuit-breaker-guard.js'
import { CircuitBreakers } from '../breakers/circuit-breakers.js'
import { EmergencyStop, type EmergencyStopDeps } from '../ess/emergency-stop.js'
import { emergencyStopPlugins } from '../ess/ess-plugins.js'
import { portfolioBalance } from '../pba/portfolio-balance.js'
import { availableMargin } from '../plugins/available-margin.js'
import { correlationCap } from '../plugins/correlation-cap.js'
import { dailyDrawdownLimit } from '../plugins/daily-drawdown-limit.js'
import { maxExposure } from '../plugins/max-exposure.js'
import { maxLeverage } from '../plugins/max-leverage.js'
import { maxPositionNotional } from '../plugins/max-position-notional.js'
import { minNotional } from '../plugins/min-notional.js'
import { openLossLimit } from '../plugins/open-loss-limit.js'
import { orderRate } from '../plugins/order-rate.js'
import { stopLossFloor } from '../plugins/stop-loss-floor.js'
import { TradingStateBoard } from '../trading-state.js'
import { describeLimits, type PolicyDescription } from './describe-policy.js'
import { registerPolicyPlugins } from './live-gate.js'
import {
  POLICY_NAMES,
  POLICY_PRESETS,
  PolicyLimitsSchema,
  PolicyOverridesSchema,
  type PolicyLimits,
  type PolicyName,
  type PolicyOverrides,
} from './policy-schema.js'

/** The answer of {@link RiskPolicy.validate}: the chain's verdict on one intent, without sending it. */
export interface ValidationResult {
  /** Whether the intent (possibly resized) would be sent. */
  readonly allowed: boolean
  /** The intent after every resize (undefined when denied). */
  readonly intent: OrderIntent | undefined
  /** Every resize and deny reason, each prefixed with its guard. */
  readonly reasons: readonly string[]
}

/** What {@link riskPolicy} returns: the plugins (spread them into `plugins`) and the policy's handles. */
export type RiskPolicy = readonly QuantumPlugin[] & {
  /** The preset's name. */
  readonly policy: PolicyName
  /** The resolved limits (the ESS token removed). */
  readonly limits: PolicyLimits
  /** The guards in chain order (what `validate` runs). */
  readonly guards: readonly RiskGuardPlugin[]
  /** The emergency stop (undefined when the policy has `ess: false`). */
  readonly ess: EmergencyStop | undefined
  /** The circuit breakers (undefined when the policy has `breakers: false`). */
  readonly breakers: CircuitBreakers | undefined
  /** The combined trading state of the ESS and the breakers. */
  readonly board: TradingStateBoard
  /** The limits and the rules, for people and `GET /policy`. */
  describe(): PolicyDescription
  /** Runs the guard chain on `intent` (a dry run: nothing is sent, nothing is counted). */
  validate(intent: OrderIntent, ctx: PluginContext): ValidationResult
}

/** Collaborators of {@link riskPolicy} (tests inject the ESS store and the environment). */
export type RiskPolicyDeps = Omit<EmergencyStopDeps, 'board'>

/**
 * Builds a risk policy from a preset and overrides: validates the overrides (unknown keys, negative or
 * inconsistent limits are a {@link ConfigError} listing every path), then returns the guards, the
 * emergency stop's plugins, the breakers' guard, the portfolio balance plugins and (for FLOOR) the
 * protective stop, in the order they must run.
 * @throws {ConfigError} for an unknown preset or invalid overrides.
 * @example
 * export default defineConfig({ plugins: [emaCross(), fixedNotional(), ...riskPolicy('STRICT', { maxLeverage: 5 })] })
 */
export function riskPolicy(name: PolicyName, overrides: PolicyOverrides = {}, deps: RiskPolicyDeps = {}): RiskPolicy {
  if (!(POLICY_NAMES as readonly string[]).includes(name)) {
    throw new ConfigError('Unknown risk policy', [
      { path: 'policy', message: `expected one of ${POLICY_NAMES.join(', ')}, got ${JSON.stringify(name)}` },
    ])
  }
  const given = parseOrThrow(PolicyOverridesSchema, overrides, {
    what: `overrides of risk policy ${name}`,
    path: 'overrides',
  })
  const limits = parseOrThrow(PolicyLimitsSchema, mergeOverrides(POLICY_PRESETS[name], given), {
    what: `risk policy ${name}`,
    path: 'overrides',
  })
  const board = new TradingStateBoard()
  const ess = limits.ess === false ? undefined : new EmergencyStop(limits.ess, { ...deps, board })
  const breakers = limits.breakers === false ? undefined : new CircuitBreakers(limits.breakers, board)
  const plugins = buildPlugins(limits, { ess, breakers })
  const guards = plugins.filter((p): p is RiskGuardPlugin => p.kind === 'risk')
  const publicLimits = Object.freeze({ ...limits, ess: ess === undefined ? false : { ...ess.options } }) as PolicyLimits
  const list: QuantumPlugin[] = [...plugins]
  const policy: RiskPolicy = Object.assign(list, {
    policy: name,
    limits: publicLimits,
    guards,
    ess,
    breakers,
    board,
    describe: () => describeLimits(name, publicLimits, guards),
    validate: (intent: OrderIntent, ctx: PluginContext) => validateChain(guards, intent, ctx),
  })
  if (limits.http !== false) list.push(riskHttpPlugin(policy, limits.http))
  registerPolicyPlugins(policy)
  return policy
}

function buildPlugins(
  l: PolicyLimits,
  parts: { ess: EmergencyStop | undefined; breakers: CircuitBreakers | undefined },
): QuantumPlugin[] {
  const out: QuantumPlugin[] = []
  if (parts.ess !== undefined) out.push(...emergencyStopPlugins(parts.ess))
  if (parts.breakers !== undefined) out.push(circuitBreakerGuard(parts.breakers))
  out.push(maxLeverage({ max: l.maxLeverage }))
  if (l.orderRate !== false) out.push(orderRate(l.orderRate))
  if (l.dailyDrawdownPct !== false) out.push(dailyDrawdownLimit({ maxPct: l.dailyDrawdownPct }))
  if (l.openLossPct !== false) out.push(openLossLimit({ maxPct: l.openLossPct }))
  if (l.correlation !== false) out.push(correlationCap(l.correlation))
  const pba = l.balance === false ? undefined : portfolioBalance(l.balance)
  if (pba !== undefined) out.push(pba[0])
  out.push(maxPositionNotional({ max: l.maxPositionNotional }))
  out.push(maxExposure({ perSymbol: l.perSymbolExposure, total: l.totalExposure }))
  out.push(availableMargin({ buffer: l.marginBuffer }))
  // Last: the precision and minimum check sees the final (resized) quantity.
  out.push(minNotional())
  if (l.stopLossPct !== false) out.push(stopLossFloor({ pct: l.stopLossPct }))
  if (pba !== undefined) out.push(pba[1])
  return out
}

function mergeOverrides(preset: object, overrides: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...preset }
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue
    const base = out[key]
    const nested = typeof value === 'object' && value !== null && typeof base === 'object' && base !== null
    out[key] = nested ? { ...base, ...value } : value
  }
  return out
}

/**
 * The engine's risk chain ({@link runRiskChain}: sequential, first deny stops, resizes carried on, a
 * throwing guard denies) as a dry run: nothing is emitted, every resize and denial is listed.
 */
export function validateChain(
  guards: readonly RiskGuardPlugin[],
  intent: OrderIntent,
  ctx: PluginContext,
): ValidationResult {
  const reasons: string[] = []
  const approved = runRiskChain(guards, intent, {
    contextOf: () => ctx,
    onVerdict: (guard, verdict) => reasons.push(`${guard.name}: ${verdict.reason}`),
  })
  return approved === undefined
    ? { allowed: false, intent: undefined, reasons }
    : { allowed: true, intent: approved, reasons }
}

/**
 * The limits and rules of a preset with overrides, without wiring anything (what `GET /policy` shows).
 * @throws {ConfigError} for an unknown preset or invalid overrides.
 * @example describePolicy('STRICT').limits.maxLeverage // 10
 */
export function describePolicy(name: PolicyName, overrides: PolicyOverrides = {}): PolicyDescription {
  return riskPolicy(name, overrides, { env: {} }).describe()
}
