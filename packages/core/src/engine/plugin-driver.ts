import { createContext, Script, type Context } from 'node:vm'
import { nativeWatchdog } from './native-watchdog.js'
import { PluginError } from '../errors.js'
import type {
  AgentPlugin,
  DecisionPlugin,
  EventBus,
  ExecutionPlugin,
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
  /** Execution plugins (AELM), innermost first. */
  readonly executions: readonly ExecutionPlugin[]
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
    executions: ofKind('execution'),
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
    error: cause instanceof PluginError ? cause : new PluginError(ref.plugin, ref.hook, cause),
  })
}

/** Options of {@link PluginHealth}. */
export interface PluginHealthOptions {
  /**
   * Time budget of one synchronous hook call (ms): a call that takes longer is reported and its plugin
   * isolated. Live modes only (a backtest never reads a clock). @default off
   */
  readonly budgetMs?: number | undefined
  /**
   * Failures in a row (throws, invalid output) after which a plugin is isolated; a good call resets
   * the count. @default off
   */
  readonly isolateAfter?: number | undefined
  /** The clock hook calls are timed with. @default performance.now */
  readonly now?: (() => number) | undefined
  /**
   * Interrupt a synchronous hook call (an endless loop) once it has run for the budget, through V8's
   * execution termination (`node:vm`'s timeout), instead of waiting for it to return: the plugin is
   * isolated and the run goes on protecting. With the native watchdog (built with the package when
   * Node's headers are here) it costs about a microsecond per call; with `node:vm`'s fallback about
   * 0.1–0.3 ms (a thread per call), so it is meant for venues. Needs `budgetMs`. @default false
   */
  readonly interrupt?: boolean | undefined
}

/** The one hook call in progress under an interrupting budget (read by {@link HOOK_SCRIPT}). */
interface HookCall {
  self: Record<string, unknown> | undefined
  method: string
  a: unknown
  b: unknown
  c: unknown
}

/** A separate context holding {@link HookCall}: nothing is added to the run's global object. */
let hookContext: { call: HookCall; context: Context; script: Script } | undefined

function interruptible(): NonNullable<typeof hookContext> {
  if (hookContext !== undefined) return hookContext
  const call: HookCall = { self: undefined, method: '', a: undefined, b: undefined, c: undefined }
  const context = createContext({ call })
  // The plugin's own function runs (in its own realm) inside this script, so the script's timeout
  // covers it: V8 terminates it wherever it loops.
  const script = new Script('call.self[call.method](call.a, call.b, call.c)', { filename: 'quantum:hook-budget' })
  return (hookContext = { call, context, script })
}

/** A hook call cut at the budget by {@link PluginHealth.call}. */
export class HookInterrupted extends PluginError {
  /** The budget it overran (ms). */
  readonly budgetMs: number

  constructor(ref: HookRef, budgetMs: number) {
    super(ref.plugin, ref.hook, `did not return within the hook budget of ${budgetMs} ms: interrupted`)
    this.budgetMs = budgetMs
  }
}

function isTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT'
}

/**
 * The kernel's view of its plugins' health: failures in a row, hook calls timed against a budget
 * (live modes), and the plugins isolated for either — or by a supervisor through {@link isolate}.
 * An isolated agent, decision plugin or sizer is no longer called (no new entries from it); exit
 * policies and risk guards are never isolated (they protect and fail closed). Every isolation is a
 * `plugin-isolated` event.
 */
export class PluginHealth {
  /** True when hook calls are timed (a budget is set). */
  readonly timed: boolean
  /** True when a bar's synchronous step runs under a watchdog ({@link step}). */
  readonly interrupts: boolean
  private current: HookRef | undefined
  private currentIsolates = false
  /** Bumped on every isolation, so hot loops re-read {@link isIsolated} only when it changed. */
  version = 0
  private readonly budgetMs: number
  private readonly isolateAfter: number
  private readonly streaks = new Map<string, number>()
  private readonly isolated = new Map<string, string>()
  /** The clock hook calls are timed with. */
  readonly now: () => number

  constructor(
    private readonly bus: EventBus,
    options: PluginHealthOptions = {},
  ) {
    this.timed = options.budgetMs !== undefined
    this.budgetMs = options.budgetMs ?? Number.POSITIVE_INFINITY
    this.isolateAfter = options.isolateAfter ?? Number.POSITIVE_INFINITY
    this.now = options.now ?? (() => performance.now())
    this.interrupts = this.timed && options.interrupt === true
  }

  /**
   * Marks the hook about to run inside an interruptible {@link step}: when the step is cut, this hook
   * is blamed (and isolated when `isolates`: agents, decision plugins, sizers). Call {@link leave} after.
   */
  enter(ref: HookRef, isolates: boolean): void {
    this.current = ref
    this.currentIsolates = isolates
  }

  /** The marked hook returned. */
  leave(): void {
    this.current = undefined
  }

