/**
 * Bad input on the history and lookup endpoints, answered with Binance's codes: unknown parameters
 * (-1104), integers with other characters (-1100), mandatory parameters and the signature missing
 * (-1102), windows too long (-1127), values Binance does not have (-1130); and routes Binance serves
 * that the emulator does not, answered -5000 naming them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sign, startEmulator, type Emulator } from '../index.js'

const T0 = Date.UTC(2026, 0, 1)
const DAY = 86_400_000

describe('history and lookup endpoints: bad input', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await startEmulator({ clock: 'manual', startTime: T0 })
    emu.pushBar('BTCUSDT', { openTime: T0, open: 60000, high: 60100, low: 59900, close: 60000, volume: 2 })
  })
  afterEach(async () => {
    await emu.close()
  })

  /** A signed GET (`signed: false` leaves the signature out); the status and Binance's body. */
  async function get(path: string, params: string, signed = true): Promise<[number, unknown]> {
    const q = `${params}${params === '' ? '' : '&'}timestamp=${emu.now()}`
    const query = signed ? `${q}&signature=${sign(q, emu.credentials.secret)}` : q
    const r = await fetch(`${emu.restUrl}${path}?${query}`, { headers: { 'X-MBX-APIKEY': emu.credentials.key } })
    return [r.status, await r.json()]
  }

  const ROUTES = [
    ['/fapi/v1/allOrders', 'symbol=BTCUSDT'],
    ['/fapi/v1/allAlgoOrders', 'symbol=BTCUSDT'],
    ['/fapi/v1/openOrder', 'symbol=BTCUSDT&orderId=1'],
    ['/fapi/v1/income', 'symbol=BTCUSDT'],
    ['/fapi/v1/positionMargin/history', 'symbol=BTCUSDT'],
  ] as const

  it.each(ROUTES)('should refuse a parameter %s does not read with -1104', async (path, base) => {
    const [status, body] = (await get(path, `${base}&colour=red`)) as [number, { code: number; msg: string }]
    expect([status, body.code]).toEqual([400, -1104])
    const m = /^Not all sent parameters were read; read '(\d+)' parameter\(s\) but was sent '(\d+)'\.$/.exec(body.msg)
    // base + timestamp + signature read, colour not
    expect(m?.slice(1).map(Number)).toEqual([base.split('&').length + 2, base.split('&').length + 3])
  })

  it.each(ROUTES)('should refuse %s without a signature with -1102 naming it', async (path, base) => {
    expect(await get(path, base, false)).toEqual([
      400,
      { code: -1102, msg: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed." },
    ])
  })

  it.each([
    ['/fapi/v1/allOrders', 'symbol=BTCUSDT&startTime=yesterday', 'startTime'],
    ['/fapi/v1/allAlgoOrders', 'symbol=BTCUSDT&limit=ten', 'limit'],
    ['/fapi/v1/openOrder', 'symbol=BTCUSDT&orderId=12a', 'orderId'],
    ['/fapi/v1/income', 'endTime=-5', 'endTime'],
    ['/fapi/v1/positionMargin/history', 'symbol=BTCUSDT&type=add', 'type'],
  ])('should refuse a non-integer where %s reads an integer with -1100', async (path, params, name) => {
    expect(await get(path, params)).toEqual([
      400,
      { code: -1100, msg: `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.` },
    ])
  })

  it('should require the symbol where Binance does (-1102) and refuse an unknown one (-1121)', async () => {
    const missing = { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." }
    expect(await get('/fapi/v1/allOrders', '')).toEqual([400, missing])
    expect(await get('/fapi/v1/positionMargin/history', '')).toEqual([400, missing])
    expect(await get('/fapi/v1/allOrders', 'symbol=NOPEUSDT')).toEqual([400, { code: -1121, msg: 'Invalid symbol.' }])
    // income reads every symbol without one
    expect((await get('/fapi/v1/income', ''))[0]).toBe(200)
  })

  it('should refuse a window longer than Binance allows with -1127, and an end before the start with -1130', async () => {
    const week = `symbol=BTCUSDT&startTime=${T0 - 8 * DAY}&endTime=${T0}`
    expect(await get('/fapi/v1/allOrders', week)).toEqual([400, { code: -1127, msg: 'Lookup interval is too big.' }])
    // positionMargin/history allows 30 days, income any window
    expect((await get('/fapi/v1/positionMargin/history', week))[0]).toBe(200)
    expect((await get('/fapi/v1/income', week))[0]).toBe(200)
    const month = `symbol=BTCUSDT&startTime=${T0 - 31 * DAY}&endTime=${T0}`
    expect(await get('/fapi/v1/positionMargin/history', month)).toEqual([
      400,
      { code: -1127, msg: 'Lookup interval is too big.' },
    ])
    expect(await get('/fapi/v1/allOrders', `symbol=BTCUSDT&startTime=${T0}&endTime=${T0 - 1}`)).toEqual([
      400,
      { code: -1130, msg: "Data sent for parameter 'endTime' is not valid." },
    ])
  })

  it('should refuse values Binance does not have with -1130 naming the parameter', async () => {
    expect(await get('/fapi/v1/income', 'incomeType=LOTTERY')).toEqual([
      400,
      { code: -1130, msg: "Data sent for parameter 'incomeType' is not valid." },
    ])
    expect(await get('/fapi/v1/positionMargin/history', 'symbol=BTCUSDT&type=3')).toEqual([
      400,
      { code: -1130, msg: "Data sent for parameter 'type' is not valid." },
    ])
    expect(await get('/fapi/v1/openOrder', 'symbol=BTCUSDT')).toEqual([
      400,
      { code: -1102, msg: "Mandatory parameter 'orderId' was not sent, was empty/null, or malformed." },
    ])
  })

  it('should page income oldest first and filter it by type', async () => {
    const order = `symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.002&timestamp=${emu.now()}`
    await fetch(`${emu.restUrl}/fapi/v1/order`, {
      method: 'POST',
      headers: { 'X-MBX-APIKEY': emu.credentials.key },
      body: `${order}&signature=${sign(order, emu.credentials.secret)}`,
    })
    const [, all] = (await get('/fapi/v1/income', `startTime=${T0 - DAY}`)) as [number, Record<string, unknown>[]]
    expect(all.map((r) => [r.incomeType, r.income, r.symbol])).toEqual([
      ['TRANSFER', '10000.00000000', ''],
      ['COMMISSION', '-0.06000000', 'BTCUSDT'],
    ])
    expect(all[1]).toMatchObject({ asset: 'USDT', info: 'COMMISSION', tradeId: expect.stringMatching(/^\d+$/) })
    const [, page2] = (await get('/fapi/v1/income', `startTime=${T0 - DAY}&limit=1&page=2`)) as [number, unknown[]]
    expect(page2).toEqual([all[1]])
    const [, transfers] = (await get('/fapi/v1/income', 'incomeType=TRANSFER')) as [number, unknown[]]
    expect(transfers).toEqual([all[0]])
  })

  it('should answer a Binance route it does not emulate with -5000 saying so, and any other path plainly', async () => {
    const r = await fetch(`${emu.restUrl}/fapi/v1/fundingInfo`)
    expect(r.status).toBe(404)
    expect(await r.json()).toEqual({
      code: -5000,
      msg: 'Path /fapi/v1/fundingInfo, Method GET is invalid: Binance serves it, @quantum/emulator does not emulate it (see its README)',
    })
    const other = await fetch(`${emu.restUrl}/fapi/v1/nothing`)
    expect(await other.json()).toEqual({ code: -5000, msg: 'Path /fapi/v1/nothing, Method GET is invalid' })
  })
})
