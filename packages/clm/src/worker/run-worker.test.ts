import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { TrainerError } from '../errors.js'
import { runWorker } from './run-worker.js'

const fixture = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url))

describe('runWorker', () => {
  it('resolves with the value the worker answers', async () => {
    await expect(runWorker(fixture('worker-echo.mjs'), { x: 21 }, { trainer: 't' })).resolves.toBe(42)
  })

  it('fails with the error the worker answers', async () => {
    const run = runWorker(fixture('worker-echo.mjs'), { fail: true }, { trainer: 'echo' })
    await expect(run).rejects.toThrow('Trainer echo failed: DataError: bad rows')
  })

  it('turns a worker that throws into a crashed TrainerError', async () => {
    const error: unknown = await runWorker(fixture('worker-throws.mjs'), {}, { trainer: 'thrower' }).catch((e) => e)
    expect(error).toBeInstanceOf(TrainerError)
    expect((error as TrainerError).failure).toBe('crashed')
    expect((error as TrainerError).message).toContain('boom in worker')
  })

  it('turns a worker that exits without answering into a crashed TrainerError', async () => {
    const run = runWorker(fixture('worker-exits.mjs'), {}, { trainer: 'exiter' })
    await expect(run).rejects.toThrow(/exiter crashed: worker exited with code 3/)
  })

  it('terminates a hanging worker at its timeout', async () => {
    const t0 = Date.now()
    const error: unknown = await runWorker(fixture('worker-hangs.mjs'), {}, { trainer: 'hang', timeoutMs: 300 }).catch(
      (e) => e,
    )
    expect((error as TrainerError).failure).toBe('timeout')
    expect(Date.now() - t0).toBeLessThan(5000)
  })
})
