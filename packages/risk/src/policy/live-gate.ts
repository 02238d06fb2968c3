/**
 * The gate of live trading, on behaviour rather than names: the config must hold a risk policy built by
 * `riskPolicy` (recognised by identity: a plugin merely named `risk:ess` is not the emergency stop),
 * complete (none of its plugins filtered out), with every limit at or below the live ceilings,  a real
 * emergency stop watching its triggers, and an exit policy that is seen placing a reduce-only stop
 * for a fresh entry (probed on a paper account, long and short).
 *
 * The ceilings are the STRICT preset's numbers (`POLICY_PRESETS.STRICT`, the production mode of the
 * spec's Risk-Safety section); the leverage ceiling 10 is also the seed's old MAX_LEVERAGE (SPEC.md).
 * @packageDocumentation
 */
import { createEventBus, createPaperExchange, silentLogger, SimulatedClock } from '@quantum/core'
import type {
  ExitActions,
  ExitPolicyPlugin,
  Fill,
  OrderRequest,
  PluginContext,
  QuantumPlugin,
  ValidationIssue,
} from '@quantum/core'
import { POLICY_PRESETS, PolicyLimitsSchema, type PolicyLimits } from './policy-schema.js'
import type { RiskPolicy } from './risk-policy.js'

/**
 * Every plugin made by `riskPolicy`, mapped to its policy, and every emergency stop a policy made
 * (identity, not names: a copy or a look-alike is not listed). Kept on `globalThis` so that a config
 * loaded through a second copy of this module (jiti may load the CommonJS build while the CLI runs the
 * ES module) is still recognised.
 */
interface Registry {
  readonly policies: WeakMap<object, RiskPolicy>
  readonly stops: WeakSet<object>
}
const REGISTRY_KEY = Symbol.for('@quantum/risk live-gate registry')
const registry: Registry =
  ((globalThis as Record<symbol, unknown>)[REGISTRY_KEY] as Registry | undefined) ??
  ((globalThis as Record<symbol, unknown>)[REGISTRY_KEY] = {
    policies: new WeakMap(),
    stops: new WeakSet(),
  } as Registry)

/** Registers the plugins and the emergency stop of a policy (called by `riskPolicy`). @internal */
export function registerPolicyPlugins(policy: RiskPolicy): void {
  for (const plugin of policy) registry.policies.set(plugin, policy)
  if (policy.ess !== undefined) registry.stops.add(policy.ess)
}

/** The limits live trading accepts at most (at least, for `marginBuffer`): the STRICT preset's. */
export const LIVE_CEILINGS: PolicyLimits = PolicyLimitsSchema.parse(POLICY_PRESETS.STRICT)

/** What {@link liveGateIssues} found. */
export interface LiveGateReport {
  /** Every reason live trading must not start, each with where. Empty: the gate is open. */
  readonly issues: readonly ValidationIssue[]
  /** The policy found (undefined when none was). */
  readonly policy: RiskPolicy | undefined
}

/**
 * The risk policies whose plugins are among `plugins` (built by `riskPolicy`, recognised by identity),
 * in plugin order; usually one.
 * @example const [policy] = riskPoliciesIn(config.plugins)
 */
export function riskPoliciesIn(plugins: readonly QuantumPlugin[]): RiskPolicy[] {
  return [...new Set(plugins.map((p) => registry.policies.get(p)).filter((p): p is RiskPolicy => p !== undefined))]
}

/**
 * Checks a config's plugins for live trading (see the module's description).
 * @example const { issues } = liveGateIssues(config.plugins); if (issues.length) throw new ConfigError('...', issues)
 */
export function liveGateIssues(plugins: readonly QuantumPlugin[]): LiveGateReport {
  const issues: ValidationIssue[] = []
  const present = new Set<object>(plugins)
  const policies = riskPoliciesIn(plugins)
  if (policies.length === 0) {
    issues.push({
      path: 'plugins',
      message:
        "no risk policy built by riskPolicy() (spread ...riskPolicy('STRICT') into plugins; plugins named like the risk plugins do not count)",
    })
    return { issues, policy: undefined }
  }
  if (policies.length > 1) {
    issues.push({ path: 'plugins', message: `${policies.length} risk policies: live trading takes exactly one` })
  }
  const policy = policies[0]!
  const missing = policy.filter((p) => !present.has(p)).map((p) => p.name)
  if (missing.length > 0) {
    issues.push({ path: 'plugins', message: `the risk policy's plugins were removed: ${missing.join(', ')}` })
  }
  issues.push(...limitIssues(policy.limits))
  if (policy.ess === undefined || !registry.stops.has(policy.ess)) {
    issues.push({ path: 'ess', message: 'live trading needs the emergency stop (ess must not be false)' })
  }
  issues.push(...stopIssues(plugins))
  return { issues, policy }
}

