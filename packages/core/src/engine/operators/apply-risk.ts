import { Observable, type MonoTypeOperatorFunction } from 'rxjs'
import type { EngineContext } from '../engine-context.js'
import { guard } from '../plugin-driver.js'
import type { OrderIntent, RiskGuardPlugin, RiskVerdict } from '../../types.js'

/**
 * Runs the risk guards **sequentially** on each intent: each guard sees the previous one's (possibly
 * resized) intent, the first deny drops it. Resizes and denials are `risk` events, never exceptions;
 * a guard that throws denies the intent (fail closed) and is reported as a `plugin-error`.
 * @example intents$.pipe(applyRisk(engine), executeIntents(engine))
 */
export function applyRisk(engine: EngineContext): MonoTypeOperatorFunction<OrderIntent> {
  const { bus } = engine
  const guards = engine.plugins.risk
  const contexts = guards.map((g) => engine.contextOf(g))
  return (source) =>
    new Observable<OrderIntent>((subscriber) =>
      source.subscribe({
        next(intent) {
          let current = intent
          for (let k = 0; k < guards.length; k++) {
            const plugin = guards[k] as RiskGuardPlugin
            const verdict: RiskVerdict = guard(bus, { plugin: plugin.name, hook: 'check' }, () =>
              plugin.check(current, contexts[k]!),
            ) ?? {
              action: 'deny',
              reason: `guard ${plugin.name} failed; failing closed`,
            }
            if (verdict.action === 'approve') continue
            bus.emit({ type: 'risk', plugin: plugin.name, verdict, intent: current })
            if (verdict.action === 'deny') return
            current = resize(current, verdict)
          }
          subscriber.next(current)
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    )
}

function resize(intent: OrderIntent, verdict: Extract<RiskVerdict, { action: 'resize' }>): OrderIntent {
  if (verdict.quantity !== undefined) return { ...intent, quantity: verdict.quantity, quoteQuantity: undefined }
  if (verdict.quoteQuantity !== undefined)
    return { ...intent, quoteQuantity: verdict.quoteQuantity, quantity: undefined }
  return intent
}
