/**
 * WebSocket streams through real ccxt.pro 4.5.84 (`urls.api.ws.future` pointed at the emulator,
 * `loadHttpProxyAgent` for plain ws://), and the user-data stream's listenKey lifecycle with a raw client.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { useCcxtEmulator, emulatorWithMarket, MINUTE, T0 } from '../../test/harness.js'
import type { Emulator } from '../index.js'

const BTC = 'BTC/USDT:USDT'

describe('emulator WebSocket streams', () => {
  const fx = useCcxtEmulator()

  const privateConnected = (): Promise<void> => vi.waitFor(() => expect(fx.emu.state().sockets.private).toBe(1))

  it('should answer SUBSCRIBE and push the closed kline, then the next minute opening, to watchOHLCV', async () => {
    const watching = fx.ex.watchOHLCV(BTC, '1m')
    await vi.waitFor(() => expect(fx.emu.state().subscriptions).toContain('btcusdt@kline_1m'))
    fx.emu.pushBar('BTCUSDT', { openTime: T0 + MINUTE, open: 60000, high: 60200, low: 59950, close: 60150, volume: 3 })
    const candles = await watching
    expect(candles[0]).toEqual([T0 + MINUTE, 60000, 60200, 59950, 60150, 3])
    const cached = (): unknown[] => [...(fx.ex.ohlcvs[BTC]?.['1m'] ?? [])]
    await vi.waitFor(() => expect(cached()).toHaveLength(2))
    expect(cached()[1]).toEqual([T0 + 2 * MINUTE, 60150, 60150, 60150, 60150, 0])
  })

  it('should push bookTicker and markPriceUpdate events', async () => {
    const bidsAsks = fx.ex.watchBidsAsks([BTC])
    const mark = fx.ex.watchMarkPrice(BTC)
    await vi.waitFor(() =>
      expect(fx.emu.state().subscriptions).toEqual(
        expect.arrayContaining(['btcusdt@bookTicker', 'btcusdt@markPrice@1s']),
      ),
    )
    fx.emu.tick('BTCUSDT', 60300)
    expect((await bidsAsks)[BTC]).toMatchObject({ bid: 60300, ask: 60300.1 })
    expect((await mark).markPrice).toBe(60300)
  })

  it('should push ORDER_TRADE_UPDATE to watchOrders on placement and fill', async () => {
    const watching = fx.ex.watchOrders(BTC)
    await privateConnected()
    const placed = await fx.ex.createOrder(BTC, 'market', 'buy', 0.002, undefined, { clientOrderId: 'qt-ws-1' })
    const orders = await watching
    const ours = orders.filter((o) => o.id === placed.id)
    expect(ours.length).toBeGreaterThan(0)
    expect(ours[0]?.clientOrderId).toBe('qt-ws-1')
    // every update lands in ccxt's order cache, whether or not a watchOrders call was pending
    const final = await vi.waitFor(() => {
      const o = (fx.ex.orders as unknown as { id: string; status: string }[]).find((x) => x.id === placed.id)
      expect(o?.status).toBe('closed')
      return o
    })
    expect(final).toMatchObject({ filled: 0.002, average: 60000 })
  })

  it('should push ALGO_UPDATE for conditional orders to watchOrders', async () => {
    await fx.ex.createOrder(BTC, 'market', 'buy', 0.002)
    const watching = fx.ex.watchOrders(BTC)
    await privateConnected()
    const sl = await fx.ex.createOrder(BTC, 'market', 'sell', 0.002, undefined, {
      stopLossPrice: 59000,
      reduceOnly: true,
    })
    const orders = await watching
    expect(orders.find((o) => o.id === sl.id)).toMatchObject({ status: 'open', triggerPrice: 59000 })
  })

  it('should push ACCOUNT_UPDATE to watchPositions and watchBalance after a fill', async () => {
    // the first call answers with the REST snapshot (leverageBracket + positionRisk): flat
    expect(await fx.ex.watchPositions([BTC])).toEqual([])
    const positions = fx.ex.watchPositions([BTC])
    const balance = fx.ex.watchBalance()
    await privateConnected()
    await fx.ex.createOrder(BTC, 'market', 'sell', 0.003)
    const p = await positions
    expect(p.find((x) => x.symbol === BTC)).toMatchObject({ side: 'short', contracts: 0.003, entryPrice: 60000 })
    const b = await balance
    expect(b.USDT?.total).toBeCloseTo(10000 - 60000 * 0.003 * 0.0005, 8)
  })
})

describe('emulator user-data stream', () => {
  let emu: Emulator

  beforeEach(async () => {
    emu = await emulatorWithMarket()
  })
  afterEach(async () => {
    await emu.close()
  })

  const listenKey = async (method: 'POST' | 'PUT' | 'DELETE'): Promise<Response> =>
    fetch(`${emu.restUrl}/fapi/v1/listenKey`, { method, headers: { 'X-MBX-APIKEY': emu.credentials.key } })

  const connect = async (key: string): Promise<{ ws: WebSocket; messages: unknown[]; closed: Promise<number> }> => {
    const ws = new WebSocket(`ws://127.0.0.1:${emu.port}/private/ws?listenKey=${key}`)
    const messages: unknown[] = []
    ws.on('message', (d: Buffer) => messages.push(JSON.parse(d.toString('utf8'))))
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject))
    return { ws, messages, closed }
  }

  it('should keep the same 64-character listenKey on POST and PUT, and refuse unknown keys', async () => {
    const { listenKey: key } = (await (await listenKey('POST')).json()) as { listenKey: string }
    expect(key).toMatch(/^[A-Za-z0-9]{64}$/)
    expect(await (await listenKey('POST')).json()).toEqual({ listenKey: key })
    expect(await (await listenKey('PUT')).json()).toEqual({ listenKey: key })
    await expect(connect('x'.repeat(64))).rejects.toThrow(/400/)
    expect(await (await listenKey('DELETE')).json()).toEqual({})
    expect(((await (await listenKey('PUT')).json()) as { code: number }).code).toBe(-1125)
  })

  it('should expire a listenKey 60 minutes after the last keep-alive with a listenKeyExpired event', async () => {
    const { listenKey: key } = (await (await listenKey('POST')).json()) as { listenKey: string }
    const client = await connect(key)
    emu.advance(59 * MINUTE)
    expect(await (await listenKey('PUT')).json()).toEqual({ listenKey: key })
    emu.advance(59 * MINUTE) // 118 min after opening, 59 after the keep-alive: still valid
    expect(emu.state().listenKeys).toEqual([key])
    emu.advance(MINUTE)
    expect(await client.closed).toBe(1000)
    expect(client.messages).toEqual([{ e: 'listenKeyExpired', E: emu.now(), listenKey: key }])
    expect(emu.state().listenKeys).toEqual([])
  })

  it('should drop connections abruptly on request', async () => {
    const { listenKey: key } = (await (await listenKey('POST')).json()) as { listenKey: string }
    const client = await connect(key)
    expect(emu.faults.dropConnections('private')).toBe(1)
    expect(await client.closed).toBe(1006) // abnormal closure: no close frame
  })
})
