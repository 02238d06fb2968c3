/**
 * Runs one job in a fresh worker thread with a wall-clock limit: the worker gets `payload` as its first
 * message and answers once with `{ ok: true, value }` or `{ ok: false, error }`. A worker that throws,
 * exits without answering, or outlives `timeoutMs` is terminated and the call fails with a
 * {@link TrainerError} naming the trainer; the caller's state is untouched. The worker thread runs at
 * a lower CPU priority than the caller (see `priority.ts`), and typed arrays of the payload listed in
 * `transfer` are moved to it rather than copied.
 *
 * With `isolation: 'process'` the worker thread runs in a long-lived child Node process instead, the
 * worker host (see `worker-host.ts`), every thread of which, V8's garbage-collector and compiler helpers
 * included, runs at the niceness: a worker thread of this process can lower only itself, and the V8
 * helper threads it keeps busy are this process's, competing with its main thread for the cores. The
 * payload and answer are copied over the host's IPC channel (structured clone) rather than moved.
 * @packageDocumentation
 */
import { Worker } from 'node:worker_threads'
import { TrainerError } from '../errors.js'
import { BACKGROUND_NICENESS, LOWER_THREAD_PRIORITY_SOURCE, checkNiceness } from './priority.js'
import { loadSource } from './load-source.js'
import { runInHost } from './worker-host-client.js'

/** The message a worker answers with. */
export type WorkerReply<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: { readonly name: string; readonly message: string } }

/** Options of {@link runWorker}. */
export interface RunWorkerOptions {
  /** Name of the trainer in errors. */
  readonly trainer: string
  /** Wall-clock limit in milliseconds. @default 600000 */
  readonly timeoutMs?: number
  /** Aborts the job (the worker is terminated). */
  readonly signal?: AbortSignal
  /**
   * Niceness of the worker thread, 0 (the caller's priority) to 19 (the lowest), set by the thread on
   * itself before the module loads; Linux only, elsewhere the worker keeps the caller's priority.
   * @default 19 (BACKGROUND_NICENESS)
   */
  readonly niceness?: number
  /**
   * Buffers of the payload to move to the worker instead of copying them (they are unusable here
   * afterwards). @default none
   */
  readonly transfer?: readonly ArrayBuffer[]
  /**
   * Where the module runs: `thread` (a worker thread of this process) or `process` (a worker thread of
   * the worker host, a child Node process started with this process's `execArgv`, all of whose threads
   * run at `niceness`; `transfer` is then ignored).
   * @default 'thread'
   */
  readonly isolation?: WorkerIsolation
}

/** Where a worker module runs: a worker thread of this process, or a child process. */
export type WorkerIsolation = 'thread' | 'process'

/**
 * A worker for `file`, started from a small bootstrap that first lowers the thread's priority, then
 * loads the module: a `.ts` module (sources, under tests or tsx) through tsx's `tsImport`, since a
 * worker does not inherit the parent's TypeScript loader; a `.js`/`.cjs` one by `import()`.
 */
function spawn(file: string, niceness: number): Worker {
  // A module that fails to load must crash the worker (an 'error' event), not end it quietly.
  const boot = `${LOWER_THREAD_PRIORITY_SOURCE}\n${loadSource(file)}.catch((e) => { process.nextTick(() => { throw e }) })`
  return new Worker(boot, { eval: true, workerData: { niceness } })
}

/**
 * Runs `file` (a worker module) on `payload` and resolves with its answer.
 * @throws {TrainerError} `crashed` (threw or exited), `timeout`, or `failed` (answered with an error).
 * @example const model = await runWorker<GbdtModel>(workerFile, input, { trainer: 'gbdt', timeoutMs: 60_000 })
 */
export function runWorker<T>(file: string, payload: unknown, options: RunWorkerOptions): Promise<T> {
  if (options.isolation === 'process') return runInHost<T>(file, payload, options)
  const { trainer } = options
  const timeoutMs = options.timeoutMs ?? 600_000
  return new Promise<T>((resolve, reject) => {
    const worker = spawn(file, checkNiceness(options.niceness ?? BACKGROUND_NICENESS))
    let settled = false
    const finish = (fn: () => void): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      void worker.terminate()
      fn()
    }
    const timer = setTimeout(() => {
      finish(() => reject(new TrainerError(trainer, 'timeout', `no answer after ${timeoutMs} ms; worker terminated`)))
    }, timeoutMs)
    const onAbort = (): void => finish(() => reject(new TrainerError(trainer, 'failed', 'aborted')))
    options.signal?.addEventListener('abort', onAbort)
    worker.once('message', (reply: WorkerReply<T>) => {
      finish(() => {
        if (reply.ok) resolve(reply.value)
        else reject(new TrainerError(trainer, 'failed', `${reply.error.name}: ${reply.error.message}`))
      })
    })
    worker.once('error', (error) => {
      finish(() => reject(new TrainerError(trainer, 'crashed', { message: error.message, cause: error })))
    })
    worker.once('exit', (code) => {
      finish(() => reject(new TrainerError(trainer, 'crashed', `worker exited with code ${code} without answering`)))
    })
    worker.postMessage(payload, [...(options.transfer ?? [])])
  })
}
