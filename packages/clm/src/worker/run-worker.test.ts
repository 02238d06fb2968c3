import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { enterRealtime, leaveRealtime, schedulingPolicy } from '@quantum/core'
import { TrainerError } from '../errors.js'
import { BACKGROUND_NICENESS, currentNiceness, lowerProcessPriority } from './priority.js'
import { runWorker } from './run-worker.js'
import { startWorkerHost } from './worker-host-client.js'

/** Linux lets a thread set its own niceness; elsewhere the workers keep the caller's priority. */
const threadNice = existsSync('/proc/thread-self')

/** util-linux `chrt`, which starts the worker host under SCHED_IDLE. */
const idleLauncher = process.platform === 'linux' && ['/usr/bin/chrt', '/bin/chrt'].some((p) => existsSync(p))

const fixture = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url))

describe.each(['thread', 'process'] as const)('runWorker in a %s', (isolation) => {
  it('resolves with the value the worker answers', async () => {
    await expect(runWorker(fixture('worker-echo.mjs'), { x: 21 }, { trainer: 't', isolation })).resolves.toBe(42)
  })

  it('fails with the error the worker answers', async () => {
    const run = runWorker(fixture('worker-echo.mjs'), { fail: true }, { trainer: 'echo', isolation })
    await expect(run).rejects.toThrow('Trainer echo failed: DataError: bad rows')
  })

  it('turns a worker that throws into a crashed TrainerError', async () => {
    const error: unknown = await runWorker(fixture('worker-throws.mjs'), {}, { trainer: 'thrower', isolation }).catch(
      (e) => e,
    )
    expect(error).toBeInstanceOf(TrainerError)
    expect((error as TrainerError).failure).toBe('crashed')
    expect((error as TrainerError).message).toContain('boom in worker')
  })

  it('turns a worker that exits without answering into a crashed TrainerError', async () => {
    const run = runWorker(fixture('worker-exits.mjs'), {}, { trainer: 'exiter', isolation })
    await expect(run).rejects.toThrow(/exiter crashed: worker exited with code 3/)
  })

  it('terminates a hanging worker at its timeout', async () => {
    const t0 = Date.now()
    const error: unknown = await runWorker(
      fixture('worker-hangs.mjs'),
      {},
      { trainer: 'hang', timeoutMs: 300, isolation },
    ).catch((e) => e)
    expect((error as TrainerError).failure).toBe('timeout')
    expect(Date.now() - t0).toBeLessThan(5000)
  })

  it('kills the worker when aborted', async () => {
    const controller = new AbortController()
    const run = runWorker(fixture('worker-hangs.mjs'), {}, { trainer: 'hang', signal: controller.signal, isolation })
    setTimeout(() => controller.abort(), 200)
    await expect(run).rejects.toThrow('Trainer hang failed: aborted')
  })
})

describe('runWorker', () => {
  it.runIf(threadNice)('runs the worker thread at the background niceness, leaving the caller as it was', async () => {
    const before = currentNiceness()
    expect(before).toBeLessThan(BACKGROUND_NICENESS)
    await expect(runWorker(fixture('worker-niceness.mjs'), {}, { trainer: 'nice' })).resolves.toBe(BACKGROUND_NICENESS)
    await expect(runWorker(fixture('worker-niceness.mjs'), {}, { trainer: 'nice', niceness: 7 })).resolves.toBe(
      Math.max(7, before!),
    )
    await expect(runWorker(fixture('worker-niceness.mjs'), {}, { trainer: 'nice', niceness: 0 })).resolves.toBe(before)
    expect(currentNiceness()).toBe(before)
  })

  it('refuses a niceness outside 0-19', async () => {
    await expect(runWorker(fixture('worker-echo.mjs'), { x: 1 }, { trainer: 't', niceness: 20 })).rejects.toThrow(
      RangeError,
    )
  })

  it('moves the buffers listed in transfer instead of copying them', async () => {
    const data = new Float32Array(1000)
    const run = runWorker(fixture('worker-transfer.mjs'), { data }, { trainer: 't', transfer: [data.buffer] })
    expect(data.byteLength).toBe(0) // detached here: moved, not copied
    await expect(run).resolves.toBe(4000)
  })

  it('puts a worker started by a real-time thread back under normal scheduling before lowering it', async () => {
    const entered = enterRealtime(1)
    try {
      // Without the right to raise this thread there is nothing to inherit: only the niceness is shown.
      const there = await runWorker<{ niceness: number | null; policy: number | null }>(
        fixture('worker-niceness.mjs'),
        { policy: true },
        { trainer: 'nice' },
      )
      if (!threadNice) return
      expect(there).toEqual({ niceness: BACKGROUND_NICENESS, policy: 0 })
      if (entered.realtime) expect(schedulingPolicy()).toBe('rr') // the caller keeps its class
    } finally {
      leaveRealtime()
    }
  })

  it('lowers a child process and never raises one', () => {
    expect(lowerProcessPriority(undefined, 19)).toBe(false)
    expect(lowerProcessPriority(process.pid, 0)).toBe(false)
  })
})

describe('runWorker in a child process', () => {
  it('runs the module in another process, every thread of it at the background niceness', async () => {
    expect(startWorkerHost()).toBeGreaterThan(0)
    const before = currentNiceness()
    const there = await runWorker<{ pid: number; threads: number[] | null; policies: number[] | null }>(
      fixture('worker-threads-niceness.mjs'),
      {},
      { trainer: 'nice', isolation: 'process' },
    )
    expect(there.pid).not.toBe(process.pid)
    if (threadNice) {
      expect(there.threads!.length).toBeGreaterThan(1) // V8's helper threads too, not only the main one
      expect(new Set(there.threads)).toEqual(new Set([BACKGROUND_NICENESS]))
      // Started by `chrt --idle`: every thread under SCHED_IDLE (5) from the first one.
      if (idleLauncher) expect(new Set(there.policies)).toEqual(new Set([5]))
    }
    expect(currentNiceness()).toBe(before)
    // The host is kept: the next task runs in the same process.
    const again = await runWorker<{ pid: number }>(
      fixture('worker-threads-niceness.mjs'),
      {},
      {
        trainer: 'nice',
        isolation: 'process',
      },
    )
    expect(again.pid).toBe(there.pid)
  })

  it('starts a new host after one is killed', async () => {
    const pid = startWorkerHost(19)!
    const run = runWorker(fixture('worker-hangs.mjs'), {}, { trainer: 'hang', isolation: 'process', timeoutMs: 60_000 })
    await new Promise((r) => setTimeout(r, 300))
    process.kill(pid, 'SIGKILL')
    await expect(run).rejects.toThrow(/Trainer hang crashed: worker host exited with SIGKILL/)
    const next = await runWorker<{ pid: number }>(
      fixture('worker-threads-niceness.mjs'),
      {},
      {
        trainer: 'nice',
        isolation: 'process',
      },
    )
    expect(next.pid).not.toBe(pid)
  })

  it('copies the payload rather than moving it (a process cannot take a buffer)', async () => {
    const data = new Float32Array(1000)
    const run = runWorker(
      fixture('worker-transfer.mjs'),
      { data },
      { trainer: 't', transfer: [data.buffer], isolation: 'process' },
    )
    expect(data.byteLength).toBe(4000)
    await expect(run).resolves.toBe(4000)
  })
})
