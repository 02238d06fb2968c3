import { request } from 'node:http'
import { ConfigError } from '@quantum/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createTradingMetrics } from '../metrics/trading-metrics.js'
import { createOpsServer, type OpsServer, type OpsServerOptions } from './ops-server.js'
import { SseHub } from './sse-hub.js'

const TOKEN = 'a-test-token-of-32-characters-xx'
const open: OpsServer[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()))
})

async function start(options: Partial<OpsServerOptions> = {}): Promise<string> {
  const server = createOpsServer({
    token: TOKEN,
    metrics: createTradingMetrics({ processMetrics: false }),
    routes: [
      {
        method: 'POST',
        path: '/risk/ess/trip',
        handle: ({ body }) => ({ status: 200, body: { tripped: true, body } }),
      },
    ],
    ...options,
  })
  open.push(server)
  return server.listen()
}

/** A raw request, for headers fetch will not send as given (Host). */
function raw(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

const post = (url: string, body: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
  })

describe('ops HTTP server', () => {
  it('serves liveness, readiness and Prometheus metrics', async () => {
    let ready = true
    const url = await start({
      readiness: () => ({ ready, checks: { feed: { ok: ready, detail: 'last bar 3 s ago' } } }),
    })
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok' })
    expect((await fetch(`${url}/ready`)).status).toBe(200)
    ready = false
    const notReady = await fetch(`${url}/ready`)
    expect(notReady.status).toBe(503)
    expect(await notReady.json()).toMatchObject({ ready: false, checks: { feed: { ok: false } } })
    const metrics = await fetch(`${url}/metrics`)
    expect(metrics.headers.get('content-type')).toContain('text/plain')
    expect(await metrics.text()).toContain('# TYPE quantum_equity_usdt gauge')
  })

  it('needs the token on every POST, compares it whole, and throttles failed attempts', async () => {
    const clock = { t: 0 }
    const url = await start({ authFailuresPerMinute: 3, now: () => clock.t })
    const trip = `${url}/risk/ess/trip`
    const ok = await post(trip, '{"reason":"drill"}')
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ tripped: true, body: { reason: 'drill' } })
    expect((await post(trip, '{"reason":"x"}', { authorization: '' })).status).toBe(401)
    expect((await post(trip, '{"reason":"x"}', { authorization: `Bearer ${TOKEN.slice(0, -1)}` })).status).toBe(401)
    expect((await post(trip, '{"reason":"x"}', { authorization: `Bearer ${TOKEN}x` })).status).toBe(401)
    // three failures used the minute's budget: any token, even the right one, is refused unread
    expect((await post(trip, '{}', { authorization: 'Bearer wrong' })).status).toBe(429)
    expect((await post(trip, '{}')).status).toBe(429)
    clock.t += 60_000
    expect((await post(trip, '{}')).status).toBe(200)
  })

  it('refuses non-JSON, oversized, malformed and cross-origin bodies with typed 4xx', async () => {
    const url = await start({ maxBodyBytes: 100 })
    const trip = `${url}/risk/ess/trip`
    expect((await post(trip, 'reason=x', { 'content-type': 'text/plain' })).status).toBe(415)
    expect((await post(trip, 'x'.repeat(101))).status).toBe(413)
    const malformed = await post(trip, '{"reason":')
    expect(malformed.status).toBe(400)
    expect(((await malformed.json()) as { error: string }).error).toMatch(/malformed JSON/)
    expect((await post(trip, '{}', { origin: 'https://evil.example' })).status).toBe(403)
    expect((await post(trip, '{}', { origin: url })).status).toBe(200)
  })

  it('answers 404 for unknown paths and traversal attempts, 405 for a wrong method, and checks Host', async () => {
    const url = await start()
    expect((await fetch(`${url}/../../etc/passwd`)).status).toBe(404)
    expect(await raw(`${url}/%2e%2e/%2e%2e/etc/passwd`, {})).toBe(404)
    expect(
      (
        await fetch(`${url}/metrics`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(405)
    expect((await fetch(`${url}/metrics`, { method: 'DELETE' })).status).toBe(405)
    expect(await raw(`${url}/health`, { host: 'attacker.example' })).toBe(421)
    expect(await raw(`${url}/health`, { host: 'localhost' })).toBe(200)
  })

  it('refuses a short token and a public address without a token', () => {
    expect(() => createOpsServer({ token: 'short' })).toThrow(ConfigError)
    expect(() => createOpsServer({ host: '0.0.0.0' })).toThrow(/needs a token/)
    expect(() => createOpsServer({ host: '0.0.0.0', token: TOKEN })).not.toThrow()
  })

  it('refuses mutating routes when the server has no token at all', async () => {
    const url = await start({ token: undefined })
    expect((await post(`${url}/risk/ess/trip`, '{}')).status).toBe(403)
  })

  it('logs a browser in with the token into an HttpOnly same-site cookie', async () => {
    const hub = new SseHub<unknown>()
    const url = await start({
      dashboard: { html: '<html>dash</html>', snapshot: () => ({ equity: 1 }), hub },
      host: '127.0.0.1',
    })
    expect(await (await fetch(url)).text()).toBe('<html>dash</html>')
    const wrong = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"token":"nope"}',
    })
    expect(wrong.status).toBe(401)
    const login = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: TOKEN }),
    })
    const cookie = login.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/)
    expect(cookie).not.toContain(TOKEN)
    const trip = await fetch(`${url}/risk/ess/trip`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookie.split(';')[0] ?? '' },
      body: '{}',
    })
    expect(trip.status).toBe(200)
  })
})

describe('server-sent events', () => {
  it('batches published events and never waits on the publisher side', async () => {
    const hub = new SseHub<{ n: number }>({ flushMs: 20 })
    const url = await start({ dashboard: { html: '', snapshot: () => ({}), hub } })
    const response = await fetch(`${url}/api/events`)
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const reader = response.body!.getReader()
    await new Promise((r) => setTimeout(r, 30))
    const start0 = performance.now()
    for (let n = 0; n < 1000; n++) hub.publish({ n })
    expect(performance.now() - start0).toBeLessThan(20)
    const received: number[] = []
    const decoder = new TextDecoder()
    let text = ''
    while (received.length < 1000) {
      const { value, done } = await reader.read()
      if (done) break
      text += decoder.decode(value)
      for (const match of text.matchAll(/^data: (.*)$/gm)) {
        for (const event of (JSON.parse(match[1] ?? '{}') as { events: { n: number }[] }).events) received.push(event.n)
      }
      text = text.slice(text.lastIndexOf('\n\n') + 2)
    }
    expect(received).toEqual(Array.from({ length: 1000 }, (_, n) => n))
    await reader.cancel()
  })

  it('disconnects a client that stops reading instead of buffering without bound', async () => {
    const hub = new SseHub<string>({ flushMs: 5, maxBufferedBytes: 64 * 1024 })
    const url = await start({ dashboard: { html: '', snapshot: () => ({}), hub } })
    const response = await fetch(`${url}/api/events`)
    void response // never read: the socket fills up
    await new Promise((r) => setTimeout(r, 30))
    const payload = 'x'.repeat(10_000)
    for (let i = 0; i < 400 && hub.slowClientsDropped === 0; i++) {
      for (let j = 0; j < 20; j++) hub.publish(payload)
      await new Promise((r) => setTimeout(r, 6))
    }
    expect(hub.slowClientsDropped).toBe(1)
    expect(hub.size).toBe(0)
  })
})
