import { Broadcast } from '../broadcast.js'
import type { EngineEvent, EventBus } from '../types.js'

/**
 * Creates the synchronous event bus shared by the engine and plugins.
 * @example const bus = createEventBus(); bus.events$.subscribe((e) => console.log(e.type))
 */
export function createEventBus(): EventBus & { complete(): void } {
  const subject = new Broadcast<EngineEvent>()
  return {
    emit: (event) => subject.next(event),
    events$: subject.observable,
    complete: () => subject.complete(),
  }
}
