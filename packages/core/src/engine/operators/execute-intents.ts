import { Observable, type MonoTypeOperatorFunction } from 'rxjs'
import type { EngineContext } from '../engine-context.js'
import { submitIntent } from '../submit.js'
import type { OrderIntent } from '../../types.js'

/**
 * Sends each approved intent to the exchange, in order (the paper exchange books it synchronously;
 * market orders fill at the next bar's open). Rejections become `order-rejected` events. Emits the
 * intents that were sent.
 * @example approved$.pipe(executeIntents(engine))
 */
export function executeIntents(engine: EngineContext): MonoTypeOperatorFunction<OrderIntent> {
  return (source) =>
    new Observable<OrderIntent>((subscriber) =>
      source.subscribe({
        next(intent) {
          submitIntent(engine, intent)
          subscriber.next(intent)
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    )
}
