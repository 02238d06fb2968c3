import { Broadcast } from '../broadcast.js'
import type { EngineEvent, EventBus } from '../types.js'

/**
 * Creates the synchronous event bus shared by the engine and plugins.
 * @example const bus = createEventBus(); bus.events$.subscribe((e) => console.log(e.type))
 */
export function createEventBus(): EventBus & { complete(): void; readonly subscribers: number } {
  const subject = new Broadcast<EngineEvent>()
  return {
    emit: (event) => subject.next(event),
    events$: subject.observable,
    complete: () => subject.complete(),
    /** How many subscribe to `events$` now (the engine, plus plugins that watch the bus). */
    get subscribers() {
      return subject.count
    },
  }
}
