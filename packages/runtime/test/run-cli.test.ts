import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { BacktestResult } from '@quantum/core'
import { runCli } from '../src/run-cli.js'
import type { BacktestRunner, CliDeps } from '../src/run-cli.js'
import { CaptureStream, fixture, jitiOptions, tempDir } from './helpers.js'
import { makeResult } from './make-result.js'

interface Harness {
  readonly deps: CliDeps
  readonly stdout: CaptureStream
  readonly stderr: CaptureStream
  readonly run: ReturnType<typeof vi.fn<BacktestRunner>>
  readonly cwd: string
}

async function harness(
  options: { result?: BacktestResult; tty?: boolean; env?: Record<string, string> } = {},
): Promise<Harness> {
  const stdout = new CaptureStream(options.tty)
  const stderr = new CaptureStream(options.tty)
  const cwd = await tempDir()
  const result = options.result ?? makeResult({ bars: 500, trades: 12 })
  const run = vi.fn<BacktestRunner>(() => Promise.resolve(result))
  const now = () => new Date(2024, 4, 6, 7, 8, 9)
  return {
    stdout,
    stderr,
    run,
    cwd,
    deps: { run, stdout, stderr, cwd, env: options.env ?? {}, now, jitiOptions, typecheck: false },
  }
}

describe('runCli', () => {
  it('should run a valid config, write the run folder and print the summary table', async () => {
    const h = await harness()
    const code = await runCli([fixture('valid.config.ts'), '--no-progress'], h.deps)
    expect(h.stderr.text).toBe('')
    expect(code).toBe(0)
    const dir = join(h.cwd, 'runs', 'fixture-valid-20240506-070809')
    expect((await readdir(dir)).sort()).toEqual(['equity.csv', 'report.html', 'run.log', 'summary.json', 'trades.csv'])
    expect(h.stdout.text).toContain('Win rate')
    expect(h.stdout.text).toContain(`Run folder: ${dir}`)
    const [config, options] = h.run.mock.calls[0] ?? []
    expect(config?.name).toBe('fixture-valid')
    expect(options?.baseDir).toBe(fixture(''))
    expect(typeof options?.onProgress).toBe('function')
    expect(options?.logger).toBeDefined()
  })

  it('should write a second run of the same second to a fresh folder', async () => {
    const h = await harness()
    await runCli([fixture('valid.config.ts'), '--quiet'], h.deps)
    await runCli([fixture('valid.config.ts'), '--quiet'], h.deps)
    expect((await readdir(join(h.cwd, 'runs'))).sort()).toEqual([
      'fixture-valid-20240506-070809',
      'fixture-valid-20240506-070809-2',
    ])
  })

  it('should write to --out relative to cwd and skip the report with --no-report', async () => {
    const h = await harness()
    expect(await runCli([fixture('valid.config.ts'), '--out', 'my-run', '--no-report', '--quiet'], h.deps)).toBe(0)
    expect((await readdir(join(h.cwd, 'my-run'))).sort()).toEqual([
      'equity.csv',
      'run.log',
      'summary.json',
      'trades.csv',
    ])
    expect(h.stdout.text).toBe('')
  })

  it('should print the summary as JSON with --json', async () => {
    const h = await harness()
    expect(await runCli([fixture('valid.config.ts'), '--json', '--out', 'r'], h.deps)).toBe(0)
    const printed = JSON.parse(h.stdout.text) as Record<string, unknown>
    expect(printed).toMatchObject({
      name: 'fixture-run',
      trades: 12,
      profitFactor: 'Infinity',
      runDir: join(h.cwd, 'r'),
    })
    expect(printed.config).toMatchObject({ name: 'fixture-valid', mode: 'backtest' })
  })

  it('should pass the overrides to the runner', async () => {
    const h = await harness()
    const argv = [
      fixture('valid.config.ts'),
      '--data',
      'x.csv,y.csv',
      '--symbols',
      'ethusdt',
      '--from',
      '2024-01-02',
      '--to',
      '2024-02-01',
    ]
    expect(await runCli([...argv, '--quiet'], h.deps)).toBe(0)
    expect(h.run.mock.calls[0]?.[0].data).toMatchObject({
      candles: [join(h.cwd, 'x.csv'), join(h.cwd, 'y.csv')],
      symbols: ['ETHUSDT'],
      from: '2024-01-02',
      to: '2024-02-01',
    })
  })

  it('should exit 2 for testnet without keys, and for live without --confirm-live and a STRICT policy, without running', async () => {
    const h = await harness()
    expect(await runCli([fixture('valid.config.ts'), '--mode', 'testnet'], h.deps)).toBe(2)
    expect(h.stderr.text).toContain('QUANTUM_BINANCE_TESTNET_API_KEY')
    const live = await harness()
    expect(await runCli([fixture('valid.config.ts'), '--mode', 'live'], live.deps)).toBe(2)
    expect(live.stderr.text).toContain('--confirm-live')
    expect(live.stderr.text).toContain("riskPolicy('STRICT')")
    expect(h.run).not.toHaveBeenCalled()
    expect(live.run).not.toHaveBeenCalled()
  })

  it('should exit 2 when the config itself asks for live mode without the confirmation', async () => {
    const h = await harness()
    expect(await runCli([fixture('live-mode.config.ts')], h.deps)).toBe(2)
    expect(h.stderr.text).toContain('Refusing to start live trading')
  })

  it('should exit 2 naming an unknown flag', async () => {
    const h = await harness()
    expect(await runCli([fixture('valid.config.ts'), '--fast'], h.deps)).toBe(2)
    expect(h.stderr.text).toContain('--fast')
    expect(h.run).not.toHaveBeenCalled()
  })

  it('should exit 2 listing every config issue, without a stack, even with DEBUG', async () => {
    const h = await harness({ env: { DEBUG: 'quantum' } })
    expect(await runCli([fixture('invalid.config.ts')], h.deps)).toBe(2)
    for (const path of ['plugins.1', 'exchange.takerFee', 'data.candles']) expect(h.stderr.text).toContain(path)
    expect(h.stderr.text).not.toMatch(/\n\s+at /)
  })

  it('should exit 2 for a missing config file', async () => {
    const h = await harness()
    expect(await runCli(['missing.config.ts'], h.deps)).toBe(2)
    expect(h.stderr.text).toContain(`Config file not found: ${join(h.cwd, 'missing.config.ts')}`)
  })

  it('should exit 1 when the run fails, with the stack only under DEBUG=quantum', async () => {
    const plain = await harness()
    plain.run.mockRejectedValueOnce(new Error('engine exploded'))
    expect(await runCli([fixture('valid.config.ts')], plain.deps)).toBe(1)
    expect(plain.stderr.text).toContain('engine exploded')
    expect(plain.stderr.text).not.toMatch(/\n\s+at /)
    const debug = await harness({ env: { DEBUG: 'quantum' } })
    debug.run.mockRejectedValueOnce(new Error('engine exploded'))
    expect(await runCli([fixture('valid.config.ts')], debug.deps)).toBe(1)
    expect(debug.stderr.text).toMatch(/\n\s+at /)
  })

  it('should print the usage with --help and the version with --version', async () => {
    const h = await harness()
    expect(await runCli(['--help'], h.deps)).toBe(0)
    expect(h.stdout.text).toContain('Usage: quantum-run <config.ts> [options]')
    const v = await harness()
    expect(await runCli(['--version'], v.deps)).toBe(0)
    expect(v.stdout.text).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('should draw a progress bar on a TTY for long runs and not with --no-progress', async () => {
    const longRun: BacktestRunner = (_config, options) => {
      for (let done = 0; done <= 100_000; done += 25_000) options.onProgress?.(done, 100_000)
      return Promise.resolve(makeResult({ bars: 100, trades: 2 }))
    }
    const tty = await harness({ tty: true })
    expect(await runCli([fixture('valid.config.ts'), '--out', 'a'], { ...tty.deps, run: longRun })).toBe(0)
    expect(tty.stderr.text).toContain('bars')
    const off = await harness({ tty: true })
    expect(
      await runCli([fixture('valid.config.ts'), '--out', 'a', '--no-progress'], { ...off.deps, run: longRun }),
    ).toBe(0)
    expect(off.stderr.text).toBe('')
    const pipe = await harness({ tty: false })
    expect(await runCli([fixture('valid.config.ts'), '--out', 'a'], { ...pipe.deps, run: longRun })).toBe(0)
    expect(pipe.stderr.text).toBe('')
  })

  it('should leave no temporary files in the run folder', async () => {
    const h = await harness()
    await runCli([fixture('valid.config.ts'), '--out', 'r', '--quiet'], h.deps)
    const files = await readdir(join(h.cwd, 'r'))
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([])
    expect(existsSync(join(h.cwd, 'r', 'summary.json'))).toBe(true)
    expect(JSON.parse(await readFile(join(h.cwd, 'r', 'summary.json'), 'utf8'))).toHaveProperty('config.plugins')
  })
})
