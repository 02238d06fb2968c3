import { Observable, type MonoTypeOperatorFunction } from 'rxjs'
import type { EngineContext } from '../engine-context.js'
import type { ExchangePort, OrderIntent } from '../../types.js'
import { reportFailure } from '../plugin-driver.js'
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
  // On a venue a bar's step runs under the kernel's watchdog: each guard is marked before its check, so
  // a guard stuck in a loop is the one reported when the step is cut (nothing of that bar is sent).
  const refs = new Map(guards.map((g) => [g, { plugin: g.name, hook: 'check' }]))
  const marked: RiskChainHooks = {
    ...hooks,
    contextOf: (plugin) => {
      health.enter(refs.get(plugin)!, false)
      return engine.contextOf(plugin)
    },
  }
  return (intent) => {
    const approved = runRiskChain(guards, intent, marked)
    health.leave()
    return approved
  }
}
