/**
 * An inference thread: a worker thread that holds `onnxruntime-node` sessions and runs them off the
 * calling thread. `onnxruntime-node` runs a session synchronously on the thread that calls it (its
 * `run` only defers the call with `setImmediate`), so the four models of an ensemble run one after
 * another on the engine's thread however they are awaited. Sessions placed on an inference thread run
 * beside the engine's thread and beside the sessions left on it: on two cores, a batched step of the
 * four models takes about the time of the heavier half.
 *
 * A session on a thread looks like an ORT `InferenceSession` to {@link ModelSession} (`run`, `release`,
 * the input and output names and input metadata), so everything above it is unchanged. An input with
 * a buffer of its own (a batch's part, sliced for the thread) is moved to the thread, others are copied;
 * outputs come back as moved buffers. The thread keeps the process alive
 * only while a call is in flight.
 * @packageDocumentation
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { ModelError } from '@quantum/core'
import type { OrtSessionOptions } from './model-session.js'

/** The worker's source: CommonJS, evaluated, so the package needs no separate worker file in its build. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const ort = require(workerData.ort)
const sessions = new Map()
parentPort.on('message', async (m) => {
  try {
    if (m.type === 'open') {
      const s = await ort.InferenceSession.create(m.path, m.options)
      sessions.set(m.session, s)
      const inputMetadata = (s.inputMetadata || []).map((i) => ({ name: i.name, isTensor: i.isTensor, type: i.type, shape: i.shape }))
      parentPort.postMessage({ id: m.id, ok: true, inputNames: s.inputNames, outputNames: s.outputNames, inputMetadata })
    } else if (m.type === 'run') {
      const s = sessions.get(m.session)
      const out = s.run === undefined ? undefined : await s.run({ [m.input]: new ort.Tensor('float32', m.data, m.dims) }, [m.output])
      const t = out === undefined ? undefined : out[m.output]
      const data = t === undefined || !(t.data instanceof Float32Array) ? undefined : Float32Array.from(t.data)
      parentPort.postMessage({ id: m.id, ok: true, data }, data === undefined ? [] : [data.buffer])
    } else if (m.type === 'release') {
      const s = sessions.get(m.session)
      sessions.delete(m.session)
      if (s !== undefined) await s.release()
      parentPort.postMessage({ id: m.id, ok: true })
    }
  } catch (error) {
    parentPort.postMessage({ id: m.id, ok: false, error: error instanceof Error ? error.message : String(error) })
  }
})
`

interface Reply {
  readonly id: number
  readonly ok: boolean
  readonly error?: string
  readonly data?: Float32Array
  readonly inputNames?: readonly string[]
  readonly outputNames?: readonly string[]
  readonly inputMetadata?: readonly { name: string; isTensor: boolean; type: string; shape: (number | string)[] }[]
}

/** The part of an ORT tensor a session on a thread reads. */
interface TensorLike {
  readonly data: Float32Array
  readonly dims: readonly number[]
}

/**
 * A worker thread holding `onnxruntime-node` sessions (see the module's description). Create it through
 * a {@link ModelRegistry} with `inferenceThreads`; {@link InferenceThread.close} ends it.
 */
export class InferenceThread {
  #worker: Worker | undefined
  readonly #pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>()
  #next = 0
  #sessions = 0
  #closed = false

  /** Starts the worker (on the first call: creating a thread object costs nothing). */
  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker
    const ort = createRequire(import.meta.url).resolve('onnxruntime-node')
    // The thread's own JavaScript is a message loop: a small heap keeps its memory to ORT's.
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ort },
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
    })
    worker.unref()
    worker.on('message', (reply: Reply) => {
      const call = this.#pending.get(reply.id)
      if (call === undefined) return
      this.#pending.delete(reply.id)
      if (this.#pending.size === 0) worker.unref()
      call.resolve(reply)
    })
    worker.on('error', (error) => this.#failAll(error))
    worker.on('exit', (code) => this.#failAll(new Error(`inference thread exited (code ${code})`)))
    this.#worker = worker
    return worker
  }

  /** Sessions open on this thread. */
  get sessions(): number {
    return this.#sessions
  }

  #failAll(error: Error): void {
    this.#closed = true
    for (const call of this.#pending.values()) call.reject(error)
    this.#pending.clear()
  }

  #call(message: Record<string, unknown>, path: string, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.#closed) return Promise.reject(new ModelError(path, 'the inference thread has ended'))
    const id = ++this.#next
    return new Promise<Reply>((resolve, reject) => {
      const worker = this.#start()
      this.#pending.set(id, { resolve, reject })
      worker.ref()
      worker.postMessage({ ...message, id }, transfer)
    }).then((reply) => {
      if (!reply.ok) throw new Error(reply.error ?? 'inference thread call failed')
      return reply
    })
  }

  /**
   * Creates a session of `path` on this thread; resolves with an object that stands in for ORT's
   * `InferenceSession` on the calling thread.
   */
  async open(path: string, options: OrtSessionOptions): Promise<object> {
    const session = ++this.#next
    // With ORT's CPU arena: without it, each run's buffers are mapped and unmapped afresh on this
    // thread (measured on the ensemble backtest: 2.4-3.1 s of system time and 9.8-11.3 s wall, against
    // 1.1-1.2 s and 7.2-7.5 s with it, and no more memory).
    const withArena = { ...options, enableCpuMemArena: true }
    const opened = await this.#call({ type: 'open', session, path, options: withArena }, path)
    this.#sessions++
    const call = (message: Record<string, unknown>, transfer?: ArrayBuffer[]): Promise<Reply> =>
      this.#call({ ...message, session }, path, transfer)
    let released = false
    return {
      inputNames: opened.inputNames ?? [],
      outputNames: opened.outputNames ?? [],
      inputMetadata: opened.inputMetadata ?? [],
      run: async (feeds: Record<string, TensorLike>, fetches: readonly string[]) => {
        const [input] = Object.keys(feeds)
        const tensor = feeds[input!]!
        const output = fetches[0]!
        const { data } = tensor
        // A buffer of its own (the caller's copy of its part of a batch) moves to the thread uncopied.
        const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength
        const transfer = own && data.buffer instanceof ArrayBuffer ? [data.buffer] : []
        const reply = await call({ type: 'run', input, data, dims: tensor.dims, output }, transfer)
        return { [output]: { data: reply.data } }
      },
      release: async () => {
        if (released) return
        released = true
        this.#sessions--
        // An ended thread took its sessions with it: nothing is left to release.
        if (!this.#closed) await call({ type: 'release' })
      },
    }
  }

  /** Ends the thread (its sessions with it). */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#worker?.terminate()
  }
}
