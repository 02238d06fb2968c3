/**
 * Binance error codes from the emulator, and the ccxt 4.5.84 class each becomes with the real URLs
 * kept (research §3.3 "Real URL" column). The class names asserted here are the measured mapping.
 */
import ccxt from 'ccxt'
import { describe, expect, it } from 'vitest'
import { useCcxtEmulator, connectCcxt, errorName } from '../test/harness.js'

const BTC = 'BTC/USDT:USDT'

describe('emulator error codes through ccxt', () => {
  const fx = useCcxtEmulator()

  it('should map -2019 margin is insufficient to InsufficientFunds', async () => {
    expect(await errorName(fx.ex.createOrder(BTC, 'market', 'buy', 5))).toBe('InsufficientFunds')
    expect(fx.lastCode()).toBe(-2019)
  })

  it('should map -4164 min notional to InvalidOrder, but accept a reduce-only order below it', async () => {
    expect(await errorName(fx.ex.createOrder(BTC, 'market', 'buy', 0.001))).toBe('InvalidOrder')
    expect(fx.lastCode()).toBe(-4164)
    await fx.ex.createOrder(BTC, 'market', 'buy', 0.002)
    const small = await fx.ex.createOrder(BTC, 'market', 'sell', 0.001, undefined, { reduceOnly: true })
    expect(small.status).toBe('closed')
  })

  it('should map -2022 reduce-only rejected to InvalidOrder', async () => {
    expect(await errorName(fx.ex.createOrder(BTC, 'market', 'sell', 0.002, undefined, { reduceOnly: true }))).toBe(
      'InvalidOrder',
    )
    expect(fx.lastCode()).toBe(-2022)
  })

  it('should map -2021 would immediately trigger to OrderImmediatelyFillable', async () => {
    const p = fx.ex.createOrder(BTC, 'STOP_MARKET', 'sell', 0.002, undefined, { triggerPrice: 60500 })
    expect(await errorName(p)).toBe('OrderImmediatelyFillable')
    expect(fx.lastCode()).toBe(-2021)
  })

  it('should map -5022 post-only crossing to OrderNotFillable', async () => {
    expect(await errorName(fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 60100, { postOnly: true }))).toBe(
      'OrderNotFillable',
    )
    expect(fx.lastCode()).toBe(-5022)
  })

  it('should map -4116 duplicate clientOrderId of an open order to InvalidOrder', async () => {
    await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000, { clientOrderId: 'qt-dup-1' })
    const p = fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000, { clientOrderId: 'qt-dup-1' })
    expect(await errorName(p)).toBe('InvalidOrder')
    expect(fx.lastCode()).toBe(-4116)
  })

  it('should map -2011 unknown order on cancel and -2013 on query to OrderNotFound', async () => {
    expect(await errorName(fx.ex.cancelOrder('123', BTC))).toBe('OrderNotFound')
    expect(fx.lastCode()).toBe(-2011)
    expect(await errorName(fx.ex.fetchOrder('123', BTC))).toBe('OrderNotFound')
    expect(fx.lastCode()).toBe(-2013)
    expect(await errorName(fx.ex.cancelOrder('123', BTC, { trigger: true }))).toBe('OrderNotFound')
  })

  it('should map -4028 invalid leverage to BadRequest and -4046 to MarginModeAlreadySet', async () => {
    // BNBUSDT's first bracket allows 75x (ccxt itself refuses > 125 before sending)
    expect(await errorName(fx.ex.setLeverage(100, 'BNB/USDT:USDT'))).toBe('BadRequest')
    expect(fx.lastCode()).toBe(-4028)
    expect(await errorName(fx.ex.setMarginMode('cross', BTC))).toBe('MarginModeAlreadySet')
    expect(fx.lastCode()).toBe(-4046)
  })

  it('should map -1111, -4014, -4003 and -4005 on raw parameters to BadRequest', async () => {
    const send = (quantity: string, price?: string): Promise<unknown> =>
      fx.ex.fapiPrivatePostOrder({
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: price === undefined ? 'MARKET' : 'LIMIT',
        quantity,
        ...(price === undefined ? {} : { price, timeInForce: 'GTC' }),
      })
    expect(await errorName(send('0.0011'))).toBe('BadRequest')
    expect(fx.lastCode()).toBe(-1111)
    expect(await errorName(send('0.002', '59000.15'))).toBe('BadRequest')
    expect(fx.lastCode()).toBe(-4014)
    expect(await errorName(send('0'))).toBe('BadRequest')
    expect(fx.lastCode()).toBe(-4003)
    expect(await errorName(send('1001'))).toBe('BadRequest')
    expect(fx.lastCode()).toBe(-4005)
  })

  it('should map -1021 (server clock skewed past recvWindow) to InvalidNonce, fixed by a time resync', async () => {
    fx.emu.faults.inject({ kind: 'clock-skew', skewMs: 30_000 })
    expect(await errorName(fx.ex.fetchBalance())).toBe('InvalidNonce')
    expect(fx.lastCode()).toBe(-1021)
    await fx.ex.loadTimeDifference()
    expect((await fx.ex.fetchBalance()).USDT?.total).toBe(10000)
  })

  it('should map -1022 bad signature and -2015 unknown API key to AuthenticationError', async () => {
    const wrongSecret = await connectCcxt(fx.emu, { secret: 'not-the-secret' })
    expect(await errorName(wrongSecret.fetchBalance())).toBe('AuthenticationError')
    expect(fx.lastCode()).toBe(-1022)
    const wrongKey = await connectCcxt(fx.emu, { apiKey: 'nobody' })
    expect(await errorName(wrongKey.fetchBalance())).toBe('AuthenticationError')
    expect(fx.emu.requests.at(-1)).toMatchObject({ status: 401, code: -2015 })
    await Promise.all([wrongSecret.close(), wrongKey.close()])
  })

  it('should map 429 -1003 to DDoSProtection, and a ban to 418 DDoSProtection', async () => {
    fx.emu.faults.inject({ kind: 'rate-limit' })
    expect(await errorName(fx.ex.fetchTicker(BTC))).toBe('DDoSProtection')
    expect(fx.emu.requests.at(-1)).toMatchObject({ status: 429, code: -1003 })
    fx.emu.faults.inject({ kind: 'ip-ban' })
    expect(await errorName(fx.ex.fetchTicker(BTC))).toBe('DDoSProtection')
    expect(fx.emu.requests.at(-1)).toMatchObject({ status: 418, code: -1003 })
  })

  it('should map 500 -1000 and 503 -1001 to OperationFailed (status unknown, not a NetworkError)', async () => {
    fx.emu.faults.inject({ kind: 'http-500' })
    expect(await errorName(fx.ex.fetchTicker(BTC))).toBe('OperationFailed')
    fx.emu.faults.inject({ kind: 'http-503' })
    let error: unknown
    await fx.ex.fetchTicker(BTC).catch((e: unknown) => (error = e))
    expect(error).toBeInstanceOf(ccxt.OperationFailed)
    expect(error).not.toBeInstanceOf(ccxt.NetworkError)
  })

  it('should map a 502 HTML page to ExchangeNotAvailable and a held request to RequestTimeout', async () => {
    fx.emu.faults.inject({ kind: 'http-502-html' })
    expect(await errorName(fx.ex.fetchTicker(BTC))).toBe('ExchangeNotAvailable')
    fx.ex.timeout = 300
    fx.emu.faults.inject({ kind: 'timeout', path: '/fapi/v1/order' })
    expect(await errorName(fx.ex.createOrder(BTC, 'market', 'buy', 0.002))).toBe('RequestTimeout')
    expect(fx.emu.requests.at(-1)).toMatchObject({ path: '/fapi/v1/order', status: 'timeout' })
  })

  it('should map a dropped connection to NetworkError', async () => {
    fx.emu.faults.inject({ kind: 'drop-connection' })
    expect(await errorName(fx.ex.fetchTicker(BTC))).toBe('NetworkError')
  })
})
