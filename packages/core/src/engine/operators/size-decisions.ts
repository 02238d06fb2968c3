import { Observable, type OperatorFunction } from 'rxjs'
import type { EngineContext } from '../engine-context.js'
import type { ExchangePort } from '../../types.js'
import { checkIntents } from '../plugin-output.js'
import type { Decision } from '../../schemas.js'
import type { OrderIntent } from '../../types.js'

/**
 * Turns each decision into order intents with the configured sizer and emits them one by one, each
 * also as an `intent` event. Without a sizer nothing is traded (decisions are still reported). Output
 * that is not an array of valid intents is a `plugin-error` and nothing of it is sent.
 * @example decisions$.pipe(sizeDecisions(engine), applyRisk(engine))
 */
export function sizeDecisions(engine: EngineContext<ExchangePort>): OperatorFunction<Decision, OrderIntent> {
  const { bus } = engine
  const sizer = engine.plugins.sizer
  const ctx = sizer === undefined ? undefined : engine.contextOf(sizer)
  const ref = { plugin: sizer?.name ?? '', hook: 'size' }
  const { health } = engine
  return (source) =>
    new Observable<OrderIntent>((subscriber) =>
      source.subscribe({
        next(decision) {
          if (sizer === undefined || (health.version !== 0 && health.isIsolated(ref.plugin))) return
          const started = health.timed ? health.now() : 0
          let output: unknown
          try {
            if (health.interrupts) health.enter(ref, true)
            output = sizer.size(decision, ctx!)
            if (health.interrupts) health.leave()
          } catch (cause) {
            return health.fail(ref, cause)
          }
          if (health.timed && !health.within(ref, started)) return
          const invalid = checkIntents(ref.plugin, ref.hook, output)
          if (invalid !== undefined) return health.fail(ref, invalid)
          health.ok(ref.plugin)
          const intents = output as readonly OrderIntent[]
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
