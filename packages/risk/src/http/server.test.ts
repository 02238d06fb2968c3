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

  it('should trip without a token, reset only with the right token (401 otherwise), and report the status', async () => {
    expect(await json(await fetch(`${url}/ess/status`))).toMatchObject({ state: 'ARMED', resettable: true })
    const trip = await post('/ess/trip', { reason: 'operator pressed stop' })
    expect(await trip.json()).toMatchObject({
      state: 'TRIPPED',
      reason: 'operator pressed stop',
      tradingState: 'halted',
    })
    expect((await post('/ess/reset', {})).status).toBe(401)
    expect((await post('/ess/reset', { token: 'wrong-token-value' })).status).toBe(401)
    expect((await post('/ess/reset', {}, { authorization: 'Bearer nope' })).status).toBe(401)
    expect(policy.ess?.state).toBe('TRIPPED')
    const ok = await post('/ess/reset', {}, { authorization: `Bearer ${TOKEN}` })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ state: 'ARMED' })
    expect(JSON.stringify(await json(await fetch(`${url}/policy`)))).not.toContain(TOKEN)
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
