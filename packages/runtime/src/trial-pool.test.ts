import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createTrialPool, workerExecArgv } from './trial-pool.js'
import { fixture } from '../test/helpers.js'

const built = existsSync(new URL('../dist/trial-worker.js', import.meta.url))
if (!built)
  console.warn('[skip] packages/runtime/dist/trial-worker.js is missing: run "npm run build" to test the trial pool')

describe.runIf(built)('createTrialPool', () => {
  it('should run trials on worker threads and turn throws, NaN, hangs and dead workers into recorded outcomes', async () => {
    const pool = await createTrialPool({
      workers: 2,
      configFile: fixture('optimize.config.ts'),
      cwd: process.cwd(),
      timeoutMs: 1500,
    })
    try {
      const [ok, throws, nan, hang, exit] = await Promise.all(
        ['none', 'throw', 'nan', 'hang', 'exit'].map((fault) => pool.evaluate({ n: 10, fault })),
      )
      expect(ok!.status).toBe('ok')
      expect(Number.isFinite((ok as { value: number }).value)).toBe(true)
      expect(throws).toEqual({ status: 'failed', error: 'optimize.plugins threw: no plugins for this point' })
      expect(nan).toMatchObject({ status: 'failed', error: 'custom objective returned NaN, not a finite number' })
      expect(hang).toMatchObject({ status: 'timeout' })
      expect(exit).toEqual({ status: 'failed', error: 'worker exited with code 3' })
      // The pool replaced the hung and the dead worker: it still runs trials, with the same answer.
      const again = await pool.evaluate({ n: 10, fault: 'none' })
      expect(again).toEqual(ok)
      // A window narrows the data: fewer bars, another result.
      const narrow = await pool.evaluate(
        { n: 10, fault: 'none' },
        { from: Date.UTC(2025, 0, 1), to: Date.UTC(2025, 1, 1) },
      )
      expect(narrow.status === 'ok' || narrow.status === 'failed').toBe(true)
      expect(narrow).not.toEqual(ok)
    } finally {
      await pool.close()
    }
  })

  it('should run the trials sent ahead behind a hung or dead trial on the replaced worker, not fail them', async () => {
    const pool = await createTrialPool({
      workers: 1,
      configFile: fixture('optimize.config.ts'),
      cwd: process.cwd(),
      timeoutMs: 1500,
    })
    try {
      expect(pool.capacity).toBe(2)
      // One worker, two trials in flight: the second waits in the worker behind the first.
      const [hang, afterHang] = await Promise.all([
        pool.evaluate({ n: 10, fault: 'hang' }),
        pool.evaluate({ n: 10, fault: 'none' }),
      ])
      const [exit, afterExit] = await Promise.all([
        pool.evaluate({ n: 10, fault: 'exit' }),
        pool.evaluate({ n: 10, fault: 'none' }),
      ])
      expect(hang.status).toBe('timeout')
      expect(exit).toEqual({ status: 'failed', error: 'worker exited with code 3' })
      expect(afterHang.status).toBe('ok')
      expect(afterExit).toEqual(afterHang)
    } finally {
      await pool.close()
    }
  })

  it('should refuse a worker count below one and a config that does not load', async () => {
    await expect(createTrialPool({ workers: 0, configFile: 'x', cwd: '.' })).rejects.toThrow('Invalid worker count')
    await expect(
      createTrialPool({ workers: 1, configFile: fixture('missing.config.ts'), cwd: process.cwd() }),
    ).rejects.toThrow('Trial worker could not start')
  })
})

describe('workerExecArgv', () => {
  it('passes Node flags on to the workers, without loaders, conditions and the V8 flags a worker refuses', () => {
    const argv = ['--single-threaded-gc', '--conditions', 'x', '--import=tsx', '--max-old-space-size=100']
    expect(workerExecArgv([...argv, '--enable-source-maps', '--max-semi-space-size', '--trace-warnings'])).toEqual([
      '--enable-source-maps',
      '--trace-warnings',
    ])
  })
})
