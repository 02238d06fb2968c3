/**
 * `GET /fapi/v1/fundingRate` (funding-rate history of the `funding` option, due events only) and
 * `GET /fapi/v1/markPriceKlines` (the candles' prices, volume columns zero), as Binance answers them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startEmulator, type Emulator } from '../index.js'

const T0 = Date.UTC(2026, 0, 1)
const H = 3_600_000
const TIMES = [0, 8, 16, 24, 32].map((h) => T0 + h * H)

describe('funding-rate history and mark-price klines', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await startEmulator({
      clock: 'manual',
      startTime: T0,
      interval: '1h',
      funding: { BTCUSDT: { time: TIMES, rate: [0.0001, -0.0002, 0.0003, 0.0004, 0.0005] } },
    })
    for (let k = 0; k < 20; k++)
      emu.pushBar('BTCUSDT', {
        openTime: T0 + k * H,
        open: 100 + k,
        high: 101 + k,
        low: 99 + k,
        close: 100.5 + k,
        volume: 3,
      })
  })
  afterEach(async () => {
    await emu.close()
  })

  const get = async (path: string): Promise<[number, unknown]> => {
    const r = await fetch(`${emu.restUrl}${path}`)
    return [r.status, await r.json()]
  }

  it('should answer the events due by now, the first `limit` from startTime or else the latest', async () => {
    const [, latest] = await get('/fapi/v1/fundingRate?symbol=BTCUSDT')
    expect(latest).toEqual([
      { symbol: 'BTCUSDT', fundingTime: TIMES[0], fundingRate: '0.00010000', markPrice: '100.00000000' },
      { symbol: 'BTCUSDT', fundingTime: TIMES[1], fundingRate: '-0.00020000', markPrice: '108.00000000' },
      { symbol: 'BTCUSDT', fundingTime: TIMES[2], fundingRate: '0.00030000', markPrice: '116.00000000' },
    ])
    const [, page] = (await get(`/fapi/v1/fundingRate?symbol=BTCUSDT&startTime=${TIMES[1]}&limit=1`)) as [
      number,
      { fundingTime: number }[],
    ]
    expect(page.map((e) => e.fundingTime)).toEqual([TIMES[1]])
    const [, last] = (await get('/fapi/v1/fundingRate?symbol=BTCUSDT&limit=1')) as [number, { fundingTime: number }[]]
    expect(last.map((e) => e.fundingTime)).toEqual([TIMES[2]])
  })

  it('should refuse a parameter it does not read (-1104) and a malformed time (-1100)', async () => {
    expect(await get('/fapi/v1/fundingRate?symbol=BTCUSDT&colour=red')).toMatchObject([400, { code: -1104 }])
    expect(await get('/fapi/v1/fundingRate?symbol=BTCUSDT&startTime=1e3')).toMatchObject([400, { code: -1100 }])
  })

  it('should serve mark-price klines with the candle prices and zero volume', async () => {
    const [, rows] = (await get(`/fapi/v1/markPriceKlines?symbol=BTCUSDT&interval=1h&startTime=${T0}&limit=2`)) as [
      number,
      unknown[][],
    ]
    expect(rows.map((r) => r.slice(0, 6))).toEqual([
      [T0, '100.00000000', '101.00000000', '99.00000000', '100.50000000', '0'],
      [T0 + H, '101.00000000', '102.00000000', '100.00000000', '101.50000000', '0'],
    ])
  })
})
