/**
 * Entry of the worker host: a long-lived child Node process (started by `worker-host-client.ts` with
 * every thread at a low priority) that runs each task it is sent in a fresh worker thread of its own,
 * with the task's wall-clock limit, and answers with the value or the typed failure.
 * @packageDocumentation
 */
import { TrainerError } from '../errors.js'
import { pack, unpack } from './ipc-blobs.js'
import { runWorker } from './run-worker.js'
import type { HostReply, HostRequest } from './worker-host-client.js'

/**
 * The buffers of every typed array in `value`, moved to the worker thread rather than copied: this
 * process owns them (they were read for this task), views on a shared buffer included.
 */
function buffers(value: unknown, out: Set<ArrayBuffer>, depth = 0): Set<ArrayBuffer> {
  if (depth > 6 || value === null || typeof value !== 'object') return out
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer)
    return out
  }
  for (const v of Object.values(value)) buffers(v, out, depth + 1)
  return out
}

const aborts = new Map<number, AbortController>()
const send = (reply: HostReply): void => {
  process.send?.(reply)
}

process.on('message', (request: HostRequest) => {
  if (request.type === 'abort') {
    aborts.get(request.id)?.abort()
    return
  }
  const { id, file, trainer, timeoutMs, niceness } = request
  const controller = new AbortController()
  aborts.set(id, controller)
  unpack(request.payload)
    .then((payload) =>
      runWorker(file, payload, {
        trainer,
        timeoutMs,
        niceness,
        signal: controller.signal,
        transfer: [...buffers(payload, new Set())],
      }),
    )
    .then(pack)
    .then(
      (value) => send({ id, ok: true, value }),
      (error: unknown) => {
        const prefix = `Trainer ${trainer} `
        if (error instanceof TrainerError) {
          const detail = error.message.slice(`${prefix}${error.failure}: `.length)
          send({ id, ok: false, failure: error.failure, detail })
        } else {
          send({ id, ok: false, failure: 'crashed', detail: error instanceof Error ? error.message : String(error) })
        }
      },
    )
    .finally(() => aborts.delete(id))
})
// The parent is gone (or let go of this host): nothing more will come.
process.on('disconnect', () => process.exit(0))
