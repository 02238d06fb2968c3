/**
 * Worker-thread entry of {@link trainGbdtInWorker}: trains on the first message and answers once.
 * Imports only the trainer's own modules, so it loads from `dist/` and, in tests, from sources.
 * @packageDocumentation
 */
import { parentPort } from 'node:worker_threads'
import { trainGbdt, type GbdtTrainInput } from './train.js'

parentPort?.once('message', (input: GbdtTrainInput) => {
  try {
    parentPort?.postMessage({ ok: true, value: trainGbdt(input) })
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error))
    parentPort?.postMessage({ ok: false, error: { name: e.name, message: e.message } })
  }
})
