/**
 * `quantum-run check-bias`: a deliberately look-ahead agent is caught (exit 1, named, with its first
 * differing answer), an honest one passes and its warm-up dependence is reported, and the examples'
 * agents and exits pass.
 */
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigError, type BiasReport } from '@quantum/core'
import { afterEach, describe, expect, it } from 'vitest'
import { parseCheckBiasArgs, runCheckBias } from './check-bias-cli.js'
import { CaptureStream, fixture } from '../test/helpers.js'

const examples = resolve(fileURLToPath(import.meta.url), '../../../../examples')

async function check(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; report: BiasReport }> {
  const stdout = new CaptureStream()
  const code = await runCheckBias([...argv, '--json'], { stdout, stderr: new CaptureStream(), cwd: process.cwd(), env })
  return { code, report: JSON.parse(stdout.text) as BiasReport }
}

afterEach(() => {
  delete process.env.QUANTUM_TEST_PEEK
})

describe('quantum-run check-bias', () => {
  it('should catch an agent that reads the next bar, name it, and exit 1', async () => {
    process.env.QUANTUM_TEST_PEEK = '1'
    const { code, report } = await check([
      fixture('look-ahead.config.ts'),
      '--cuts',
      '3',
      '--warmups',
      '10,200',
      '--span',
      '200',
    ])
    expect(code).toBe(1)
    expect(report.lookAhead.passed).toBe(false)
    const peeker = report.lookAhead.plugins.find((p) => p.plugin === 'test:peeker')!
    expect(peeker.mismatches).toBeGreaterThan(0)
    // The bar right before each cut is the one whose next bar was removed.
    expect(peeker.first).toMatchObject({ hook: 'onBar', cutData: 'undefined' })
    expect(peeker.first!.time).toBe(report.lookAhead.cuts[0]! - 3_600_000)
    const honest = report.lookAhead.plugins.find((p) => p.plugin === 'test:ema-distance')!
    expect(honest).toMatchObject({ mismatches: 0 })
    expect(honest.compared).toBeGreaterThan(500)
  })

  it('should pass an honest recursive agent and report that a short warm-up changes its answers', async () => {
    const { code, report } = await check([
      fixture('look-ahead.config.ts'),
      '--cuts',
      '3',
      '--warmups',
      '10,200',
      '--span',
      '200',
    ])
    expect(code).toBe(0)
    const rows = report.recursion.rows.filter((r) => r.plugin === 'test:ema-distance')
    expect(rows.map((r) => r.warmup)).toEqual([10, 200])
    expect(rows[0]!.compared).toBe(200)
    expect(rows[0]!.maxConfidenceDiff).toBeGreaterThan(rows[1]!.maxConfidenceDiff)
    expect(rows[0]!.mismatches).toBeGreaterThan(0)
  })

  const RANGE = ['--from', '2025-03-01', '--to', '2025-05-01']
  it.each([
    ['quickstart', RANGE],
    ['exit-brain', RANGE],
    ['reference-strategy', RANGE],
    ['risk-ess', []],
  ])(
    "should find no look-ahead in the %s example's agents and exits",
    async (name, range) => {
      const config = join(examples, name, 'quantum.config.ts')
      const { code, report } = await check([config, '--cuts', '3', '--warmups', '20', '--span', '50', ...range])
      expect(report.lookAhead.plugins.filter((p) => p.mismatches > 0)).toEqual([])
      expect(report.lookAhead.plugins.some((p) => p.kind === 'agent' && p.compared > 0)).toBe(true)
      expect(code).toBe(0)
    },
    120_000,
  )

  it("should find no look-ahead in the ensemble's model agents (inference driven blockwise by the kernel)", async () => {
    const config = join(examples, 'ensemble', 'quantum.config.ts')
    const window = ['--from', '2025-07-01', '--to', '2025-08-20']
    const { code, report } = await check([config, '--cuts', '4', '--warmups', '200', '--span', '50', ...window])
    const models = ['agents:xgboost', 'agents:lightgbm', 'agents:nhits', 'agents:patchtst']
    for (const name of models) {
      const verdict = report.lookAhead.plugins.find((p) => p.plugin === name)
      expect(verdict, name).toMatchObject({ kind: 'agent', mismatches: 0 })
      expect(verdict!.compared, name).toBeGreaterThan(500)
    }
    expect(report.lookAhead.plugins.filter((p) => p.mismatches > 0)).toEqual([])
    expect(code).toBe(0)
  }, 300_000)

  it('should refuse a missing config and bad warm-up lists', () => {
    expect(() => parseCheckBiasArgs([])).toThrow(ConfigError)
    expect(() => parseCheckBiasArgs(['a.ts', '--warmups', '10,x'])).toThrow(ConfigError)
  })
})
