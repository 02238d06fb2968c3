/**
 * The channel a job worker module answers on, whichever way it was started: the worker thread's
 * `parentPort`, or, in a child process started by `runWorker({ isolation: 'process' })`, a port over the
 * process's IPC channel that the child's bootstrap installs before the module loads.
 * @packageDocumentation
 */
import { parentPort } from 'node:worker_threads'

/** Where a worker process's bootstrap leaves its port (a global, because it must exist before any import). */
export const PROCESS_PORT_KEY = Symbol.for('@quantum/clm/worker-port')

/** The subset of `MessagePort` a worker module uses. */
export interface WorkerPort {
  /** Calls `listener` with the first message (the task). */
  once(event: 'message', listener: (message: never) => void): void
  /** Answers; `transfer` moves buffers in a thread and is ignored by a process (whose IPC copies). */
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void
}

/** This worker's port, or undefined when the module was loaded neither as a worker thread nor as a worker process. */
export function workerPort(): WorkerPort | undefined {
  if (parentPort !== null) {
    const port = parentPort
    return {
      once: (event, listener) => port.once(event, listener),
      postMessage: (message, transfer) => port.postMessage(message, [...(transfer ?? [])]),
    }
  }
  return (globalThis as Record<symbol, unknown>)[PROCESS_PORT_KEY] as WorkerPort | undefined
}
