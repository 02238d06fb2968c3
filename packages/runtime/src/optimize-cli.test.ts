import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Trial } from '@quantum/core'
import { parseOptimizeArgs } from './optimize-cli.js'
import { runCli } from './run-cli.js'
import { CaptureStream, fixture, tempDir } from '../test/helpers.js'

const built = existsSync(new URL('../dist/trial-worker.js', import.meta.url))
if (!built)
  console.warn('[skip] packages/runtime/dist/trial-worker.js is missing: run "npm run build" to test optimize')

describe('parseOptimizeArgs', () => {
  it('should read the flags and name every bad one', () => {
    expect(parseOptimizeArgs(['c.ts', '--method', 'grid', '--trials', '5', '--workers', '2'])).toMatchObject({
      config: 'c.ts',
      method: 'grid',
      trials: 5,
      workers: 2,
    })
    expect(parseOptimizeArgs(['--help'])).toBeUndefined()
    expect(() => parseOptimizeArgs(['c.ts', '--method', 'annealing', '--trials', '0', '--workers', 'x'])).toThrow(
      expect.objectContaining({
        issues: [
          { path: '--method', message: '"annealing" is not one of random, grid, tpe' },
          { path: '--trials', message: '"0" is not an integer >= 1' },
          { path: '--workers', message: '"x" is not an integer >= 1' },
        ],
      }),
    )
  })
})

describe.runIf(built)('quantum-run optimize', () => {
  it('should record every trial, failures included, and report the best ok trial only', async () => {
    const cwd = await tempDir()
    const stdout = new CaptureStream()
    const stderr = new CaptureStream()
    // Grid over n in {3, 60} (2 points) x 5 faults = 10 trials; 'hang' times out after 1.5 s.
    const code = await runCli(
      ['optimize', fixture('optimize.config.ts'), '--workers', '2', '--trials', '50', '--out', 'study'],
      { stdout, stderr, cwd, env: {} },
    )
    expect(stderr.text).toBe('')
    expect(code).toBe(0)
    const lines = (await readFile(join(cwd, 'study', 'trials.jsonl'), 'utf8')).trimEnd().split('\n')
    const trials = lines.map((l) => JSON.parse(l) as Trial)
    expect(trials).toHaveLength(10)
    const by = (s: string) => trials.filter((t) => t.outcome.status === s).length
    expect({ ok: by('ok'), failed: by('failed'), timeout: by('timeout') }).toEqual({ ok: 2, failed: 6, timeout: 2 })
    const doc = JSON.parse(await readFile(join(cwd, 'study', 'optimize.json'), 'utf8')) as {
      best: Trial
      counts: Record<string, number>
    }
    const ok = trials.filter((t) => t.outcome.status === 'ok') as (Trial & { outcome: { value: number } })[]
    const max = Math.max(...ok.map((t) => t.outcome.value))
    expect(doc.best.outcome).toMatchObject({ status: 'ok', value: max })
    expect(doc.best.params.fault).toBe('none')
    expect(doc.counts).toEqual({ ok: 2, failed: 6, infeasible: 0, timeout: 2 })
    expect(stdout.text).toContain('10 trials')
    expect(stdout.text).toContain('2 ok, 0 infeasible, 6 failed, 2 timed out')
  })

  it('should exit 1 without a best point when every trial fails, and 2 for a config without optimize', async () => {
    const cwd = await tempDir()
    const io = { stdout: new CaptureStream(), stderr: new CaptureStream(), cwd, env: {} }
    const code = await runCli(
      [
        'optimize',
        fixture('optimize.config.ts'),
        '--method',
        'random',
        '--trials',
        '3',
        '--objective',
        'sortino',
        '--out',
        's',
        '--from',
        '2025-01-01',
        '--to',
        '2025-01-02',
      ],
      io,
    )
    // One day of bars: no trades, so every Sortino ratio is NaN and no trial is ok.
    expect(io.stdout.text).toContain('No trial was ok')
    expect(code).toBe(1)
    expect(await runCli(['optimize', fixture('valid.config.ts')], io)).toBe(2)
    expect(io.stderr.text).toContain('optimize: add optimize: defineSearch')
  })
})
