/**
 * Records what agents and exit policies answer on every call, keyed by plugin, hook, symbol and time, so
 * two runs of the same strategy on different data windows can be compared call by call.
 * @packageDocumentation
 */
import type { AgentPlugin, ExitPolicyPlugin, MarketBar, PluginContext, QuantumPlugin } from '../types.js'

/** One answer of a plugin hook. */
export interface PluginOutput {
  /** `<plugin name>|<hook>|<symbol>|<time>|<n-th call with that key>` */
  readonly key: string
  readonly plugin: string
  readonly kind: 'agent' | 'exit'
  readonly hook: 'onBar' | 'onFill'
  readonly symbol: string
  /** The bar's open time (`onBar`) or the fill's time (`onFill`), epoch ms. */
  readonly time: number
  /** The answer as JSON (`undefined` when the hook returned nothing). */
  readonly output: string
  /** The signal's confidence, for agents that answered one. */
  readonly confidence?: number
}

/** Plugins whose agent and exit hooks record into `outputs`. */
export interface RecordedPlugins {
  readonly plugins: QuantumPlugin[]
  readonly outputs: PluginOutput[]
}

function json(value: unknown): string {
  return value === undefined
    ? 'undefined'
    : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))
}

/**
 * `plugins` with every agent's `onBar` and every exit policy's `onBar` / `onFill` recording their
 * answers. Each wrapped plugin is a proxy of the original (reads and writes go through to it).
 */
export function recordPlugins(plugins: readonly QuantumPlugin[]): RecordedPlugins {
  const outputs: PluginOutput[] = []
  const seen = new Map<string, number>()
  const record = (o: Omit<PluginOutput, 'key'>): void => {
    const base = `${o.plugin}|${o.hook}|${o.symbol}|${o.time}`
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    outputs.push({ ...o, key: `${base}|${n}` })
  }
  const wrapped = plugins.map((p): QuantumPlugin => {
    if (p.kind === 'agent') return wrapAgent(p, record)
    if (p.kind === 'exit') return wrapExit(p, record)
    return p
  })
  return { plugins: wrapped, outputs }
}

type Record_ = (o: Omit<PluginOutput, 'key'>) => void

/**
 * A proxy of `p` whose `hook` records: the other properties and hooks are the original's, read and
 * written through (class-based plugins keep their `this`).
 */
function intercept<P extends object>(p: P, hooks: Partial<Record<keyof P, (...args: never[]) => unknown>>): P {
  return new Proxy(p, {
    get: (target, prop, receiver) =>
      Object.hasOwn(hooks, prop) ? hooks[prop as keyof P] : (Reflect.get(target, prop, receiver) as unknown),
  })
}

function wrapAgent(p: AgentPlugin, record: Record_): AgentPlugin {
  const agent: AgentPlugin = intercept(p, {
    onBar: (bar: MarketBar, ctx: PluginContext) => {
      const out = p.onBar.call(agent, bar, ctx)
      record({
        plugin: p.name,
        kind: 'agent',
        hook: 'onBar',
        symbol: bar.symbol,
        time: bar.openTime,
        output: json(out),
        ...(out === undefined ? {} : { confidence: out.confidence }),
      })
      return out
    },
  })
  return agent
}

function wrapExit(p: ExitPolicyPlugin, record: Record_): ExitPolicyPlugin {
  const hooks: Partial<Record<keyof ExitPolicyPlugin, (...args: never[]) => unknown>> = {}
  const exit: ExitPolicyPlugin = intercept(p, hooks)
  if (p.onBar !== undefined)
    hooks.onBar = (bar: MarketBar, ctx: PluginContext) => {
      const out = p.onBar?.call(exit, bar, ctx)
      record({ plugin: p.name, kind: 'exit', hook: 'onBar', symbol: bar.symbol, time: bar.openTime, output: json(out) })
      return out
    }
  if (p.onFill !== undefined)
    hooks.onFill = (...args: Parameters<NonNullable<ExitPolicyPlugin['onFill']>>) => {
      const out = p.onFill?.call(exit, ...args)
      const fill = args[0]
      record({ plugin: p.name, kind: 'exit', hook: 'onFill', symbol: fill.symbol, time: fill.time, output: json(out) })
      return out
    }
  return exit
}
