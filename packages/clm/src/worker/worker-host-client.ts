/**
 * The worker host, parent side: `runWorker(..., { isolation: 'process' })` runs its worker thread in a
 * long-lived child Node process rather than in this one. All the host's threads run at the job's
 * niceness, V8's garbage-collector and compiler helper threads included; a worker thread of this
 * process lowers only itself, and the V8 helper threads it keeps busy (seconds of CPU per job) are this
 * process's, at the priority of the thread serving decisions, which then waits for a core.
 *
 * One host per niceness, started on first use (or by {@link startWorkerHost}) and kept: starting a
 * process forks this one, which stalls the calling thread for tens of milliseconds once the process is
 * large (page tables are copied), so it must not happen per task. A task that outlives its limit is
 * ended inside the host (its worker thread terminated); a host that does not answer is killed and
 * started again on the next task. An idle host does not keep this process alive.
 * @packageDocumentation
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { TrainerError, type TrainerFailure } from '../errors.js'
import { discard, pack, unpack, type Packed } from './ipc-blobs.js'
import { loadSource } from './load-source.js'
import { BACKGROUND_NICENESS, checkNiceness, lowerProcessPriority } from './priority.js'

/** A message to the host: run a worker module on a payload, or abort a task. */
export type HostRequest =
  | {
      readonly type: 'run'
      readonly id: number
      readonly file: string
      /** The payload, its large typed arrays in a file beside the message (see `ipc-blobs.ts`). */
      readonly payload: Packed
      readonly trainer: string
      readonly timeoutMs: number
      readonly niceness: number
    }
  | { readonly type: 'abort'; readonly id: number }

/** The host's answer to a task. */
export type HostReply =
  | { readonly id: number; readonly ok: true; readonly value: Packed }
  | { readonly id: number; readonly ok: false; readonly failure: TrainerFailure; readonly detail: string }

/** What {@link runInHost} takes (the subset of `RunWorkerOptions` a host task uses). */
export interface HostTaskOptions {
  readonly trainer: string
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  readonly niceness?: number
}

/** The host's entry beside this module: `worker-host.ts` in sources, `worker-host.js|cjs` in `dist/`. */
function hostFile(): string {
  const here = fileURLToPath(import.meta.url)
  const dir = dirname(here)
  if (here.endsWith('.ts')) return join(dir, 'worker-host.ts')
  const ext = here.endsWith('.cjs') ? 'cjs' : 'js'
  const file = join(dir, `worker-host.${ext}`)
  return existsSync(file) ? file : join(dir, 'worker-host.js')
}

/** How much longer than a task's own limit the host gets to answer before it is killed. */
const HOST_GRACE_MS = 10_000

interface Pending {
  readonly settle: (fn: () => void) => void
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
  readonly trainer: string
}

class WorkerHost {
  readonly child: ChildProcess
  readonly pending = new Map<number, Pending>()
  private nextId = 1

