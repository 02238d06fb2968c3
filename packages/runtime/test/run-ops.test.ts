import { ConfigError, silentLogger } from '@quantum/core'
import type { EngineEvent } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { hasAgentsWithoutSizer, parseHttpAddress, runProblems, startRunOps } from '../src/run-ops.js'

describe('run operations', () => {
  it('parses --http as [host:]port, loopback by default', () => {
    expect(parseHttpAddress('9464')).toEqual({ host: '127.0.0.1', port: 9464 })
    expect(parseHttpAddress('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 })
    expect(parseHttpAddress('[::1]:9000')).toEqual({ host: '::1', port: 9000 })
    expect(() => parseHttpAddress('localhost')).toThrow(ConfigError)
    expect(() => parseHttpAddress('99999')).toThrow(/--http/)
  })

  it('supervises the run: a stale feed is resubscribed, failing or isolated plugins reported, each action a finding and a metric', async () => {
    const clock = { t: 1_000_000 }
    let resubscribed = 0
    const ops = await startRunOps({
      mode: 'paper',
      run: { config: 'test' },
      http: { host: '127.0.0.1', port: 0 },
      logger: silentLogger,
      staleAfterMs: 60_000,
      now: () => clock.t,
      resubscribe: () => void resubscribed++,
    })
    try {
      ops.onBar()
      await ops.supervise()
      expect(ops.findings().filter((f) => f.type !== 'health-check' || !f.ok)).toEqual([])
      clock.t += 90_000
      const error: EngineEvent = { type: 'plugin-error', plugin: 'a:b', hook: 'onBar', error: new Error('x') }
      for (let i = 0; i < 10; i++) ops.onEvent(error)
      ops.onEvent({ type: 'plugin-isolated', plugin: 'a:b', hook: 'onBar', reason: '10 failures in a row' })
      await ops.supervise()
      expect(resubscribed).toBe(1)
      const failed = ops.findings().filter((f) => f.type === 'health-check' && !f.ok)
      expect(failed.map((f) => f.type === 'health-check' && f.name)).toEqual(['feed', 'plugins'])
      expect(failed[1]).toMatchObject({ detail: '10 plugin error(s) this round; isolated: a:b (10 failures in a row)' })
      expect(ops.findings()).toContainEqual(expect.objectContaining({ type: 'self-heal', name: 'feed', ok: true }))
      const metrics = await (await fetch(`${ops.url}/metrics`)).text()
      expect(metrics).toMatch(/quantum_health_check_up\{[^}]*check="plugins"[^}]*\} 0/)
      expect(metrics).toMatch(/quantum_self_heal_actions_total\{[^}]*check="feed"[^}]*\} 1/)
      const snapshot = (await (await fetch(`${ops.url}/api/snapshot`)).json()) as { findings: unknown[] }
      expect(snapshot.findings.length).toBe(ops.findings().length)
    } finally {
      await ops.close()
    }
  })

  it('serves readiness from the feed and the emergency stop, and metrics from the run', async () => {
    const clock = { t: 1_000_000 }
    const ops = await startRunOps({
      mode: 'paper',
      run: { config: 'test' },
      http: { host: '127.0.0.1', port: 0 },
      logger: silentLogger,
      staleAfterMs: 60_000,
      now: () => clock.t,
    })
    try {
      expect(ops.plugins.map((p) => p.name)).toEqual(['ops:metrics', 'ops:dashboard'])
      ops.onBar()
      expect((await fetch(`${ops.url}/ready`)).status).toBe(200)
      clock.t += 61_000
      const stale = await fetch(`${ops.url}/ready`)
      expect(stale.status).toBe(503)
      expect(await stale.json()).toMatchObject({ checks: { feed: { ok: false, detail: 'last bar 61 s ago' } } })
      ops.onBar()
      ops.onEvent({
        type: 'risk-state',
        time: 1,
        source: 'ess',
        state: 'TRIPPED',
        tradingState: 'halted',
        reason: 'dd',
      })
      expect(await (await fetch(`${ops.url}/ready`)).json()).toMatchObject({
        ready: false,
        checks: { ess: { ok: false, detail: 'TRIPPED' } },
      })
      const text = await (await fetch(`${ops.url}/metrics`)).text()
      expect(text).toContain('quantum_equity_usdt')
      expect(text).toContain('service="quantum-run"')
    } finally {
      await ops.close()
    }
  })

  it('refuses a public address without a token', async () => {
    await expect(
      startRunOps({ mode: 'live', run: {}, http: { host: '0.0.0.0', port: 0 }, logger: silentLogger }),
    ).rejects.toThrow(ConfigError)
  })

  it('names the failing plugins of a run, with a count per hook', () => {
    const error = (plugin: string, message: string): EngineEvent => ({
      type: 'plugin-error',
      plugin,
      hook: 'onBar',
      error: new Error(message),
    })
    const problems = runProblems({
      summary: { pluginErrors: 3, ordersRejected: 1 } as never,
      notableEvents: [
        error('agents:broken', 'boom'),
        error('agents:broken', 'boom'),
        error('agents:other', 'x is undefined'),
      ],
    })
    expect(problems).toEqual([
      '3 plugin error(s): the strategy did not run as written\n  agents:broken.onBar: boom (2x)\n  agents:other.onBar: x is undefined (1x)',
      '1 order(s) or cancel(s) rejected by the exchange',
    ])
    expect(runProblems({ summary: { pluginErrors: 0, ordersRejected: 0 } as never, notableEvents: [] })).toEqual([])
  })

  it('spots agents without a sizer', () => {
    const agent = { name: 'a:b', kind: 'agent' } as never
    const sizer = { name: 'core:fixed', kind: 'sizer' } as never
    expect(hasAgentsWithoutSizer([agent])).toBe(true)
    expect(hasAgentsWithoutSizer([agent, sizer])).toBe(false)
    expect(hasAgentsWithoutSizer([])).toBe(false)
  })
})
