/**
 * The emulator's replies against the recorded shapes: the real exchangeInfo fixture served as is, and a
 * zod schema per endpoint carrying every field the research note lists.
 */
import { readFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { describeWithShared } from '../../../test-utils/shared.js'
import * as S from '../test/binance-shapes.js'
import bundled from './data/fapi_v1_exchangeInfo.sample.json' with { type: 'json' }
import { sign, startEmulator, type Emulator } from './index.js'

const T0 = Date.UTC(2026, 0, 1)

async function setup(): Promise<Emulator> {
  const emu = await startEmulator({ clock: 'manual', startTime: T0 })
  emu.pushBar('BTCUSDT', { openTime: T0, open: 60000, high: 60100, low: 59900, close: 60000, volume: 2 })
  return emu
}

function client(emu: Emulator) {
  const headers = { 'X-MBX-APIKEY': emu.credentials.key }
  const call = async (method: string, path: string, params = ''): Promise<unknown> => {
    const q = `${params}${params === '' ? '' : '&'}timestamp=${emu.now()}`
    const signed = `${q}&signature=${sign(q, emu.credentials.secret)}`
    const r =
      method === 'GET' || method === 'DELETE'
        ? await fetch(`${emu.restUrl}${path}?${signed}`, { method, headers })
        : await fetch(`${emu.restUrl}${path}`, { method, headers, body: signed })
    return r.json()
  }
  return call
}

describe('response shapes', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await setup()
  })
  afterEach(async () => {
    await emu.close()
  })

  const get = async (path: string): Promise<unknown> => (await fetch(`${emu.restUrl}${path}`)).json()

  it('should serve the bundled real exchangeInfo unchanged but for serverTime', async () => {
    const served = (await get('/fapi/v1/exchangeInfo')) as Record<string, unknown>
    expect(served.serverTime).toBe(emu.now())
    expect({ ...served, serverTime: bundled.serverTime }).toEqual(bundled)
  })

  it('should give every public endpoint its Binance shape', async () => {
    expect(
      S.KlineShape.array()
        .length(1)
        .parse(await get('/fapi/v1/klines?symbol=BTCUSDT&interval=1m')),
    ).toBeTruthy()
    S.Ticker24hShape.parse(await get('/fapi/v1/ticker/24hr?symbol=BTCUSDT'))
    expect(S.Ticker24hShape.array().parse(await get('/fapi/v1/ticker/24hr'))).toHaveLength(5)
    S.BookTickerShape.parse(await get('/fapi/v1/ticker/bookTicker?symbol=BTCUSDT'))
    S.DepthShape.parse(await get('/fapi/v1/depth?symbol=BTCUSDT&limit=5'))
    S.PremiumIndexShape.parse(await get('/fapi/v1/premiumIndex?symbol=BTCUSDT'))
    expect(S.PremiumIndexShape.array().parse(await get('/fapi/v1/premiumIndex'))).toHaveLength(5)
    expect(await get('/fapi/v1/ping')).toEqual({})
    expect(await get('/fapi/v1/time')).toEqual({ serverTime: emu.now() })
  })

  it('should give every signed endpoint its Binance shape', async () => {
    const call = client(emu)
    const order = S.OrderShape.parse(
      await call('POST', '/fapi/v1/order', 'symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.002&newClientOrderId=qt-1'),
    )
    expect(order).toMatchObject({ status: 'FILLED', clientOrderId: 'qt-1', executedQty: '0.002', origType: 'MARKET' })
    const limit = S.OrderShape.parse(
      await call(
        'POST',
        '/fapi/v1/order',
        'symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.002&price=59000&timeInForce=GTC',
      ),
    )
    S.QueriedOrderShape.parse(await call('GET', '/fapi/v1/order', `symbol=BTCUSDT&orderId=${limit.orderId}`))
    expect(
      S.QueriedOrderShape.array()
        .length(1)
        .parse(await call('GET', '/fapi/v1/openOrders', 'symbol=BTCUSDT')),
    ).toBeTruthy()
    expect(
      S.OrderShape.parse(await call('DELETE', '/fapi/v1/order', `symbol=BTCUSDT&orderId=${limit.orderId}`)).status,
    ).toBe('CANCELED')
    const algo = S.AlgoShape.parse(
      await call(
        'POST',
        '/fapi/v1/algoOrder',
        'algoType=CONDITIONAL&symbol=BTCUSDT&side=SELL&type=STOP_MARKET&quantity=0.002&triggerPrice=55000&reduceOnly=true&clientAlgoId=qt-sl',
      ),
    )
    expect(algo).toMatchObject({ algoStatus: 'NEW', clientAlgoId: 'qt-sl', triggerPrice: '55000.00' })
    S.AlgoShape.parse(await call('GET', '/fapi/v1/algoOrder', `algoId=${algo.algoId}`))
    expect(
      S.AlgoShape.array()
        .length(1)
        .parse(await call('GET', '/fapi/v1/openAlgoOrders', 'symbol=BTCUSDT')),
    ).toBeTruthy()
    expect(await call('DELETE', '/fapi/v1/algoOrder', `symbol=BTCUSDT&clientAlgoId=qt-sl`)).toEqual({
      algoId: algo.algoId,
      clientAlgoId: 'qt-sl',
      code: '200',
      msg: 'success',
    })
    expect(
      S.TradeShape.array()
        .length(1)
        .parse(await call('GET', '/fapi/v1/userTrades', 'symbol=BTCUSDT')),
    ).toBeTruthy()
    S.AccountShape.parse(await call('GET', '/fapi/v3/account'))
    expect(
      S.PositionRiskShape.array()
        .length(1)
        .parse(await call('GET', '/fapi/v3/positionRisk')),
    ).toBeTruthy()
    S.LeverageBracketShape.parse(await call('GET', '/fapi/v1/leverageBracket'))
    S.SymbolConfigShape.parse(await call('GET', '/fapi/v1/symbolConfig', 'symbol=BTCUSDT'))
    expect(await call('GET', '/fapi/v1/positionSide/dual')).toEqual({ dualSidePosition: false })
    expect(await call('DELETE', '/fapi/v1/allOpenOrders', 'symbol=BTCUSDT')).toEqual({
      code: 200,
      msg: 'The operation of cancel all open order is done.',
    })
  })

  it('should answer batchOrders with one order or error per entry', async () => {
    const batch = JSON.stringify([
      { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: '0.002', price: '59000', timeInForce: 'GTC' },
      { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.001' },
    ])
    const r = (await client(emu)(
      'POST',
      '/fapi/v1/batchOrders',
      `batchOrders=${encodeURIComponent(batch)}`,
    )) as unknown[]
    S.OrderShape.parse(r[0])
    expect(r[1]).toEqual({
      code: -4164,
      msg: "Order's notional must be no smaller than 100 (unless you choose reduce only).",
    })
  })

  it('should push user-data events carrying every field of the research note', async () => {
    const headers = { 'X-MBX-APIKEY': emu.credentials.key }
    const { listenKey } = (await (
      await fetch(`${emu.restUrl}/fapi/v1/listenKey`, { method: 'POST', headers })
    ).json()) as {
      listenKey: string
    }
    const ws = new WebSocket(`ws://127.0.0.1:${emu.port}/private/ws?listenKey=${listenKey}`)
    const events: { e: string; o?: unknown }[] = []
    ws.on('message', (d: Buffer) => events.push(JSON.parse(d.toString('utf8')) as (typeof events)[number]))
    await new Promise((resolve) => ws.on('open', resolve))
    await client(emu)('POST', '/fapi/v1/order', 'symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.002')
    await vi.waitFor(() =>
      expect(events.map((e) => e.e)).toEqual(['ORDER_TRADE_UPDATE', 'ORDER_TRADE_UPDATE', 'ACCOUNT_UPDATE']),
    )
    for (const e of events.slice(0, 2)) S.OrderUpdateShape.parse(e.o)
    const account = S.AccountUpdateShape.parse(events[2])
    expect(account.a.P).toEqual([expect.objectContaining({ s: 'BTCUSDT', pa: '0.002', mt: 'cross' })]) // CROSSED is the default
    ws.close()
  })
})

describeWithShared(
  'bundled fixtures against ../shared',
  ['fixtures/binance/fapi_v1_exchangeInfo.sample.json', 'fixtures/binance/fapi_v1_userTrades.BTCUSDT.csv'],
  ([infoPath, tradesPath]) => {
    it('should bundle an unchanged copy of the real exchangeInfo sample', () => {
      expect(bundled).toEqual(JSON.parse(readFileSync(infoPath!, 'utf8')))
    })

    it('should answer userTrades with every column of the recorded real trades', async () => {
      const header = readFileSync(tradesPath!, 'utf8').split('\n')[0]!.trim().split(',')
      const emu = await setup()
      try {
        const call = client(emu)
        await call('POST', '/fapi/v1/order', 'symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.002')
        const [trade] = (await call('GET', '/fapi/v1/userTrades', 'symbol=BTCUSDT')) as Record<string, unknown>[]
        expect(Object.keys(trade!)).toEqual(expect.arrayContaining(header))
      } finally {
        await emu.close()
      }
    })
  },
)
