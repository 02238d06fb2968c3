/**
 * Runs one bench function in a fresh Node process (same `--import tsx` and conditions, inherited from
 * this one), so that a latency measurement is not taxed by the garbage collector of a process that has
 * grown to hundreds of MiB with the throughput benches before it (a live process does not hold a
 * 200,000-bar backtest).
 */
import { fork } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** What the child sends back. */
type Reply = { ok: true; value: unknown } | { ok: false; error: string }

/**
 * Calls `exportName(...args)` of the bench module `file` (relative to bench/) in a forked process and
 * resolves with its JSON-serialisable result.
 */
export function inFreshProcess<T>(file: string, exportName: string, args: readonly unknown[] = []): Promise<T> {
  const here = dirname(fileURLToPath(import.meta.url))
  const child = fork(join(here, 'fresh-process-child.ts'), {
    env: { ...process.env, BENCH_MODULE: join(here, file), BENCH_EXPORT: exportName, BENCH_ARGS: JSON.stringify(args) },
  })
  return new Promise<T>((resolve, reject) => {
    child.once('message', (reply: Reply) => {
      child.kill()
      if (reply.ok) resolve(reply.value as T)
      else reject(new Error(`${file} ${exportName}: ${reply.error}`))
    })
    child.once('exit', (code) => reject(new Error(`${file} ${exportName}: child exited with ${code}`)))
  })
}
