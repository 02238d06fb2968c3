/**
 * Worker-thread entry of {@link trainGbdtInWorker} and {@link trainGbdtToOnnxInWorker}: trains on the
 * first message and answers once, with the model, or with its ONNX bytes (converted here, so neither
 * the model's object graph nor the conversion costs the caller's thread anything).
 * @packageDocumentation
 */
import { parentPort } from 'node:worker_threads'
import { gbdtToOnnx } from './model.js'
import { trainGbdt, type GbdtTrainInput } from './train.js'

/** The message the worker takes. */
export interface GbdtWorkerTask {
  readonly input: GbdtTrainInput
  /** Answer with the model as ONNX (named so) instead of the model. */
  readonly onnx?: { readonly name: string }
}

parentPort?.once('message', (task: GbdtWorkerTask) => {
  try {
    const model = trainGbdt(task.input)
    if (task.onnx === undefined) {
      parentPort?.postMessage({ ok: true, value: model })
      return
    }
    const onnx = gbdtToOnnx(model, { name: task.onnx.name })
    const value = { onnx, params: model.params, rounds: model.rounds }
    parentPort?.postMessage(
      { ok: true, value },
      onnx.byteOffset === 0 && onnx.buffer instanceof ArrayBuffer && onnx.byteLength === onnx.buffer.byteLength
        ? [onnx.buffer]
        : [],
    )
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error))
    parentPort?.postMessage({ ok: false, error: { name: e.name, message: e.message } })
  }
})
