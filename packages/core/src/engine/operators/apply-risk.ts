import { Observable, type MonoTypeOperatorFunction } from 'rxjs'
import type { EngineContext } from '../engine-context.js'
import type { ExchangePort, OrderIntent, RiskGuardPlugin } from '../../types.js'
import { HookInterrupted, reportFailure } from '../plugin-driver.js'
import { runRiskChain, type RiskChainHooks } from '../risk-chain.js'

/**
 * Runs the risk guards **sequentially** on each intent ({@link runRiskChain}): each guard sees the
 * previous one's (possibly resized) intent, the first deny drops it. Resizes and denials are `risk`
 * events, never exceptions; a guard that throws denies the intent (fail closed) and is reported as a
 * `plugin-error`.
 * @example intents$.pipe(applyRisk(engine), sendTo(sink))
 */
export function applyRisk(engine: EngineContext<ExchangePort>): MonoTypeOperatorFunction<OrderIntent> {
  const check = riskCheckOf(engine)
  return (source) =>
    new Observable<OrderIntent>((subscriber) =>
      source.subscribe({
        next(intent) {
          const approved = check(intent)
          if (approved !== undefined) subscriber.next(approved)
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    )
}

/**
 * The engine's risk check for one intent: {@link runRiskChain} over the run's guards, with `risk`
 * events and `plugin-error`s on the bus. Returns the approved, possibly resized intent, or `undefined`.
 * Exit policies' intents (e.g. profit amplification adds) go through the same check.
 */
export function riskCheckOf(engine: EngineContext<ExchangePort>): (intent: OrderIntent) => OrderIntent | undefined {
  const { bus } = engine
  const hooks: RiskChainHooks = {
    contextOf: (plugin) => engine.contextOf(plugin),
    onVerdict: (plugin, verdict, intent) => bus.emit({ type: 'risk', plugin: plugin.name, verdict, intent }),
    onFailure: (plugin, cause) => reportFailure(bus, { plugin: plugin.name, hook: 'check' }, cause),
  }
  const guards = engine.plugins.risk
  const { health } = engine
  if (!health.interrupts || guards.length === 0) return (intent) => runRiskChain(guards, intent, hooks)
  // On a venue the whole chain runs under one interrupting call (one watchdog per intent, not one per
  // guard); the guard running when it is cut is reported and the intent denied (fail closed).
  let running: RiskGuardPlugin | undefined
  const tracked: RiskChainHooks = {
    ...hooks,
    contextOf: (plugin) => {
      running = plugin
      return engine.contextOf(plugin)
    },
  }
  const chain = { check: (intent: OrderIntent) => runRiskChain(guards, intent, tracked) }
  const ref = { plugin: 'engine:risk-chain', hook: 'check' }
  return (intent) => {
    running = undefined
    try {
      return health.callProtective(ref, chain, [intent]) as OrderIntent | undefined
    } catch (error) {
      if (!(error instanceof HookInterrupted) || running === undefined) throw error
      const guard: RiskGuardPlugin = running
      const cause = new HookInterrupted({ plugin: guard.name, hook: 'check' }, error.budgetMs)
      hooks.onFailure?.(guard, cause)
      const reason = `guard ${guard.name} failed (${cause.message}); failing closed`
      hooks.onVerdict?.(guard, { action: 'deny', reason }, intent)
      return undefined
    }
  }
}
