/**
 * The OS scheduling class of the thread that serves decisions. On a machine with few cores, a training
 * job, a backtest or a busy neighbour keeps both cores running; a decision thread of normal priority that
 * wakes on a new bar then waits for a core up to a scheduler tick (about 4 ms), even when the other work
 * runs at the lowest niceness. Measured with `bench/clm.ts` on the 2-core target: with the job in a
 * SCHED_IDLE process the decision p99 during a job was 3.0x idle; with the decision thread under
 * round-robin real-time scheduling (priority 1, the lowest) it was 0.9x.
 *
 * Linux only, through util-linux `chrt` on the calling thread's id (Node has no system call for it); it
 * needs root or `CAP_SYS_NICE` (or an `RLIMIT_RTPRIO` of at least 1). Elsewhere, or when refused, the
 * thread keeps its class and the result says why. Threads the calling thread starts afterwards inherit
 * the class: start CPU-heavy work in a process of its own (the CLM orchestrator does so when its caller
 * runs real-time) or lower it.
 * @packageDocumentation
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, readlinkSync } from 'node:fs'

/** A thread's scheduling policy, as Linux names it. */
export type SchedulingPolicy = 'other' | 'fifo' | 'rr' | 'batch' | 'idle' | 'deadline'

const POLICIES: readonly SchedulingPolicy[] = ['other', 'fifo', 'rr', 'batch', 'other', 'idle', 'deadline']

/** What {@link enterRealtime} did. */
export interface RealtimeResult {
  /** Whether the thread now runs under round-robin real-time scheduling. */
  readonly realtime: boolean
  /** The thread's policy before the call (undefined off Linux). */
  readonly previous: SchedulingPolicy | undefined
  /** Why it does not, when `realtime` is false. */
  readonly reason?: string
}

function threadId(): string | undefined {
  try {
    return readlinkSync('/proc/thread-self').split('/').pop()
  } catch {
    return undefined
  }
}

/**
 * The calling thread's scheduling policy (Linux: field 41 of `/proc/thread-self/stat`), else undefined.
 * @example if (schedulingPolicy() === 'rr') console.log('real-time')
 */
export function schedulingPolicy(): SchedulingPolicy | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8')
    // Field 2 (the command) is in parentheses and may hold spaces: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return POLICIES[Number(fields[41 - 3])]
  } catch {
    return undefined
  }
}

/** Whether the calling thread runs under a real-time policy (round-robin or FIFO). */
export function isRealtime(): boolean {
  const policy = schedulingPolicy()
  return policy === 'rr' || policy === 'fifo'
}

function chrt(args: readonly string[]): string | undefined {
  try {
    execFileSync('chrt', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 })
    return undefined
  } catch (error) {
    const e = error as { code?: string; stderr?: Buffer; message?: string }
    if (e.code === 'ENOENT') return 'chrt (util-linux) not found'
    return (e.stderr?.toString().trim() || e.message) ?? 'chrt failed'
  }
}

/**
 * Puts the calling thread under round-robin real-time scheduling at `priority` (1–99; 1, the lowest
 * real-time priority, is enough to run before every normal thread). Never throws: the result says
 * whether it worked and why not.
 * @example const r = enterRealtime(); if (!r.realtime) logger.info(`normal scheduling: ${r.reason}`)
 */
export function enterRealtime(priority = 1): RealtimeResult {
  if (!Number.isInteger(priority) || priority < 1 || priority > 99)
    throw new RangeError(`real-time priority must be an integer from 1 to 99, got ${priority}`)
  const previous = schedulingPolicy()
  const tid = threadId()
  if (process.platform !== 'linux' || tid === undefined || previous === undefined)
    return { realtime: false, previous, reason: 'real-time scheduling is supported on Linux only' }
  if (previous === 'rr' || previous === 'fifo') return { realtime: true, previous }
  const failed = chrt(['--rr', '-p', String(priority), tid])
  if (failed !== undefined) return { realtime: false, previous, reason: failed }
  const now = schedulingPolicy()
  return now === 'rr'
    ? { realtime: true, previous }
    : { realtime: false, previous, reason: `policy is ${now} after chrt` }
}

/**
 * Puts the calling thread back under normal scheduling (SCHED_OTHER), e.g. when a run that raised it
 * ends. Returns whether it did; a thread that was not real-time is left as it is.
 */
export function leaveRealtime(): boolean {
  const tid = threadId()
  if (tid === undefined || !isRealtime()) return false
  return chrt(['--other', '-p', '0', tid]) === undefined && !isRealtime()
}
