import { PluginError } from '../errors.js'
import type {
  AgentPlugin,
  DecisionPlugin,
  EventBus,
  ExitPolicyPlugin,
  ObserverPlugin,
  QuantumPlugin,
  RiskGuardPlugin,
  RunMode,
  SizerPlugin,
} from '../types.js'

/** The plugins of a run, sorted by kind and tier. */
export interface SortedPlugins {
  readonly agents: readonly AgentPlugin[]
  /** The decision plugin in force (the last registered), if any. */
  readonly decision: DecisionPlugin | undefined
  /** The sizer in force (the last registered), if any. */
  readonly sizer: SizerPlugin | undefined
  readonly risk: readonly RiskGuardPlugin[]
  readonly exits: readonly ExitPolicyPlugin[]
  readonly observers: readonly ObserverPlugin[]
  /** Every active plugin in setup order. */
  readonly all: readonly QuantumPlugin[]
}

const TIER = { pre: 0, normal: 1, post: 2 } as const

/**
 * Filters plugins by their `apply` condition and sorts each kind into `pre / normal / post` tiers,
 * keeping registration order within a tier (Rollup's rule).
 * @example const sorted = sortPlugins(config.plugins, 'backtest')
 */
export function sortPlugins(plugins: readonly QuantumPlugin[], mode: RunMode): SortedPlugins {
  const active = plugins
    .filter((p) => appliesTo(p, mode))
    .map((p, i) => ({ p, i }))
    .sort((a, b) => TIER[a.p.enforce ?? 'normal'] - TIER[b.p.enforce ?? 'normal'] || a.i - b.i)
    .map(({ p }) => p)
  const ofKind = <K extends QuantumPlugin['kind']>(kind: K) =>
    active.filter((p): p is Extract<QuantumPlugin, { kind: K }> => p.kind === kind)
  return {
    agents: ofKind('agent'),
    decision: ofKind('decision').at(-1),
    sizer: ofKind('sizer').at(-1),
    risk: ofKind('risk'),
    exits: ofKind('exit'),
    observers: ofKind('observer'),
    all: active,
  }
}

function appliesTo(plugin: QuantumPlugin, mode: RunMode): boolean {
  if (plugin.apply === undefined) return true
  if (typeof plugin.apply === 'function') return plugin.apply({ mode })
  return plugin.apply === mode
}

/** Identifies a plugin hook in error events. */
export interface HookRef {
  /** The plugin's name. */
  readonly plugin: string
  /** The hook, e.g. `onBar`. */
  readonly hook: string
}

/**
 * Calls a plugin hook; a throw becomes a `plugin-error` event on the bus (the stream lives on) and the
 * call returns `undefined`.
 */
export function guard<T>(bus: EventBus, ref: HookRef, call: () => T): T | undefined {
  try {
    return call()
  } catch (cause) {
    reportFailure(bus, ref, cause)
    return undefined
  }
}

/** Emits the `plugin-error` event for a hook that threw (for hot paths that inline their try/catch). */
export function reportFailure(bus: EventBus, ref: HookRef, cause: unknown): void {
  bus.emit({
    type: 'plugin-error',
    plugin: ref.plugin,
    hook: ref.hook,
    error: new PluginError(ref.plugin, ref.hook, cause),
  })
}