  /**
   * Runs `self[method]()` (one bar's synchronous step: market step, agents, decision, sizing, risk, the
   * sink) under one V8 watchdog of twice the hook budget, instead of one per hook call. When it is cut,
   * the hook marked by {@link enter} is reported as a `PluginError` and, for an agent, decision plugin or
   * sizer, isolated; nothing more of that bar runs (no entry is sent). Returns false when it was cut.
   */
  step(self: object, method: string): boolean {
    const ref = { plugin: 'engine:kernel', hook: method }
    this.current = undefined
    try {
      this.interruptible({ ref, self, timeoutMs: this.budgetMs * 2 }, [undefined])
      return true
    } catch (error) {
      if (!(error instanceof HookInterrupted)) throw error
      const blamed = this.current ?? ref
      const cut = new PluginError(
        blamed.plugin,
        blamed.hook,
        `did not return: interrupted after ${error.budgetMs} ms (twice the hook budget)`,
      )
      reportFailure(this.bus, blamed, cut)
      if (this.current !== undefined && this.currentIsolates)
        this.isolate(blamed, `${blamed.hook} interrupted after ${error.budgetMs} ms (it did not return)`)
      this.current = undefined
      return false
    }
  }

  /**
   * Calls the hook `ref.hook` of `self` with `args` (at most three) under its own watchdog, for hooks
   * that run outside a bar's {@link step} (exit policies' `onFill`): an interrupted call throws a
   * `PluginError`; the plugin is not isolated (exit policies protect) and is called again next time.
   */
  callProtective(ref: HookRef, self: object, args: readonly [unknown, unknown?, unknown?]): unknown {
    return this.interruptible({ ref, self, timeoutMs: this.budgetMs }, args)
  }

  private interruptible(
    target: { readonly ref: HookRef; readonly self: object; readonly timeoutMs: number },
    args: readonly [unknown, unknown?, unknown?],
  ): unknown {
    const { ref, self, timeoutMs } = target
    const native = nativeWatchdog().run
    if (native !== undefined) {
      const fn = (self as Record<string, unknown>)[ref.hook]
      if (typeof fn !== 'function') throw new TypeError(`${ref.plugin}.${ref.hook} is not a function`)
      try {
        return native(fn as (...a: unknown[]) => unknown, self, args[0], args[1], args[2], timeoutMs)
      } catch (error) {
        if (!isTimeout(error)) throw error
        throw new HookInterrupted(ref, timeoutMs)
      }
    }
    const h = interruptible()
    h.call.self = self as Record<string, unknown>
    h.call.method = ref.hook
    h.call.a = args[0]
    h.call.b = args[1]
    h.call.c = args[2]
    try {
      return h.script.runInContext(h.context, { timeout: timeoutMs })
    } catch (error) {
      if (!isTimeout(error)) throw error
      throw new HookInterrupted(ref, timeoutMs)
    } finally {
      h.call.self = undefined
      h.call.a = undefined
      h.call.b = undefined
      h.call.c = undefined
    }
  }

  /** True when `plugin` has been isolated. */
  isIsolated(plugin: string): boolean {
    return this.isolated.has(plugin)
  }

  /** The isolated plugins with why. */
  isolatedPlugins(): ReadonlyMap<string, string> {
    return this.isolated
  }

  /** Reports a failed call (a throw or invalid output) and isolates the plugin after too many in a row. */
  fail(ref: HookRef, cause: unknown): void {
    reportFailure(this.bus, ref, cause)
    const streak = (this.streaks.get(ref.plugin) ?? 0) + 1
    this.streaks.set(ref.plugin, streak)
    if (streak >= this.isolateAfter) this.isolate(ref, `${streak} failures in a row`)
  }

  /** A good call: resets the plugin's failure streak (free while no plugin has failed). */
  ok(plugin: string): void {
    if (this.streaks.size !== 0) this.streaks.delete(plugin)
  }

  /**
   * Checks a timed call that started at `started` (from {@link now}); over the budget it is reported
   * as a `PluginError` and the plugin isolated. Returns false when the call overran.
   */
  within(ref: HookRef, started: number): boolean {
    const took = this.now() - started
    if (took <= this.budgetMs) return true
    if (this.isolated.has(ref.plugin)) return false // interrupted ({@link call}): already reported
    reportFailure(
      this.bus,
      ref,
      new PluginError(ref.plugin, ref.hook, `took ${Math.round(took)} ms, over the hook budget of ${this.budgetMs} ms`),
    )
    this.isolate(ref, `${ref.hook} took ${Math.round(took)} ms (budget ${this.budgetMs} ms)`)
    return false
  }

  /** Stops calling `ref.plugin` (a supervisor's action too); emits `plugin-isolated` once. */
  isolate(ref: HookRef, reason: string): void {
    if (this.isolated.has(ref.plugin)) return
    this.isolated.set(ref.plugin, reason)
    this.version++
    this.bus.emit({ type: 'plugin-isolated', plugin: ref.plugin, hook: ref.hook, reason })
  }
}
