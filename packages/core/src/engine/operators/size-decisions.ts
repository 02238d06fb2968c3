import { Observable, type OperatorFunction } from 'rxjs'
import type { EngineContext } from '../engine-context.js'
import type { ExchangePort } from '../../types.js'
import { guard } from '../plugin-driver.js'
import type { Decision } from '../../schemas.js'
import type { OrderIntent } from '../../types.js'

/**
 * Turns each decision into order intents with the configured sizer and emits them one by one, each
 * also as an `intent` event. Without a sizer nothing is traded (decisions are still reported).
 * @example decisions$.pipe(sizeDecisions(engine), applyRisk(engine))
 */
export function sizeDecisions(engine: EngineContext<ExchangePort>): OperatorFunction<Decision, OrderIntent> {
  const { bus } = engine
  const sizer = engine.plugins.sizer
  const ctx = sizer === undefined ? undefined : engine.contextOf(sizer)
  return (source) =>
    new Observable<OrderIntent>((subscriber) =>
      source.subscribe({
        next(decision) {
          if (sizer === undefined) return
          const intents = guard(bus, { plugin: sizer.name, hook: 'size' }, () => sizer.size(decision, ctx!)) ?? []
          for (const intent of intents) {
            bus.emit({ type: 'intent', intent })
            subscriber.next(intent)
          }
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    )
}