function limitIssues(l: PolicyLimits): ValidationIssue[] {
  const c = LIVE_CEILINGS
  const out: ValidationIssue[] = []
  const atMost = (path: string, value: number | false, ceiling: number | false): void => {
    if (ceiling === false) return
    if (value === false) out.push({ path, message: `must be on in live trading (at most ${ceiling})` })
    else if (!(value <= ceiling)) out.push({ path, message: `${value} is above the live ceiling ${ceiling}` })
  }
  atMost('maxPositionNotional', l.maxPositionNotional, c.maxPositionNotional)
  atMost('maxLeverage', l.maxLeverage, c.maxLeverage)
  atMost('perSymbolExposure', l.perSymbolExposure, c.perSymbolExposure)
  atMost('totalExposure', l.totalExposure, c.totalExposure)
  if (!(l.marginBuffer >= c.marginBuffer)) {
    out.push({ path: 'marginBuffer', message: `${l.marginBuffer} is below the live floor ${c.marginBuffer}` })
  }
  const rate = (r: PolicyLimits['orderRate']): number | false => (r === false ? false : (r.max / r.windowMs) * 60_000)
  atMost('orderRate', rate(l.orderRate), rate(c.orderRate))
  atMost('dailyDrawdownPct', l.dailyDrawdownPct, c.dailyDrawdownPct)
  atMost('openLossPct', l.openLossPct, c.openLossPct)
  if (c.correlation !== false) {
    atMost('correlation.cap', l.correlation === false ? false : l.correlation.cap, c.correlation.cap)
  }
  if (l.breakers === false) out.push({ path: 'breakers', message: 'the circuit breakers must be on in live trading' })
  if (l.balance === false) out.push({ path: 'balance', message: 'the portfolio balance must be on in live trading' })
  else if (c.balance !== false) {
    atMost('balance.maxImbalance', l.balance.maxImbalance, c.balance.maxImbalance)
    atMost('balance.maxAssetShare', l.balance.maxAssetShare, c.balance.maxAssetShare)
  }
  if (l.ess === false) return out
  if (c.ess !== false) {
    atMost('ess.dailyDrawdownPct', l.ess.dailyDrawdownPct, c.ess.dailyDrawdownPct)
    atMost('ess.openLossPct', l.ess.openLossPct, c.ess.openLossPct)
    const burst = (b: typeof l.ess.errorBurst): number | false =>
      b === false ? false : (b.count / b.windowMs) * 300_000
    atMost('ess.errorBurst', burst(l.ess.errorBurst), burst(c.ess.errorBurst))
    atMost('ess.staleBars', l.ess.staleBars, c.ess.staleBars)
  }
  return out
}

/** The probe's market: a price and a size any exchange-info default lists. */
const PROBE = { symbol: 'BTCUSDT', price: 60_000, quantity: 0.01 } as const

/**
 * Whether some exit policy places a reduce-only stop for the whole position after an entry fill, for a
 * long and for a short entry (each on a fresh paper account; the policies then see the position closed,
 * so no probe state lingers).
 */
function stopIssues(plugins: readonly QuantumPlugin[]): ValidationIssue[] {
  const exits = plugins.filter((p): p is ExitPolicyPlugin => p.kind === 'exit' && p.onFill !== undefined)
  const sides = (['BUY', 'SELL'] as const).filter((side) => !exits.some((exit) => placesStop(exit, side)))
  if (sides.length === 0) return []
  return [
    {
      path: 'plugins',
      message: `no exit policy places a reduce-only stop on a ${sides.map((s) => (s === 'BUY' ? 'long' : 'short')).join(' or ')} entry (add one, e.g. riskPolicy('STRICT', { stopLossPct: 0.02 }))`,
    },
  ]
}

function placesStop(exit: ExitPolicyPlugin, side: 'BUY' | 'SELL'): boolean {
  const paper = createPaperExchange({ balance: 1_000_000, clock: { now: () => 0 } })
  const ctx: PluginContext = {
    mode: 'live',
    clock: new SimulatedClock(120_000),
    logger: silentLogger,
    exchange: paper,
    account: paper.account,
    bus: createEventBus(),
  }
  const fills: Fill[] = []
  const sub = paper.events$.subscribe((e) => {
    if (e.type === 'fill') fills.push(e.fill)
  })
  const bar = (openTime: number) => ({
    openTime,
    open: PROBE.price,
    high: PROBE.price,
    low: PROBE.price,
    close: PROBE.price,
  })
  try {
    paper.onBar(PROBE.symbol, bar(0))
    void paper.placeOrder({ symbol: PROBE.symbol, side, type: 'MARKET', quantity: PROBE.quantity }).catch(() => {})
    paper.onBar(PROBE.symbol, bar(60_000))
    const fill = fills[0]
    if (fill === undefined) return false
    const position = paper.account.getPosition(PROBE.symbol)
    let actions: ExitActions | undefined
    try {
      actions = exit.onFill!(fill, position, ctx)
    } catch {
      return false
    }
    const orders: OrderRequest[] = [...(actions?.place ?? []), ...(actions?.replace ?? []).map((r) => r.with)]
    const ok = orders.some(
      (o) =>
        o.symbol === PROBE.symbol &&
        o.type === 'STOP_MARKET' &&
        o.side !== side &&
        o.reduceOnly === true &&
        (o.quantity ?? 0) >= position.quantity * 0.999,
    )
    try {
      exit.onFill!({ ...fill, side: side === 'BUY' ? 'SELL' : 'BUY', reduceOnly: true }, flat(position), ctx)
    } catch {
      // the probe's clean-up is best effort
    }
    return ok
  } finally {
    sub.unsubscribe()
  }
}

function flat<P extends { side: string; quantity: number }>(position: P): P {
  return { ...position, side: 'FLAT', quantity: 0 }
}
