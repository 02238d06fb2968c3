import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { BacktestResult, EngineEvent } from '@quantum/core'
import { runCli } from '../src/run-cli.js'
import type { BacktestRunner, CliDeps } from '../src/run-cli.js'
import { CaptureStream, fixture, jitiOptions, tempDir } from './helpers.js'
import { makeResult } from './make-result.js'

async function deps(
  runPaper: BacktestRunner,
  env: Record<string, string> = {},
): Promise<{ deps: CliDeps; stderr: CaptureStream }> {
  const stderr = new CaptureStream()
  const deps: CliDeps = {
    run: runPaper,
    runPaper,
    stdout: new CaptureStream(),
    stderr,
    cwd: await tempDir(),
    env,
    now: () => new Date(2024, 4, 6, 7, 8, 9),
    jitiOptions,
    typecheck: false,
  }
  return { deps, stderr }
}

const withErrors = (count: number): BacktestResult => {
  const result = makeResult({ bars: 100, trades: 3 })
  const error = (plugin: string): EngineEvent => ({
    type: 'plugin-error',
    plugin,
    hook: 'onBar',
    error: new Error(`${plugin} failed`),
  })
  return {
    ...result,
    summary: { ...result.summary, pluginErrors: count },
    notableEvents: Array.from({ length: count }, () => error('test:agent')),
  }
}

describe('quantum-run operations flags', () => {
  it('serves health, readiness, metrics and the dashboard during a paper run with --http, and stops after it', async () => {
    let url = ''
    const seen: { plugins: string[]; metrics: string; ready: number; health: unknown; page: string } = {
      plugins: [],
      metrics: '',
      ready: 0,
      health: null,
      page: '',
    }
    const h = await deps(async (config, options) => {
      seen.plugins = config.plugins.map((p) => p.name)
      url = /url=(\S+)/.exec(h.stderr.text)?.[1] ?? ''
      options.onProgress?.(1, 10)
      seen.health = await (await fetch(`${url}/health`)).json()
      seen.ready = (await fetch(`${url}/ready`)).status
      seen.metrics = await (await fetch(`${url}/metrics`)).text()
      seen.page = await (await fetch(url)).text()
      return makeResult({ bars: 100, trades: 3 })
    })
    const code = await runCli(
      [fixture('valid.config.ts'), '--mode', 'paper', '--http', '127.0.0.1:0', '--no-progress', '--log-level', 'info'],
      h.deps,
    )
    expect(h.stderr.text.split('\n').filter((l) => l.startsWith('error'))).toEqual([])
    expect(code).toBe(0)
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(seen.plugins).toEqual(expect.arrayContaining(['ops:metrics', 'ops:dashboard']))
    expect(seen.health).toMatchObject({ status: 'ok' })
    expect(seen.ready).toBe(200)
    expect(seen.metrics).toContain('quantum_equity_usdt')
    expect(seen.metrics).toContain('mode="paper"')
    expect(seen.page).toContain('<title>Quantum Trader')
    await expect(fetch(`${url}/health`)).rejects.toThrow()
  })

  it('prints plugin errors after the run, and exits 1 for them with --fail-on-plugin-error', async () => {
    const h = await deps(() => Promise.resolve(withErrors(3)))
    expect(await runCli([fixture('valid.config.ts'), '--no-progress', '--quiet'], h.deps)).toBe(0)
    expect(h.stderr.text).toContain('warning 3 plugin error(s): the strategy did not run as written')
    expect(h.stderr.text).toContain('test:agent.onBar: test:agent failed (3x)')
    const strict = await deps(() => Promise.resolve(withErrors(1)))
    expect(
      await runCli([fixture('valid.config.ts'), '--no-progress', '--quiet', '--fail-on-plugin-error'], strict.deps),
    ).toBe(1)
    const clean = await deps(() => Promise.resolve(withErrors(0)))
    expect(
      await runCli([fixture('valid.config.ts'), '--no-progress', '--quiet', '--fail-on-plugin-error'], clean.deps),
    ).toBe(0)
    expect(clean.stderr.text).toBe('')
  })

  it('warns before the run when agents have no sizer', async () => {
    const h = await deps(() => Promise.resolve(makeResult({ bars: 100, trades: 0 })))
    expect(await runCli([fixture('no-sizer.config.ts'), '--no-progress', '--log-level', 'warn'], h.deps)).toBe(0)
    expect(h.stderr.text).toContain('the config has agents but no sizer')
    const ok = await deps(() => Promise.resolve(makeResult({ bars: 100, trades: 0 })))
    await runCli([fixture('valid.config.ts'), '--no-progress'], ok.deps)
    expect(ok.stderr.text).not.toContain('no sizer')
  })

  it('refuses --http for a backtest and an unknown --log-level, naming the flag', async () => {
    const run = vi.fn<BacktestRunner>()
    const h = await deps(run)
    expect(await runCli([fixture('valid.config.ts'), '--mode', 'backtest', '--http', '9464'], h.deps)).toBe(2)
    expect(h.stderr.text).toContain('--http')
    const level = await deps(run)
    expect(await runCli([fixture('valid.config.ts'), '--log-level', 'wran'], level.deps)).toBe(2)
    expect(level.stderr.text).toContain('--log-level')
    expect(level.stderr.text).toContain('did you mean warn?')
    expect(run).not.toHaveBeenCalled()
  })

  it('tells systemd it is ready and stopping around a paper run under a Type=notify unit', async () => {
    const bin = await tempDir()
    const log = join(bin, 'calls.log')
    writeFileSync(join(bin, 'systemd-notify'), `#!/bin/sh\necho "$1" >> ${log}\n`)
    chmodSync(join(bin, 'systemd-notify'), 0o755)
    const h = await deps(() => Promise.resolve(makeResult({ bars: 100, trades: 0 })), {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      NOTIFY_SOCKET: '/run/fake.sock',
    })
    expect(await runCli([fixture('valid.config.ts'), '--mode', 'paper', '--no-progress', '--quiet'], h.deps)).toBe(0)
    expect(existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []).toEqual(['READY=1', 'STOPPING=1'])
  })
})
