/**
 * Runs one job in a fresh worker thread with a wall-clock limit: the worker gets `payload` as its first
 * message and answers once with `{ ok: true, value }` or `{ ok: false, error }`. A worker that throws,
 * exits without answering, or outlives `timeoutMs` is terminated and the call fails with a
 * {@link TrainerError} naming the trainer; the caller's state is untouched. The worker thread runs at
 * a lower CPU priority than the caller (see `priority.ts`), and typed arrays of the payload listed in
 * `transfer` are moved to it rather than copied.
 *
 * With `isolation: 'process'` the same module runs in a child Node process instead (same protocol over
 * the IPC channel, structured-clone serialisation, so typed arrays are copied): every thread of that
 * process, V8's garbage-collector and compiler helpers included, is lowered to the niceness, where a
 * worker thread can lower only itself and shares the caller's V8 helper threads, which then compete with
 * the caller's main thread for the cores.
 * @packageDocumentation
 */
import { spawn as spawnProcess, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { TrainerError } from '../errors.js'
import { PROCESS_PORT_KEY } from './port.js'
import {
  BACKGROUND_NICENESS,
  LOWER_THREAD_PRIORITY_SOURCE,
  checkNiceness,
  lowerProcessPriority,
} from './priority.js'

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
   * Where the module runs: `thread` (a worker thread of this process) or `process` (a child Node
   * process started with this process's `execArgv`, all of whose threads run at `niceness`).
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

/** Source text of an expression importing `file` (`.ts` through tsx's `tsImport`, see {@link spawn}). */
function loadSource(file: string): string {
  const target = pathToFileURL(file).href
  if (!file.endsWith('.ts')) return `import(${JSON.stringify(target)})`
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json')
  const api = pathToFileURL(join(dirname(pkg), 'dist/esm/api/index.mjs')).href
  return `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(target)}, ${JSON.stringify(target)}))`
}

/**
 * A child Node process for `file`: its bootstrap lowers every thread the process has (V8's platform
 * threads exist by then; threads started later inherit from their creator) to `niceness` (Linux; on
 * other systems the process as a whole), reports an uncaught error as `{ crash }` before exiting,
 * installs the IPC port the worker module answers on (see `port.ts`), then loads the module.
 */
function spawnChild(file: string, niceness: number): ChildProcess {
  const boot = `{
  const os = require('node:os')
  let tids = []
  try { tids = require('node:fs').readdirSync('/proc/self/task').map(Number) } catch {}
  for (const tid of tids.length > 0 ? tids : [0]) {
    try { if (os.getPriority(tid) < ${niceness}) os.setPriority(tid, ${niceness}) } catch {}
  }
}
const crash = (e) => {
  const error = e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) }
  try { process.send({ crash: error }, () => process.exit(1)) } catch { process.exit(1) }
}
process.on('uncaughtException', crash)
process.on('unhandledRejection', crash)
globalThis[Symbol.for(${JSON.stringify(PROCESS_PORT_KEY.description)})] = {
  once: (event, listener) => process.once(event, listener),
  postMessage: (message) => process.send(message, () => process.disconnect()),
}
${loadSource(file)}.catch(crash)`
  const child = spawnProcess(process.execPath, [...process.execArgv, '-e', boot], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  })
  // Also from here, so the main thread is lowered even if the bootstrap has not run yet.
  lowerProcessPriority(child.pid, niceness)
  return child
}

/**
 * Runs `file` (a worker module) on `payload` and resolves with its answer.
 * @throws {TrainerError} `crashed` (threw or exited), `timeout`, or `failed` (answered with an error).
 * @example const model = await runWorker<GbdtModel>(workerFile, input, { trainer: 'gbdt', timeoutMs: 60_000 })
 */
export function runWorker<T>(file: string, payload: unknown, options: RunWorkerOptions): Promise<T> {
  if (options.isolation === 'process') return runChild(file, payload, options)
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

/** A message of a worker process: its answer, or the uncaught error it died of. */
type ChildMessage<T> = WorkerReply<T> | { readonly crash: { readonly name: string; readonly message: string } }

/** {@link runWorker} in a child process (see `RunWorkerOptions.isolation`): the same answers and errors. */
function runChild<T>(file: string, payload: unknown, options: RunWorkerOptions): Promise<T> {
  const { trainer } = options
  const timeoutMs = options.timeoutMs ?? 600_000
  return new Promise<T>((resolve, reject) => {
    const child = spawnChild(file, checkNiceness(options.niceness ?? BACKGROUND_NICENESS))
    let settled = false
    const finish = (fn: () => void): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      fn()
    }
    const timer = setTimeout(() => {
      finish(() => reject(new TrainerError(trainer, 'timeout', `no answer after ${timeoutMs} ms; process killed`)))
    }, timeoutMs)
    const onAbort = (): void => finish(() => reject(new TrainerError(trainer, 'failed', 'aborted')))
    options.signal?.addEventListener('abort', onAbort)
    child.once('message', (reply: ChildMessage<T>) => {
      finish(() => {
        if ('crash' in reply) {
          reject(new TrainerError(trainer, 'crashed', `${reply.crash.name}: ${reply.crash.message}`))
        } else if (reply.ok) resolve(reply.value)
        else reject(new TrainerError(trainer, 'failed', `${reply.error.name}: ${reply.error.message}`))
      })
    })
    child.once('error', (error) => {
      finish(() => reject(new TrainerError(trainer, 'crashed', { message: error.message, cause: error })))
    })
    // 'close', not 'exit': the answer may still be in the IPC pipe when the exit is seen.
    child.once('close', (code, signal) => {
      finish(() =>
        reject(
          new TrainerError(
            trainer,
            'crashed',
            `worker exited with ${signal === null ? `code ${code}` : signal} without answering`,
          ),
        ),
      )
    })
    child.send(payload as object, (error) => {
      if (error !== null) finish(() => reject(new TrainerError(trainer, 'crashed', { message: error.message, cause: error })))
    })
  })
}
