import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, sign, type Emulator } from '../index.js'

const T0 = Date.UTC(2026, 0, 1)

describe('REST server', () => {
  let emu: Emulator

  beforeEach(async () => {
    emu = await startEmulator({ clock: 'manual', startTime: T0 })
  })
  afterEach(async () => {
    await emu.close()
  })

  const signed = (params: string, opts: { key?: string; secret?: string; method?: string } = {}): Promise<Response> => {
    const query = `${params}&signature=${sign(params, opts.secret ?? emu.credentials.secret)}`
    return fetch(`${emu.restUrl}/fapi/v3/account?${query}`, {
      method: opts.method ?? 'GET',
      headers: opts.key === '' ? {} : { 'X-MBX-APIKEY': opts.key ?? emu.credentials.key },
    })
  }

  it('should bind to 127.0.0.1 on a free port', () => {
    expect(emu.restUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(emu.port).toBeGreaterThan(0)
    expect(emu.wsUrl).toBe(`ws://127.0.0.1:${emu.port}/ws`)
  })

  it('should answer an unknown path or method with 404 -5000', async () => {
    await fetch(`${emu.restUrl}/fapi/v1/ping`)
    const r = await fetch(`${emu.restUrl}/fapi/v9/nothing`)
    expect(r.status).toBe(404)
    expect(r.headers.get('x-mbx-used-weight-1m')).toBe('1')
    expect(await r.json()).toEqual({ code: -5000, msg: 'Path /fapi/v9/nothing, Method GET is invalid' })
    expect((await fetch(`${emu.restUrl}/fapi/v1/ping`, { method: 'DELETE' })).status).toBe(404)
  })

  it('should check the API key first, then the signature, then the timestamp', async () => {
    const stale = `timestamp=${T0 - 20_000}&recvWindow=10000`
    // all three are wrong: the key is reported
    let r = await signed(stale, { key: 'nobody', secret: 'wrong' })
    expect([r.status, ((await r.json()) as { code: number }).code]).toEqual([401, -2015])
    r = await signed(stale, { key: '' })
    expect([r.status, ((await r.json()) as { code: number }).code]).toEqual([401, -2015])
    // key right, signature and timestamp wrong: the signature is reported
    r = await signed(stale, { secret: 'wrong' })
    expect([r.status, ((await r.json()) as { code: number }).code]).toEqual([400, -1022])
    r = await signed(stale)
    expect([r.status, ((await r.json()) as { code: number }).code]).toEqual([400, -1021])
    r = await signed(`timestamp=${T0 + 900}&recvWindow=1000`)
    expect(r.status).toBe(200)
  })

  it('should verify the signature over the raw string, not re-encoded parameters', async () => {
    // %2C and a literal comma decode to the same value but sign differently
    const raw = `symbol=BTCUSDT&note=a%2Cb&timestamp=${T0}`
    const sig = sign(raw, emu.credentials.secret)
    const headers = { 'X-MBX-APIKEY': emu.credentials.key }
    const ok = await fetch(`${emu.restUrl}/fapi/v1/openOrders?${raw}&signature=${sig}`, { headers })
    expect(ok.status).toBe(200)
    const reencoded = raw.replace('%2C', ',')
    const bad = await fetch(`${emu.restUrl}/fapi/v1/openOrders?${reencoded}&signature=${sig}`, { headers })
    expect(((await bad.json()) as { code: number }).code).toBe(-1022)
  })

  it('should accept signed parameters in a form body (POST) as ccxt sends them', async () => {
    const body = `timestamp=${T0}&symbol=BTCUSDT&leverage=7&recvWindow=10000`
    const r = await fetch(`${emu.restUrl}/fapi/v1/leverage`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': emu.credentials.key, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `${body}&signature=${sign(body, emu.credentials.secret)}`,
    })
    // 7x fits up to bracket 7 (10x, cap 230M) of the bundled BTCUSDT table
    expect(await r.json()).toEqual({ leverage: 7, maxNotionalValue: '230000000', symbol: 'BTCUSDT' })
    expect(emu.engine.account.getPosition('BTCUSDT').leverage).toBe(7)
  })

  it('should send X-MBX-USED-WEIGHT-1M, answer 429 -1003 past the budget, then 418 until the minute ends', async () => {
    await emu.close()
    emu = await startEmulator({ clock: 'manual', startTime: T0, weightLimit: 20, banAfter: 1 })
    const statuses: [number, string | null][] = []
    for (let k = 0; k < 4; k++) {
      const r = await fetch(`${emu.restUrl}/fapi/v1/ticker/24hr?symbol=BTCUSDT`) // weight 1
      statuses.push([r.status, r.headers.get('x-mbx-used-weight-1m')])
    }
    const all = await fetch(`${emu.restUrl}/fapi/v1/ticker/24hr`) // weight 40 > 20
    expect(statuses).toEqual([
      [200, '1'],
      [200, '2'],
      [200, '3'],
      [200, '4'],
    ])
    expect([all.status, ((await all.json()) as { code: number }).code]).toEqual([429, -1003])
    const again = await fetch(`${emu.restUrl}/fapi/v1/ping`)
    expect([again.status, ((await again.json()) as { code: number }).code]).toEqual([418, -1003])
    emu.advance(60_000)
    const later = await fetch(`${emu.restUrl}/fapi/v1/ping`)
    expect([later.status, later.headers.get('x-mbx-used-weight-1m')]).toEqual([200, '1'])
  })

  it('should count orders in X-MBX-ORDER-COUNT-1M', async () => {
    emu.tick('BTCUSDT', 60000)
    const body = `symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.002&price=59000&timeInForce=GTC&timestamp=${T0}`
    const r = await fetch(`${emu.restUrl}/fapi/v1/order`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': emu.credentials.key },
      body: `${body}&signature=${sign(body, emu.credentials.secret)}`,
    })
    expect(r.status).toBe(200)
    expect(r.headers.get('x-mbx-order-count-1m')).toBe('1')
  })

  it('should refuse conditional order types on /fapi/v1/order with -4120 (they live on /fapi/v1/algoOrder)', async () => {
    const body = `symbol=BTCUSDT&side=SELL&type=STOP_MARKET&quantity=0.002&stopPrice=55000&timestamp=${T0}`
    const r = await fetch(`${emu.restUrl}/fapi/v1/order`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': emu.credentials.key },
      body: `${body}&signature=${sign(body, emu.credentials.secret)}`,
    })
    expect(((await r.json()) as { code: number }).code).toBe(-4120)
  })
})
