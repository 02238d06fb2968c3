import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ConfigError, silentLogger } from '@quantum/core'
import type { EngineEvent, PluginContext } from '@quantum/core'
import { afterEach, describe, expect, it } from 'vitest'
import { notifier } from './notifier.js'
import { WebhookDelivery, redactUrl } from './webhook-delivery.js'

interface Received {
  readonly path: string
  readonly body: Record<string, unknown>
  readonly headers: IncomingMessage['headers']
}

/** A local receiver answering each request with the next status of `statuses` (then 200). */
async function receiver(
  statuses: number[] = [],
  delayMs = 0,
): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const status = statuses.shift() ?? 200
      if (status === 200)
        got.push({
          path: req.url ?? '',
          body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
          headers: req.headers,
        })
      const reply = (): void => {
        res.statusCode = status
        if (status === 429) res.setHeader('retry-after', '0')
        res.end('{}')
      }
      if (delayMs > 0) setTimeout(reply, delayMs)
      else reply()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.push(server)
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, server }
}

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

function context(now: { t: number }, equity = { v: 10_000 }): PluginContext {
  return {
    mode: 'paper',
    clock: { now: () => now.t },
    logger: silentLogger,
    account: { getEquity: () => equity.v, getPositions: () => [] },
  } as unknown as PluginContext
}

const trip: EngineEvent = {
  type: 'risk-state',
  time: Date.UTC(2025, 1, 3, 1),
  source: 'ess',
  state: 'TRIPPED',
  tradingState: 'halted',
  reason: 'daily drawdown 5.2% >= limit 5%',
  trigger: 'daily-drawdown',
}

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('ops:notifier', () => {
  it('sends an ESS trip to every receiver in its shape', async () => {
    const json = await receiver()
    const slack = await receiver()
    const discord = await receiver()
    const telegram = await receiver()
    const plugin = notifier({
      webhooks: [
        { url: json.url, headers: { authorization: 'Bearer t' } },
        { url: slack.url, format: 'slack' },
        { url: discord.url, format: 'discord' },
        { url: `${telegram.url}/botSECRET/sendMessage`, format: 'telegram', chatId: '42' },
      ],
    })
    const now = { t: trip.time }
    const ctx = context(now)
    await plugin.setup?.(ctx)
    plugin.onEvent(trip, ctx)
    await until(() => json.got.length + slack.got.length + discord.got.length + telegram.got.length === 4)
    expect(json.got[0]?.body).toMatchObject({
      kind: 'ess-tripped',
      severity: 'critical',
      text: trip.reason,
      fields: { trigger: 'daily-drawdown' },
    })
    expect(json.got[0]?.headers.authorization).toBe('Bearer t')
    expect(slack.got[0]?.body.text).toContain('Emergency stop tripped')
    expect(slack.got[0]?.body.blocks).toHaveLength(3)
    expect(discord.got[0]?.body).toMatchObject({ embeds: [{ title: 'Emergency stop tripped', color: 0xd32f2f }] })
    expect(telegram.got[0]).toMatchObject({ path: '/botSECRET/sendMessage', body: { chat_id: '42' } })
    expect(String(telegram.got[0]?.body.text)).toContain(trip.reason)
    await plugin.dispose?.()
  })

  it('alerts once when one plugin keeps failing within the window', async () => {
    const hook = await receiver()
    const plugin = notifier({ webhooks: [{ url: hook.url }], pluginErrorThreshold: 3, pluginErrorWindowMs: 60_000 })
    const now = { t: 1_000_000 }
    const ctx = context(now)
    await plugin.setup?.(ctx)
    const error: EngineEvent = { type: 'plugin-error', plugin: 'agents:x', hook: 'onBar', error: new Error('bad') }
    for (let i = 0; i < 10; i++) {
      now.t += 1000
      plugin.onEvent(error, ctx)
    }
    await plugin.dispose?.()
    expect(hook.got.map((r) => r.body.kind)).toEqual(['plugin-errors'])
    expect(hook.got[0]?.body.fields).toMatchObject({ plugin: 'agents:x', errors: 3 })
  })

  it('alerts once on a reconnect storm and once when the run goes reduce-only', async () => {
    const hook = await receiver()
    const plugin = notifier({
      webhooks: [{ url: hook.url }],
      reconnectStormThreshold: 4,
      reconnectStormWindowMs: 60_000,
      dailySummary: false,
    })
    const now = { t: 1_000_000 }
    const ctx = context(now)
    await plugin.setup?.(ctx)
    const reconnect = (reason: string): EngineEvent => ({ type: 'reconnect', stream: 'market', time: now.t, reason })
    // three reconnects 30 s apart are no storm; the fourth within a minute of the others is
    for (let i = 0; i < 3; i++) {
      now.t += 30_000
      plugin.onEvent(reconnect('slow'), ctx)
    }
    for (let i = 0; i < 8; i++) {
      now.t += 1_000
      plugin.onEvent(reconnect(`socket closed ${i}`), ctx)
    }
    plugin.onEvent(
      {
        type: 'risk-state',
        time: now.t,
        source: 'supervisor',
        state: 'REDUCE_ONLY',
        tradingState: 'reducing',
        reason: 'feed failed 3 checks in a row',
        trigger: 'escalation',
      },
      ctx,
    )
    await plugin.dispose?.()
    expect(hook.got.map((r) => r.body.kind)).toEqual(['reconnect-storm', 'reduce-only'])
    expect(hook.got[0]?.body).toMatchObject({ severity: 'warning', fields: { stream: 'market', reconnects: 4 } })
    expect(hook.got[1]?.body).toMatchObject({ severity: 'critical', fields: { trigger: 'escalation' } })
    expect(String(hook.got[1]?.body.text)).toContain('feed failed 3 checks in a row')
  })

  it('sends a daily summary when the UTC day rolls over, only to receivers that want it', async () => {
    const all = await receiver()
    const critical = await receiver()
    const plugin = notifier({ webhooks: [{ url: all.url }, { url: critical.url, events: ['ess-tripped'] }] })
    const now = { t: Date.UTC(2025, 0, 1, 12) }
    const equity = { v: 10_000 }
    const ctx = context(now, equity)
    await plugin.setup?.(ctx)
    plugin.onEvent({ type: 'progress', barsDone: 1, barsTotal: 2, time: now.t }, ctx)
    equity.v = 10_150
    plugin.onEvent(
      {
        type: 'funding',
        funding: { symbol: 'BTCUSDT', time: now.t, rate: 0.0001, markPrice: 1, positionQuantity: 1, payment: 2.5 },
      },
      ctx,
    )
    now.t = Date.UTC(2025, 0, 2, 0, 1)
    plugin.onEvent({ type: 'progress', barsDone: 2, barsTotal: 2, time: now.t }, ctx)
    await plugin.dispose?.()
    expect(all.got).toHaveLength(1)
    expect(all.got[0]?.body).toMatchObject({
      kind: 'daily-summary',
      title: 'Daily summary 2025-01-01',
      fields: { pnl: '150.00', funding: '2.50' },
    })
    expect(critical.got).toHaveLength(0)
  })

  it('is off in backtests', () => {
    const plugin = notifier({ webhooks: [{ url: 'http://127.0.0.1:9/x' }] })
    const apply = plugin.apply as (env: { mode: string }) => boolean
    expect(apply({ mode: 'backtest' })).toBe(false)
    expect(apply({ mode: 'live' })).toBe(true)
  })

  it('refuses a telegram receiver without a chat id and a non-http url', () => {
    expect(() => notifier({ webhooks: [{ url: 'http://127.0.0.1:1/', format: 'telegram' }] })).toThrow(ConfigError)
    expect(() => notifier({ webhooks: [{ url: 'file:///etc/passwd' }] })).toThrow(/webhooks/)
  })
})

