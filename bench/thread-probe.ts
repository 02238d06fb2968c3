/**
 * Load-robust probes of the main thread for the latency benches: how much CPU the main thread used and
 * how long it waited for a core (Linux `/proc/self/task/<tid>/schedstat`), and its event-loop delay
 * (`perf_hooks.monitorEventLoopDelay`). CPU time the main thread spends is independent of what else runs
 * on the machine; the wait for a core is what other threads and processes cost it.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'

/** Main-thread scheduler counters (ms), or undefined where `/proc` has none. */
export interface SchedSample {
  /** Time on a CPU. */
  readonly runMs: number
  /** Time runnable but waiting for a CPU. */
  readonly waitMs: number
  /** Times it was scheduled in. */
  readonly slices: number
}

/** The calling thread's scheduler counters (the main thread's when called from it). */
export function schedSample(): SchedSample | undefined {
  try {
    const text = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8')
    const [run, wait, slices] = text.trim().split(/\s+/).map(Number)
    return { runMs: run! / 1e6, waitMs: wait! / 1e6, slices: slices! }
  } catch {
    return undefined
  }
}

/**
 * Time the hypervisor ran something else while this virtual machine's CPUs wanted to run, summed over
 * its CPUs (ms; the `steal` column of `/proc/stat`), or undefined where there is none.
 */
export function stealMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/)
    const ticks = Number(fields[8])
    return Number.isFinite(ticks) ? ticks * 10 : undefined // USER_HZ is 100 on Linux
  } catch {
    return undefined
  }
}

/** What a {@link PhaseProbe} measured over one phase. */
export interface PhaseProbeResult {
  readonly wallMs: number
  /** Main-thread CPU time in the phase (ms) and per second of wall time. */
  readonly cpuMs?: number
  readonly cpuPerSec?: number
  /** Main-thread wait for a CPU in the phase (ms) and per second of wall time. */
  readonly waitMs?: number
  readonly waitPerSec?: number
  /** CPU time the hypervisor took from this machine's CPUs, per second of wall time (ms/s). */
  readonly stealPerSec?: number
  /** Event-loop delay p50 / p99 / max (ms). */
  readonly eldP50Ms: number
  readonly eldP99Ms: number
  readonly eldMaxMs: number
}

/** Measures the main thread from `start()` to `stop()`. */
export class PhaseProbe {
  private readonly eld: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 })
  private t0 = 0
  private s0: SchedSample | undefined
  private steal0: number | undefined

  start(): this {
    this.t0 = performance.now()
    this.s0 = schedSample()
    this.steal0 = stealMs()
    this.eld.enable()
    return this
  }

  stop(): PhaseProbeResult {
    this.eld.disable()
    const wallMs = performance.now() - this.t0
    const s1 = schedSample()
    const ms = (ns: number): number => ns / 1e6
    const sched =
      this.s0 === undefined || s1 === undefined
        ? {}
        : {
            cpuMs: s1.runMs - this.s0.runMs,
            cpuPerSec: ((s1.runMs - this.s0.runMs) / wallMs) * 1000,
            waitMs: s1.waitMs - this.s0.waitMs,
            waitPerSec: ((s1.waitMs - this.s0.waitMs) / wallMs) * 1000,
          }
    const steal1 = stealMs()
    return {
      wallMs,
      ...sched,
      ...(steal1 === undefined || this.steal0 === undefined
        ? {}
        : { stealPerSec: ((steal1 - this.steal0) / wallMs) * 1000 }),
      eldP50Ms: ms(this.eld.percentile(50)),
      eldP99Ms: ms(this.eld.percentile(99)),
      eldMaxMs: ms(this.eld.max),
    }
  }
}

/** One stall of the main thread: a timer that fired late, and how much of the delay it spent running. */
export interface Stall {
  /** How late the 1 ms timer fired (ms). */
  readonly lateMs: number
  /** Main-thread CPU time in that interval (ms): close to `lateMs` when it was blocked by its own work. */
  readonly cpuMs: number
  /** Main-thread wait for a core in that interval (ms): close to `lateMs` when other threads had the cores. */
  readonly waitMs: number
}

/**
 * Records the main thread's stalls over `stallMs` from `start()` to `stop()`: a 1 ms timer, and at each
 * tick the thread's CPU and wait counters, so each stall is split into own work and waiting for a core.
 */
export class StallRecorder {
  private readonly stalls: Stall[] = []
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly stallMs = 5) {}

  start(): this {
    let last = performance.now()
    let s0 = schedSample()
    const tick = (): void => {
      const now = performance.now()
      const s1 = schedSample()
      const late = now - last - 1
      if (late >= this.stallMs && s0 !== undefined && s1 !== undefined)
        this.stalls.push({ lateMs: late, cpuMs: s1.runMs - s0.runMs, waitMs: s1.waitMs - s0.waitMs })
      last = now
      s0 = s1
      this.timer = setTimeout(tick, 1)
    }
    this.timer = setTimeout(tick, 1)
    return this
  }

  stop(): Stall[] {
    clearTimeout(this.timer)
    return [...this.stalls].sort((a, b) => b.lateMs - a.lateMs)
  }
}

/**
 * CPU time (ms, utime + stime) of every thread of this process by thread name (`comm`: `node` for the
 * main thread and worker threads' JS threads, `V8 DefaultWorke` for V8's GC and compiler helpers,
 * `libuv-worker` for the thread pool, ...), with the niceness of each; empty where `/proc` has none.
 * Threads that ended in between are not counted.
 */
export function threadCpu(): Map<number, { readonly name: string; readonly cpuMs: number; readonly nice: number }> {
  const out = new Map<number, { name: string; cpuMs: number; nice: number }>()
  let tids: string[]
  try {
    tids = readdirSync('/proc/self/task')
  } catch {
    return out
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      const close = stat.lastIndexOf(')')
      const name = stat.slice(stat.indexOf('(') + 1, close)
      const f = stat.slice(close + 2).split(' ')
      // Fields after the name: state(0) ... utime(11) stime(12) ... nice(16); clock ticks of 10 ms.
      out.set(Number(tid), { name, cpuMs: (Number(f[11]) + Number(f[12])) * 10, nice: Number(f[16]) })
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out
}
