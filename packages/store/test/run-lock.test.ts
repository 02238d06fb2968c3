import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { StateLockedError } from '@quantum/core'
import { openSqliteStore } from '../src/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'quantum-lock-'))
const children: ChildProcess[] = []
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

/** Starts another process that takes the run's lock; resolves once it holds it. */
async function holder(path: string, runId: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=@quantum/source', '--import', 'tsx', join(here, 'fixtures/hold-run-lock.ts'), path, runId],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  children.push(child)
  let out = ''
  child.stdout?.setEncoding('utf8')
  for await (const chunk of child.stdout ?? []) {
    out += String(chunk)
    if (out.includes('locked')) return child
  }
  throw new Error(`lock holder exited without the lock: ${out}`)
}

describe('run lock across processes', () => {
  it('names the other process that holds the run, and takes the run over once that process is killed', async () => {
    const path = join(dir, 'state.db')
    const child = await holder(path, 'run-1')
    const store = await openSqliteStore(path)
    try {
      const error = await store.lockRun('run-1').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StateLockedError)
      expect(error).toMatchObject({ holder: { pid: child.pid, host: hostname() } })
      expect((error as Error).message).toContain(`pid ${child.pid} on ${hostname()}`)
      child.kill('SIGKILL')
      await once(child, 'exit')
      const lock = await store.lockRun('run-1')
      expect(lock.holder.pid).toBe(process.pid)
      await lock.release()
    } finally {
      await store.close()
    }
  })
})