describe('webhook delivery', () => {
  const settings = { attempts: 4, baseDelayMs: 5, maxDelayMs: 50, timeoutMs: 2000, maxQueue: 100 }
  const alert = (n: number) => ({
    kind: 'ess-tripped' as const,
    severity: 'critical' as const,
    title: `a${n}`,
    text: '',
    time: n,
    fields: {},
  })

  it('retries 5xx, 429 and network errors, in order, and gives up on other 4xx', async () => {
    const hook = await receiver([500, 429, 200, 400])
    const delivery = new WebhookDelivery({ url: hook.url, format: 'json' }, settings, silentLogger)
    delivery.enqueue(alert(1))
    delivery.enqueue(alert(2))
    delivery.enqueue(alert(3))
    await delivery.flush(5000)
    expect(hook.got.map((r) => r.body.title)).toEqual(['a1', 'a3'])
    expect(delivery.stats).toMatchObject({ delivered: 2, failed: 1, retries: 2, dropped: 0 })

    const dead = new WebhookDelivery({ url: 'http://127.0.0.1:9/', format: 'json' }, settings, silentLogger)
    dead.enqueue(alert(4))
    await dead.flush(5000)
    expect(dead.stats).toMatchObject({ delivered: 0, failed: 1, retries: 3 })
  })

  it('never blocks the caller on a slow receiver and bounds its queue', async () => {
    const slow = await receiver([], 300)
    const delivery = new WebhookDelivery({ url: slow.url, format: 'json' }, { ...settings, maxQueue: 2 }, silentLogger)
    const start = performance.now()
    for (let i = 0; i < 10; i++) delivery.enqueue(alert(i))
    expect(performance.now() - start).toBeLessThan(50)
    await delivery.flush(5000)
    // the first is in flight, two wait; seven were dropped, oldest first
    expect(slow.got.map((r) => r.body.title)).toEqual(['a0', 'a8', 'a9'])
    expect(delivery.stats.dropped).toBe(7)
  })

  it('keeps tokens in a receiver path out of logs', () => {
    expect(redactUrl('https://api.telegram.org/bot123:SECRET/sendMessage')).toBe('https://api.telegram.org/…')
  })
})
