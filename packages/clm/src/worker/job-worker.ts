/**
 * Worker-thread entry of {@link runJobTask}: runs one job task (prepare rows, score a model) on the
 * first message and answers once, handing its typed arrays over without a copy.
 * @packageDocumentation
 */
import { parentPort } from 'node:worker_threads'
import { runJobTaskHere, type JobTask } from './job-tasks.js'

/** The buffers of every typed array in `value` (to transfer them rather than copy). */
function buffers(value: unknown, out: Set<ArrayBuffer>, depth = 0): Set<ArrayBuffer> {
  if (depth > 4 || value === null || typeof value !== 'object') return out
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength)
      out.add(value.buffer)
    return out
  }
  for (const v of Object.values(value)) buffers(v, out, depth + 1)
  return out
}

parentPort?.once('message', (task: JobTask) => {
  runJobTaskHere(task).then(
    (value) => parentPort?.postMessage({ ok: true, value }, [...buffers(value, new Set())]),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error))
      parentPort?.postMessage({ ok: false, error: { name: e.name, message: e.message } })
    },
  )
})
