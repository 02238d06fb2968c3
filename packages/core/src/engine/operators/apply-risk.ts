import { Observable, type MonoTypeOperatorFunction } from 'rxjs'
import type { EngineContext } from '../engine-context.js'
import type { ExchangePort } from '../../types.js'
import { guard } from '../plugin-driver.js'
import type { OrderIntent, RiskVerdict } from '../../types.js'

/**
 * Runs the risk guards **sequentially** on each intent: each guard sees the previous one's (possibly
 * resized) intent, the first deny drops it. Resizes and denials are `risk` events, never exceptions;
 * a guard that throws denies the intent (fail closed) and is reported as a `plugin-error`.
 * @example intents$.pipe(applyRisk(engine), executeIntents(engine))
 */
export function applyRisk(engine: EngineContext<ExchangePort>): MonoTypeOperatorFunction<OrderIntent> {
  return (source) =>
    new Observable<OrderIntent>((subscriber) =>
      source.subscribe({
        next(intent) {
          const approved = checkRisk(engine, intent)
          if (approved !== undefined) subscriber.next(approved)
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    )
}

/**
 * The risk chain for one intent (the rule of {@link applyRisk}): returns the approved, possibly
 * resized intent, or `undefined` when a guard denied it. Exit policies' intents (e.g. profit
 * amplification adds) go through the same chain.
 */
export function checkRisk(engine: EngineContext<ExchangePort>, intent: OrderIntent): OrderIntent | undefined {
  const { bus } = engine
  const guards = engine.plugins.risk
  let current = intent
  for (const plugin of guards) {
    const ctx = engine.contextOf(plugin)
    const verdict: RiskVerdict = guard(bus, { plugin: plugin.name, hook: 'check' }, () =>
      plugin.check(current, ctx),
    ) ?? {
      action: 'deny',
      reason: `guard ${plugin.name} failed; failing closed`,
    }
    if (verdict.action === 'approve') continue
    bus.emit({ type: 'risk', plugin: plugin.name, verdict, intent: current })
    if (verdict.action === 'deny') return undefined
    current = resize(current, verdict)
  }
  return current
}

function resize(intent: OrderIntent, verdict: Extract<RiskVerdict, { action: 'resize' }>): OrderIntent {
  if (verdict.quantity !== undefined) return { ...intent, quantity: verdict.quantity, quoteQuantity: undefined }
  if (verdict.quoteQuantity !== undefined)
    return { ...intent, quoteQuantity: verdict.quoteQuantity, quantity: undefined }
  return intent
}
