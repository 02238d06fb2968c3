import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from './run-cli.js'
import type { WindowReport } from './walk-forward-cli.js'
import { CaptureStream, fixture, tempDir } from '../test/helpers.js'

const built = existsSync(new URL('../dist/trial-worker.js', import.meta.url))
if (!built)
  console.warn('[skip] packages/runtime/dist/trial-worker.js is missing: run "npm run build" to test walk-forward')

describe.runIf(built)('quantum-run walk-forward', () => {
  it('should optimise each in-sample window, test the best point out of sample after the purge gap and stitch the equity', async () => {
    const cwd = await tempDir()
    const io = { stdout: new CaptureStream(), stderr: new CaptureStream(), cwd, env: {} }
    const argv = [
      'walk-forward',
      fixture('walk-forward.config.ts'),
      '--windows',
      '2',
      '--trials',
      '4',
      '--workers',
      '2',
    ]
    const code = await runCli([...argv, '--is-ratio', '2', '--purge-hours', '24', '--out', 'wf'], io)
    expect(io.stderr.text).toBe('')
    expect(code).toBe(0)
    const doc = JSON.parse(await readFile(join(cwd, 'wf', 'walk-forward.json'), 'utf8')) as {
      windows: WindowReport[]
      inSampleMean: number
      outOfSampleMean: number
      efficiency: number
      outOfSample: { days: number; equity: number[] }
    }
    expect(doc.windows).toHaveLength(2)
    for (const w of doc.windows) {
      expect(w.window.outOfSample.from - w.window.inSample.to).toBe(24 * 3_600_000)
      expect(w.trials).toBe(4)
      const lines = (await readFile(join(cwd, 'wf', `window-${w.window.index}`, 'trials.jsonl'), 'utf8'))
        .trim()
        .split('\n')
      expect(lines).toHaveLength(4)
    }
    // Rolling: the second in-sample range starts one out-of-sample length later.
    const [a, b] = doc.windows as [WindowReport, WindowReport]
    expect(b.window.inSample.from - a.window.inSample.from).toBe(a.window.outOfSample.to - a.window.outOfSample.from)
    expect(doc.efficiency).toBeCloseTo(doc.outOfSampleMean / doc.inSampleMean, 12)
    // 59 days of data, 1 day purged, IS:OOS = 2:1 over 2 windows -> OOS (59 - 1) / 4 = 14.5 days each.
    expect(doc.outOfSample.days).toBeGreaterThanOrEqual(28)
    expect(doc.outOfSample.days).toBeLessThanOrEqual(31)
    expect(doc.outOfSample.equity).toHaveLength(doc.outOfSample.days)
    expect(io.stdout.text).toContain('Stitched OOS')
  })
})
