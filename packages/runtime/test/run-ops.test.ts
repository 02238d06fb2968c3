import { ConfigError, silentLogger } from '@quantum/core'
import type { EngineEvent, OrderIntent, PluginContext } from '@quantum/core'
import { Subject } from 'rxjs'
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

  it('escalates a feed that stays stale to reduce-only: an event, a metric, an error line; entries refused, exits not; lifted by an authenticated POST', async () => {
    const clock = { t: 1_000_000 }
    const lines: string[] = []
    const logger = { ...silentLogger, error: (message: string) => void lines.push(message) }
    const token = 'reduce-only-test-token-0123456789'
    const ops = await startRunOps({
      mode: 'paper',
      run: { config: 'test' },
      http: { host: '127.0.0.1', port: 0 },
      token,
      logger,
      staleAfterMs: 60_000,
      now: () => clock.t,
    })
    // the run's bus, as the engine would give it: every event reaches every observer of the run
    const events: EngineEvent[] = []
    const observers = ops.plugins.filter((p) => p.kind === 'observer')
    const events$ = new Subject<EngineEvent>()
    const bus = {
      events$,
      emit: (event: EngineEvent) => {
        events.push(event)
        events$.next(event)
        for (const o of observers) o.onEvent(event, ctx)
      },
    }
    const ctx = { bus, clock: { now: () => clock.t }, account: undefined } as unknown as PluginContext
    for (const plugin of ops.plugins) if (plugin.name !== 'ops:metrics') await plugin.setup?.(ctx)
    const gate = ops.plugins.find((p) => p.kind === 'risk')
    const entry: OrderIntent = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quoteQuantity: 100 }
    const exit: OrderIntent = { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: 1, reduceOnly: true }
    try {
      ops.onBar()
      ops.setResubscribe(() => undefined) // resubscribing does not bring bars back: the venue is silent
      for (let round = 1; round <= 4; round++) {
        clock.t += 90_000
        await ops.supervise()
        if (round < 3) expect(ops.reduceOnly()).toBeUndefined()
      }
      expect(ops.reduceOnly()).toMatch(/^feed failed 3 checks in a row: last bar \d+ s ago$/)
      expect(gate?.kind === 'risk' && gate.check(entry, ctx)).toMatchObject({ action: 'deny' })
      expect(gate?.kind === 'risk' && gate.check(exit, ctx)).toEqual({ action: 'approve' })
      expect(events.filter((e) => e.type === 'risk-state')).toEqual([
        expect.objectContaining({ source: 'supervisor', state: 'REDUCE_ONLY', tradingState: 'reducing' }),
      ])
      expect(lines).toEqual(['supervisor escalation: the run is now reduce-only'])
      const metrics = await (await fetch(`${ops.url}/metrics`)).text()
      expect(metrics).toMatch(/^quantum_reduce_only\{[^}]*\} 1$/m)
      expect(metrics).toMatch(/quantum_escalations_total\{[^}]*check="feed"[^}]*\} 1/)
      expect(metrics).toMatch(/quantum_self_heal_actions_total\{[^}]*check="feed",outcome="ok"[^}]*\} 4/)
      const snapshot = (await (await fetch(`${ops.url}/api/snapshot`)).json()) as {
        risk: { tradingState: string; components: Record<string, { state: string }> }
      }
      expect(snapshot.risk).toMatchObject({
        tradingState: 'reducing',
        components: { supervisor: { state: 'REDUCE_ONLY' } },
      })
      // a reconnect of the venue's stream is an event on the run's bus as well
      ops.reconnecting('market', 'socket closed')
      expect(events.at(-1)).toEqual({ type: 'reconnect', stream: 'market', reason: 'socket closed', time: clock.t })
      expect(await (await fetch(`${ops.url}/metrics`)).text()).toMatch(/^quantum_feed_reconnects_total\{[^}]*\} 1$/m)
      // lifting it: the token is required; then entries pass, a NORMAL event, the metric back at 0
      const lift = (headers: Record<string, string>, body = '{"by":"ops on call"}') =>
        fetch(`${ops.url}/api/reduce-only/lift`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        })
      expect((await lift({})).status).toBe(401)
      expect((await lift({ authorization: 'Bearer wrong-token-wrong-token-wrong' })).status).toBe(401)
      expect(ops.reduceOnly()).toBeDefined()
      expect((await lift({ authorization: `Bearer ${token}` }, '{"by":7}')).status).toBe(400)
      const lifted = await lift({ authorization: `Bearer ${token}` })
      expect(lifted.status).toBe(200)
      expect(await lifted.json()).toEqual({ lifted: true, reason: expect.stringMatching(/^feed failed 3 checks/) })
      expect(ops.reduceOnly()).toBeUndefined()
      expect(gate?.kind === 'risk' && gate.check(entry, ctx)).toEqual({ action: 'approve' })
      expect(events.filter((e) => e.type === 'risk-state').at(-1)).toMatchObject({
        source: 'supervisor',
        state: 'NORMAL',
        tradingState: 'active',
        trigger: 'manual',
        reason: expect.stringContaining('lifted by ops on call'),
      })
      expect(
        await (await fetch(`${ops.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text(),
      ).toMatch(/^quantum_reduce_only\{[^}]*\} 0$/m)
      expect(await (await lift({ authorization: `Bearer ${token}` })).json()).toEqual({ lifted: false, reason: null })
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
      expect(ops.plugins.map((p) => p.name)).toEqual(['ops:reduce-only', 'ops:events', 'ops:metrics', 'ops:dashboard'])
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
