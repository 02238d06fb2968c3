import { request } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fakeContext, type FakeContext } from '../../test/fake-context.js'
import { memoryEssStore } from '../ess/ess-store.js'
import { riskPolicy, type RiskPolicy } from '../policy/risk-policy.js'
import { ErrorResponseSchema } from './schemas.js'
import { createRiskServer, type RiskServer } from './server.js'

const TOKEN = 'test-token-123456'

/** The part of the OpenAPI document the test reads. */
interface OpenApiDoc {
  openapi: string
  paths: Record<string, { post?: { requestBody: { content: Record<string, { schema: ValidateJsonSchema }> } } }>
}
interface ValidateJsonSchema {
  properties: { side: { enum: string[] } }
  additionalProperties: boolean
}

describe('createRiskServer', () => {
  let api: RiskServer
  let url: string
  let ctx: FakeContext
  let policy: RiskPolicy
  beforeEach(async () => {
    ctx = fakeContext({ balance: 100_000 })
    ctx.setPrice('BTCUSDT', 50_000)
    policy = riskPolicy('PERMISSIVE', { ess: { token: TOKEN } }, { store: memoryEssStore() })
    api = createRiskServer({ policy, context: ctx })
    url = await api.listen()
  })
  afterEach(async () => {
    await api.close()
  })

  const json = async (res: Response): Promise<unknown> => res.json()
  const error = async (res: Response) => ErrorResponseSchema.parse(await res.json())
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })

  /** A request with headers fetch does not let a caller set (Host). */
  const raw = (
    input: { host: string; origin?: string; method?: string; body?: string },
    base: string = url,
  ): Promise<{ status: number }> =>
    new Promise((resolve, reject) => {
      const target = new URL(input.method === 'POST' ? '/ess/trip' : '/ess/status', base)
      const req = request(
        target,
        {
          method: input.method ?? 'GET',
          headers: {
            host: input.host,
            ...(input.origin === undefined ? {} : { origin: input.origin }),
            ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
          },
        },
        (res) => {
          res.resume()
          res.on('end', () => resolve({ status: res.statusCode ?? 0 }))
        },
      )
      req.on('error', reject)
      req.end(input.body)
    })

  it('should bind to 127.0.0.1 by default', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('should validate an intent: allowed, max_size after resizes, max_leverage, reasons', async () => {
    const res = await post('/validate', { symbol: 'BTCUSDT', side: 'BUY', quantity: 1, leverage: 5 })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      allowed: true,
      max_size: 0.2,
      max_leverage: 30,
      reasons: [expect.stringMatching(/^risk:max-position-notional: /)],
    })
    const denied = await post('/validate', { symbol: 'BTCUSDT', side: 'BUY', quoteQuantity: 500, leverage: 50 })
    expect(await denied.json()).toMatchObject({
      allowed: false,
      max_size: 0,
      reasons: ['risk:max-leverage: leverage 50x above the limit 30x'],
    })
  })

  it('should answer malformed JSON and invalid bodies with 400 and the issues by path', async () => {
    const broken = await post('/validate', '{"symbol": "BTCUSDT",')
    expect(broken.status).toBe(400)
    expect((await error(broken)).error).toMatch(/^malformed JSON/)
    const bad = await post('/validate', { symbol: 'BTCUSDT', side: 'HOLD', quantity: -1, extra: 1 })
    expect(bad.status).toBe(400)
    const body = await error(bad)
    expect(body.issues?.map((i) => i.path)).toEqual(expect.arrayContaining(['side', 'quantity', '']))
    expect((await post('/validate', '')).status).toBe(400)
    expect((await post('/ess/trip', { reason: '' })).status).toBe(400)
  })

  it('should trip and reset only with the right token (401 otherwise), and report the status', async () => {
    expect(await json(await fetch(`${url}/ess/status`))).toMatchObject({ state: 'ARMED', resettable: true })
    expect((await post('/ess/trip', { reason: 'no token' })).status).toBe(401)
    expect((await post('/ess/trip', { reason: 'bad token', token: 'wrong-token-value' })).status).toBe(401)
    expect(policy.ess?.state).toBe('ARMED')
    const trip = await post('/ess/trip', { reason: 'operator pressed stop' }, { authorization: `Bearer ${TOKEN}` })
    expect(await trip.json()).toMatchObject({
      state: 'TRIPPED',
      reason: 'operator pressed stop',
      tradingState: 'halted',
    })
    expect((await post('/ess/reset', {})).status).toBe(401)
    expect((await post('/ess/reset', { token: 'wrong-token-value' })).status).toBe(401)
    expect(policy.ess?.state).toBe('TRIPPED')
    const ok = await post('/ess/reset', { token: TOKEN })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ state: 'ARMED' })
    expect(JSON.stringify(await json(await fetch(`${url}/policy`)))).not.toContain(TOKEN)
  })

  it('should refuse POST bodies that are not declared JSON (a web page can send text/plain without a preflight)', async () => {
    const body = JSON.stringify({ reason: 'from a web page', token: TOKEN })
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await fetch(`${url}/ess/trip`, { method: 'POST', headers: { 'content-type': type }, body })
      expect(res.status).toBe(415)
    }
    const plainValidate = await fetch(`${url}/validate`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    })
    expect(plainValidate.status).toBe(415)
    expect(policy.ess?.state).toBe('ARMED')
  })

  it('should refuse a Host that is not this server (421, DNS rebinding) and any Origin not allowed (403)', async () => {
    const { port } = new URL(url)
    expect((await raw({ host: `evil.example:${port}` })).status).toBe(421)
    expect((await raw({ host: `127.0.0.1:1` })).status).toBe(421)
    expect((await raw({ host: `localhost:${port}` })).status).toBe(200)
    expect((await raw({ host: `127.0.0.1:${port}`, origin: 'https://evil.example' })).status).toBe(403)
    const tripFromPage = await raw({
      host: `127.0.0.1:${port}`,
      origin: 'http://127.0.0.1:8080',
      method: 'POST',
      body: JSON.stringify({ reason: 'page', token: TOKEN }),
    })
    expect(tripFromPage.status).toBe(403)
    expect(policy.ess?.state).toBe('ARMED')
    const allowed = createRiskServer({ policy, context: ctx, allowedOrigins: ['https://ops.example'] })
    const allowedUrl = await allowed.listen()
    try {
      const res = await raw({ host: new URL(allowedUrl).host, origin: 'https://ops.example' }, allowedUrl)
      expect(res.status).toBe(200)
    } finally {
      await allowed.close()
    }
  })

  it('should throttle wrong tokens: after 5 within a minute every token check answers 429 until the window passes', async () => {
    let now = 0
    const throttled = createRiskServer({ policy, context: ctx, now: () => now })
    const base = await throttled.listen()
    const reset = (token: string) =>
      fetch(`${base}/ess/reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      })
    try {
      policy.ess?.trip('test')
      for (let i = 0; i < 5; i++) expect((await reset(`guess-number-${i}-xxxxxx`)).status).toBe(401)
      const blocked = await reset(TOKEN)
      expect(blocked.status).toBe(429)
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(policy.ess?.state).toBe('TRIPPED')
      now += 60_001
      expect((await reset(TOKEN)).status).toBe(200)
      expect(policy.ess?.state).toBe('ARMED')
    } finally {
      await throttled.close()
    }
  })

  it('should serve the policy and an OpenAPI 3.1 document generated from the schemas', async () => {
    const p = await json(await fetch(`${url}/policy`))
    expect(p).toMatchObject({ policy: 'PERMISSIVE', limits: { maxPositionNotional: 10_000, maxLeverage: 30 } })
    const doc = (await json(await fetch(`${url}/openapi.json`))) as OpenApiDoc
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/validate', '/ess/status', '/ess/trip', '/ess/reset', '/policy']),
    )
    const schema = doc.paths['/validate']!.post!.requestBody.content['application/json']!.schema
    expect(schema.properties.side.enum).toEqual(['BUY', 'SELL'])
    expect(schema.additionalProperties).toBe(false)
  })

  it('should answer unknown routes with 404 and wrong methods with 405', async () => {
    expect((await fetch(`${url}/nope`)).status).toBe(404)
    expect((await fetch(`${url}/validate`)).status).toBe(405)
  })
})
