import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import type { BacktestResult, EngineEvent } from '@quantum/core'
import { openStateStore } from '@quantum/store'
import { runCli } from '../src/run-cli.js'
import type { BacktestRunner, CliDeps } from '../src/run-cli.js'
import { CaptureStream, fixture, jitiOptions, tempDir } from './helpers.js'
import { makeResult } from './make-result.js'
import { fakeContext } from '../../risk/test/fake-context.js'

const HTTP_TOKEN = 'an-http-token-of-at-least-24-chars'
const ESS_TOKEN = 'ess-token-for-the-risk-api-test'

/** A raw request, for paths fetch would normalise (`/risk/%2e%2e/…`) and bodies it would not send as given. */
function rawStatus(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<number>((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers ?? {} }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

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

  it('mounts the risk API under /risk on the one server, behind its guards: typed 4xx for bad tokens and bodies', async () => {
    const seen: Record<string, number> = {}
    let state: unknown
    const h = await deps(
      async (config) => {
        // the run's setup hands the routes its context (a fake one here: the runner is a stub)
        await config.plugins.find((p) => p.name === 'risk:http-context')?.setup?.(fakeContext())
        const url = /url=(\S+)/.exec(h.stderr.text)?.[1] ?? ''
        const trip = `${url}/risk/ess/trip`
        const post = (body: string, headers: Record<string, string> = {}): Promise<number> =>
          rawStatus(trip, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${HTTP_TOKEN}`, ...headers },
            body,
          })
        const reason = JSON.stringify({ reason: 'drill', token: ESS_TOKEN })
        seen.status = (await fetch(`${url}/risk/ess/status`)).status
        seen.missingToken = await post(reason, { authorization: '' })
        seen.wrongToken = await post(reason, { authorization: `Bearer ${HTTP_TOKEN.slice(1)}x` })
        seen.wrongEssToken = await post(JSON.stringify({ reason: 'drill', token: 'not-the-ess-token-at-all' }))
        seen.notJson = await post(reason, { 'content-type': 'text/plain' })
        seen.huge = await post(JSON.stringify({ reason: 'x'.repeat(20_000), token: ESS_TOKEN }))
        seen.malformed = await post('{"reason": "drill",')
        seen.invalid = await post(JSON.stringify({ reason: '', token: ESS_TOKEN }))
        seen.traversal = await rawStatus(`${url}/risk/%2e%2e/%2e%2e/etc/passwd`)
        seen.dotdot = await rawStatus(`${url}/risk/../../etc/passwd`)
        seen.otherHost = await rawStatus(`${url}/risk/ess/status`, { headers: { host: 'evil.example' } })
        state = await (await fetch(`${url}/risk/ess/status`)).json()
        seen.tripped = await post(reason)
        state = await (await fetch(`${url}/risk/ess/status`)).json()
        return makeResult({ bars: 10, trades: 0 })
      },
      { QUANTUM_HTTP_TOKEN: HTTP_TOKEN },
    )
    const code = await runCli(
      [
        fixture('risk-api.config.ts'),
        '--mode',
        'paper',
        '--http',
        '127.0.0.1:0',
        '--no-progress',
        '--log-level',
        'info',
      ],
      h.deps,
    )
    expect(code).toBe(0)
    expect(seen).toEqual({
      status: 200,
      missingToken: 401,
      wrongToken: 401,
      wrongEssToken: 401,
      notJson: 415,
      huge: 413,
      malformed: 400,
      invalid: 400,
      traversal: 404,
      dotdot: 404,
      otherHost: 421,
      tripped: 200,
    })
    expect(state).toMatchObject({ state: 'TRIPPED', reason: 'drill' })
    expect(h.stderr.text).toContain('/risk/ess/trip')
  })

  it('sends alerts to --notify receivers (url from the environment) and writes run.log as pino JSON lines', async () => {
    const got: { path: string; body: Record<string, unknown> }[] = []
    const receiver = createServer((req, res) => {
      let text = ''
      req.on('data', (chunk: Buffer) => (text += chunk.toString()))
      req.on('end', () => {
        got.push({ path: req.url ?? '', body: JSON.parse(text) as Record<string, unknown> })
        res.end('{}')
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
    try {
      let names: string[] = []
      const h = await deps(
        async (config) => {
          names = config.plugins.map((p) => p.name)
          const alerts = config.plugins.find((p) => p.name === 'ops:notifier')
          const ctx = fakeContext()
          await alerts?.setup?.(ctx)
          if (alerts?.kind === 'observer') {
            alerts.onEvent(
              { type: 'risk-state', time: 1, source: 'ess', state: 'TRIPPED', tradingState: 'halted', reason: 'drill' },
              ctx,
            )
          }
          await alerts?.dispose?.()
          return makeResult({ bars: 10, trades: 0 })
        },
        { SLACK_HOOK: `${base}/slack` },
      )
      const argv = [fixture('no-sizer.config.ts'), '--mode', 'paper', '--out', 'r', '--no-progress', '--quiet']
      const code = await runCli([...argv, '--notify', 'slack=env:SLACK_HOOK', '--notify', `${base}/json`], h.deps)
      expect(code).toBe(0)
      expect(names).toContain('ops:notifier')
      expect(got.map((g) => g.path).sort()).toEqual(['/json', '/slack'])
      expect(got.find((g) => g.path === '/json')?.body).toMatchObject({ kind: 'ess-tripped', text: 'drill' })
      expect(String(got.find((g) => g.path === '/slack')?.body.text)).toContain('Emergency stop tripped')
      // the run log: every record as JSON with service, run, level and time (the console was --quiet)
      const records = readFileSync(join(h.deps.cwd!, 'r', 'run.log'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(records.find((r) => String(r.msg).includes('no sizer'))).toMatchObject({
        level: 40,
        service: 'quantum-run',
        run: 'r:paper',
        time: expect.any(Number),
      })
      const unset = await deps(() => Promise.resolve(makeResult({ bars: 1, trades: 0 })))
      expect(await runCli([...argv, '--notify', 'slack=env:NOT_SET'], unset.deps)).toBe(2)
      expect(unset.stderr.text).toContain('NOT_SET is not set in the environment')
    } finally {
      await new Promise((resolve) => receiver.close(resolve))
    }
  })

  it('lists past runs from the state store on the dashboard API, and says when there is no store', async () => {
    const seen: { runs?: unknown; missing?: number } = {}
    const h = await deps(async () => {
      const url = /url=(\S+)/.exec(h.stderr.text)?.[1] ?? ''
      seen.runs = await (await fetch(`${url}/api/runs`)).json()
      return makeResult({ bars: 10, trades: 0 })
    })
    const file = join(h.deps.cwd!, 'state.db')
    const store = await openStateStore(file)
    const base = { account: 'paper', name: 'reference', configHash: 'abc123', mode: 'testnet' as const }
    await store.startRun({ ...base, id: 'run-1', status: 'running', startedAt: 1_000 })
    await store.endRun('run-1', 'completed', 2_000)
    await store.close()
    const argv = [fixture('valid.config.ts'), '--mode', 'paper', '--http', '127.0.0.1:0', '--no-progress']
    expect(await runCli([...argv, '--log-level', 'info', '--state', 'state.db'], h.deps)).toBe(0)
    // The stored run, and the paper run itself (journaled into the same store since paper runs resume).
    expect(seen.runs).toEqual({
      runs: expect.arrayContaining([
        expect.objectContaining({ id: 'run-1', name: 'reference', status: 'completed', endedAt: 2_000 }),
        expect.objectContaining({ mode: 'paper', name: 'fixture-valid', status: 'running' }),
      ]),
    })
    expect((seen.runs as { runs: unknown[] }).runs).toHaveLength(2)
    const none = await deps(async () => {
      const url = /url=(\S+)/.exec(none.stderr.text)?.[1] ?? ''
      seen.missing = (await fetch(`${url}/api/runs`)).status
      return makeResult({ bars: 10, trades: 0 })
    })
    expect(await runCli([...argv, '--log-level', 'info'], none.deps)).toBe(0)
    expect(seen.missing).toBe(503)
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