  constructor(
    readonly niceness: number,
    private readonly onGone: (host: WorkerHost) => void,
  ) {
    // Every thread the process has when the bootstrap runs (V8's platform threads) is lowered; threads
    // started later inherit the priority of the thread that starts them.
    const boot = `{
  const os = require('node:os')
  let tids = []
  try { tids = require('node:fs').readdirSync('/proc/self/task').map(Number) } catch {}
  for (const tid of tids.length > 0 ? tids : [0]) {
    try { if (os.getPriority(tid) < ${niceness}) os.setPriority(tid, ${niceness}) } catch {}
  }
}
${loadSource(hostFile())}.catch((e) => { console.error(e); process.exit(1) })`
    const node = [process.execPath, ...process.execArgv, '-e', boot]
    // At the lowest niceness, the host starts under SCHED_IDLE (`chrt --idle 0 node …`), so none of its
    // threads ever runs in the class of its parent: a real-time decision thread's class is inherited.
    const chrt = niceness >= BACKGROUND_NICENESS ? idleLauncher() : undefined
    const [command, ...args] = chrt === undefined ? node : [chrt, '--idle', '0', ...node]
    this.child = spawn(command!, args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    })
    // From here too, so the host's main thread is lowered even before its bootstrap runs.
    lowerProcessPriority(this.child.pid, niceness)
    this.child.on('message', (reply: HostReply) => {
      const task = this.pending.get(reply.id)
      if (task === undefined) {
        if (reply.ok) void discard(reply.value) // aborted meanwhile: nobody reads the answer
        return
      }
      if (!reply.ok) {
        task.settle(() => task.reject(new TrainerError(task.trainer, reply.failure, reply.detail)))
        return
      }
      unpack(reply.value).then(
        (value) => task.settle(() => task.resolve(value)),
        (error: unknown) =>
          task.settle(() =>
            task.reject(
              new TrainerError(task.trainer, 'crashed', {
                message: `answer unreadable: ${String(error)}`,
                cause: error,
              }),
            ),
          ),
      )
    })
    const gone = (why: string): void => {
      this.onGone(this)
      for (const task of [...this.pending.values()])
        task.settle(() =>
          task.reject(new TrainerError(task.trainer, 'crashed', `worker host ${why} without answering`)),
        )
    }
    this.child.once('error', (error) => gone(`failed (${error.message})`))
    // 'close', not 'exit': an answer may still be in the IPC pipe when the exit is seen.
    this.child.once('close', (code, signal) => gone(`exited with ${signal ?? `code ${code}`}`))
    this.idle()
  }

  /** Runs one task in the host. */
  run<T>(file: string, payload: unknown, options: HostTaskOptions): Promise<T> {
    const { trainer } = options
    const niceness = this.niceness
    const timeoutMs = options.timeoutMs ?? 600_000
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      let settled = false
      const settle = (fn: () => void): void => {
        if (settled) return
        settled = true
        clearTimeout(backstop)
        options.signal?.removeEventListener('abort', onAbort)
        this.pending.delete(id)
        this.idle()
        fn()
      }
      // The host ends a task at its limit itself; one that does not answer by then is killed.
      const backstop = setTimeout(() => {
        settle(() =>
          reject(new TrainerError(trainer, 'timeout', `no answer after ${timeoutMs} ms; worker host killed`)),
        )
        this.onGone(this) // the next task starts a new host
        this.child.kill('SIGKILL')
      }, timeoutMs + HOST_GRACE_MS)
      const onAbort = (): void => {
        settle(() => reject(new TrainerError(trainer, 'failed', 'aborted')))
        this.child.send({ type: 'abort', id } satisfies HostRequest, () => undefined)
      }
      options.signal?.addEventListener('abort', onAbort)
      this.pending.set(id, { settle, resolve: resolve as (value: unknown) => void, reject, trainer })
      this.child.ref()
      this.child.channel?.ref()
      const failed = (error: unknown): void => {
        const message = error instanceof Error ? error.message : String(error)
        settle(() => reject(new TrainerError(trainer, 'crashed', { message, cause: error })))
      }
      pack(payload).then((packed) => {
        if (settled) {
          void discard(packed)
          return
        }
        const request: HostRequest = { type: 'run', id, file, payload: packed, trainer, timeoutMs, niceness }
        this.child.send(request, (error) => {
          if (error !== null) {
            void discard(packed)
            failed(error)
          }
        })
      }, failed)
    })
  }

  /** Lets this process exit while the host has nothing to do. */
  private idle(): void {
    if (this.pending.size > 0) return
    this.child.unref()
    this.child.channel?.unref()
  }
}

const hosts = new Map<number, WorkerHost>()

function hostFor(niceness: number): WorkerHost {
  const existing = hosts.get(niceness)
  if (existing !== undefined) return existing
  const host = new WorkerHost(niceness, (gone) => {
    if (hosts.get(niceness) === gone) hosts.delete(niceness)
  })
  hosts.set(niceness, host)
  return host
}

/**
 * Starts the worker host for `niceness` now, if it is not running, so the fork happens while this
 * process is small rather than in the middle of a job. Returns the host's pid.
 * @throws {RangeError} for a niceness outside 0-19.
 * @example startWorkerHost() // at startup, before the strategy loads its data
 */
export function startWorkerHost(niceness: number = BACKGROUND_NICENESS): number | undefined {
  return hostFor(checkNiceness(niceness)).child.pid
}

/**
 * Runs a worker module in a worker thread of the worker host (see the module docs).
 * @throws {TrainerError} `crashed`, `timeout` or `failed`, as `runWorker` in a thread.
 */
export function runInHost<T>(file: string, payload: unknown, options: HostTaskOptions): Promise<T> {
  try {
    const niceness = checkNiceness(options.niceness ?? BACKGROUND_NICENESS)
    return hostFor(niceness).run<T>(file, payload, options)
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
}

/**
 * Linux: util-linux `chrt`, which starts the host under SCHED_IDLE: a runnable thread of normal (or
 * real-time) priority preempts it at once, where niceness 19 only weighs it down, and every thread it
 * starts inherits it. Without `chrt` (or off Linux) the niceness stays the only lowering.
 */
function idleLauncher(): string | undefined {
  if (process.platform !== 'linux') return undefined
  return ['/usr/bin/chrt', '/bin/chrt'].find((path) => existsSync(path))
}
