import type { RiskGuardPlugin } from '@quantum/core'
import type { PolicyLimits, PolicyName } from './policy-schema.js'

/** A policy as `GET /policy` shows it. */
export interface PolicyDescription {
  readonly policy: PolicyName
  /** Every limit (`false`: the rule is off). The ESS token is never included. */
  readonly limits: PolicyLimits
  /** The guards in chain order with the rule each applies. */
  readonly rules: readonly { readonly plugin: string; readonly rule: string }[]
}

const RULES: Readonly<Record<string, (l: PolicyLimits) => string>> = {
  'risk:ess': () =>
    'emergency stop: while TRIPPED only reduce-only intents pass; orders cancelled, positions flattened',
  'risk:circuit-breakers': () => 'while a breaker cools down, only reduce-only intents pass',
  'risk:max-leverage': (l) => `entries at most ${l.maxLeverage}x`,
  'risk:order-rate': (l) =>
    l.orderRate === false ? '' : `at most ${l.orderRate.max} entries per ${l.orderRate.windowMs} ms`,
  'risk:daily-drawdown-limit': (l) => `no entries once the day's loss reaches ${pct(l.dailyDrawdownPct)}`,
  'risk:open-loss-limit': (l) => `no entries while the open loss is at or above ${pct(l.openLossPct)}`,
  'risk:correlation-cap': (l) =>
    l.correlation === false ? '' : `no same-side entry correlated above ${l.correlation.cap} with an open position`,
  'risk:portfolio-balance': (l) =>
    l.balance === false
      ? ''
      : `long/short imbalance at most ${pct(l.balance.maxImbalance)}, one asset at most ${pct(l.balance.maxAssetShare)} of equity`,
  'risk:max-position-notional': (l) => `positions at most ${l.maxPositionNotional} USDT (resized, rounded to the step)`,
  'risk:max-exposure': (l) =>
    `exposure at most ${l.perSymbolExposure} USDT per symbol, ${l.totalExposure} USDT in total`,
  'risk:available-margin': (l) => `margin and fees must fit the available balance minus ${pct(l.marginBuffer)}`,
  'risk:min-notional': () => "quantities rounded to the instrument's step; entries below minQty or min notional denied",
}

function pct(x: number | false): string {
  return x === false ? 'off' : `${+(x * 100).toFixed(4)}%`
}

/** Describes a resolved policy: its limits and each guard's rule. */
export function describeLimits(
  policy: PolicyName,
  limits: PolicyLimits,
  guards: readonly RiskGuardPlugin[],
): PolicyDescription {
  return {
    policy,
    limits,
    rules: guards.map((g) => ({ plugin: g.name, rule: RULES[g.name]?.(limits) ?? 'custom guard' })),
  }
}
