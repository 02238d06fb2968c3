/**
 * CPU priority of the training work: the worker threads (training, row building, scoring) and the
 * Python trainer processes run at a lower OS priority than the thread that serves decisions, so on a
 * machine with few cores a job takes the CPU the strategy leaves idle rather than the CPU it needs.
 *
 * Linux sets the niceness of a single thread (`setpriority` on its thread id): a worker thread lowers
 * its own from its first line, before the job's code is loaded (threads it starts, e.g. onnxruntime's,
 * inherit it). A child process is lowered by its pid right after it is spawned. Where a thread cannot
 * be lowered (macOS and Windows have no `/proc/thread-self`; Node cannot set another thread's
 * priority there) the work runs at the caller's priority, as before: nothing fails.
 * @packageDocumentation
 */
import { readlinkSync } from 'node:fs'
import { getPriority, setPriority } from 'node:os'

/**
 * The default niceness of training work: 19, the lowest priority. The work still takes every cycle the
 * decision thread leaves idle; it only gives way when both want a core.
 */
export const BACKGROUND_NICENESS = 19

/**
 * Checks a niceness option: an integer from 0 (the caller's priority, nothing lowered) to 19.
 * @throws {RangeError} otherwise.
 */
export function checkNiceness(niceness: number): number {
  if (!Number.isInteger(niceness) || niceness < 0 || niceness > 19)
    throw new RangeError(`niceness must be an integer from 0 to 19, got ${niceness}`)
  return niceness
}

/** This thread's id as the kernel knows it (Linux), else undefined. */
export function threadId(): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    return Number.isInteger(tid) && tid > 0 ? tid : undefined
  } catch {
    return undefined
  }
}

/** The niceness of the calling thread (Linux), else of the process; undefined where it cannot be read. */
export function currentNiceness(): number | undefined {
  try {
    return getPriority(threadId() ?? 0)
  } catch {
    return undefined
  }
}

/**
 * Lowers a child process (and the threads it starts afterwards) to `niceness`, never raising it.
 * Returns whether the priority was set.
 * @example const child = spawn(py, args); lowerProcessPriority(child.pid, BACKGROUND_NICENESS)
 */
export function lowerProcessPriority(pid: number | undefined, niceness: number): boolean {
  if (pid === undefined || niceness <= 0) return false
  try {
    if (getPriority(pid) >= niceness) return false
    setPriority(pid, niceness)
    return true
  } catch {
    return false
  }
}

/**
 * The first lines of a worker thread's bootstrap (CommonJS, for `new Worker(code, { eval: true })`):
 * lower this thread to `workerData.niceness` on Linux; elsewhere, or when refused, do nothing. A thread
 * started by a real-time thread inherits its class, where niceness means nothing: it first goes back to
 * normal scheduling (`chrt --other`). Kept as source text because it must run before the first module
 * of the job is loaded.
 */
export const LOWER_THREAD_PRIORITY_SOURCE = `
{
  const { workerData } = require('node:worker_threads')
  const niceness = workerData && workerData.niceness
  if (typeof niceness === 'number' && niceness > 0) {
    try {
      const os = require('node:os')
      const fs = require('node:fs')
      const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop())
      const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8')
      const policy = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38])
      if (policy === 1 || policy === 2)
        require('node:child_process').execFileSync('chrt', ['--other', '-p', '0', String(tid)], { stdio: 'ignore' })
      if (Number.isInteger(tid) && tid > 0 && os.getPriority(tid) < niceness) os.setPriority(tid, niceness)
    } catch {}
  }
}
`
