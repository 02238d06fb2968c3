/**
 * Margin figures as Binance reports them: cross positions carry no isolated margin, the account's cross
 * wallet and cross PnL, break-even prices with the taker fee, v2 and v3 shapes apart; klines with trade
 * counts and taker-buy volumes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { MINUTE, T0, emulatorWithMarket } from '../test/harness.js'
import { sign, type Emulator } from './index.js'

type Json = Record<string, unknown>

function client(emu: Emulator) {
  return async (method: string, path: string, params = ''): Promise<unknown> => {
    const q = `${params}${params === '' ? '' : '&'}timestamp=${emu.now()}`
    const signed = `${q}&signature=${sign(q, emu.credentials.secret)}`
    const headers = { 'X-MBX-APIKEY': emu.credentials.key }
    const r =
      method === 'GET'
        ? await fetch(`${emu.restUrl}${path}?${signed}`, { headers })
        : await fetch(`${emu.restUrl}${path}`, { method, headers, body: signed })
    return r.json()
  }
}

const V3_ONLY_ABSENT = ['leverage', 'marginType', 'isAutoAddMargin', 'maxNotionalValue']

describe('margin truth', () => {
  let emu: Emulator | undefined
  afterEach(async () => {
    await emu?.close()
    emu = undefined
  })

  /** An emulator with a 0.002 BTC position opened at 60000, then a bar closing at `mark`. */
  async function withPosition(marginType: 'CROSSED' | 'ISOLATED', side: 'BUY' | 'SELL', mark: number) {
    emu = await emulatorWithMarket({ marginType })
    const call = client(emu)
    await call('POST', '/fapi/v1/order', `symbol=BTCUSDT&side=${side}&type=MARKET&quantity=0.002`)
    emu.pushBar('BTCUSDT', { openTime: T0 + MINUTE, open: 60000, high: mark, low: 60000, close: mark })
    return call
  }

  it('should report a cross position without isolated margin and with the v3 fields only', async () => {
    const call = await withPosition('CROSSED', 'BUY', 61000)
    const [p] = (await call('GET', '/fapi/v3/positionRisk')) as Json[]
    for (const k of V3_ONLY_ABSENT) expect(p).not.toHaveProperty(k)
    expect(p).toMatchObject({
      positionAmt: '0.002',
      isolatedMargin: '0.00000000',
      isolatedWallet: '0.00000000',
      unRealizedProfit: '2.00000000',
      notional: '122.00000000',
      initialMargin: '6.10000000', // 122 / 20 at the mark
      positionInitialMargin: '6.10000000',
      breakEvenPrice: '60030.00000000', // 60000 x (1 + 0.0005 taker)
    })
    const account = (await call('GET', '/fapi/v3/account')) as Json
    const wallet = Number(account.totalWalletBalance)
    expect(wallet).toBeCloseTo(10_000 - 0.06, 8)
    expect(account).toMatchObject({
      totalCrossUnPnl: '2.00000000',
      totalCrossWalletBalance: account.totalWalletBalance,
    })
    expect((account.assets as Json[])[0]).toMatchObject({ crossUnPnl: '2.00000000', unrealizedProfit: '2.00000000' })
    expect((account.positions as Json[])[0]).toMatchObject({
      isolatedMargin: '0.00000000',
      isolatedWallet: '0.00000000',
    })
  })

  it('should report an isolated position with its wallet and margin, outside the cross wallet', async () => {
    const call = await withPosition('ISOLATED', 'SELL', 61000)
    const [p] = (await call('GET', '/fapi/v3/positionRisk')) as Json[]
    expect(p).toMatchObject({
      positionAmt: '-0.002',
      isolatedWallet: '6.00000000', // 120 / 20 at entry
      isolatedMargin: '4.00000000', // wallet + the -2 PnL
      unRealizedProfit: '-2.00000000',
      breakEvenPrice: '59970.00000000', // 60000 x (1 - 0.0005) for a short
    })
    const account = (await call('GET', '/fapi/v3/account')) as Json
    const cross = Number(account.totalWalletBalance) - 6
    expect(Number(account.totalCrossWalletBalance)).toBeCloseTo(cross, 8)
    expect(account.totalCrossUnPnl).toBe('0.00000000')
    const [balance] = (await call('GET', '/fapi/v2/balance')) as Json[]
    expect(Number(balance!.crossWalletBalance)).toBeCloseTo(cross, 8)
  })

  it('should push ACCOUNT_UPDATE with the break-even price, isolated wallet and cross wallet of the replies', async () => {
    emu = await emulatorWithMarket({ marginType: 'ISOLATED' })
    const headers = { 'X-MBX-APIKEY': emu.credentials.key }
    const { listenKey } = (await (
      await fetch(`${emu.restUrl}/fapi/v1/listenKey`, { method: 'POST', headers })
    ).json()) as {
      listenKey: string
    }
    const ws = new WebSocket(`ws://127.0.0.1:${emu.port}/private/ws?listenKey=${listenKey}`)
    const updates: { a: { B: Json[]; P: Json[] } }[] = []
    ws.on('message', (d: Buffer) => {
      const e = JSON.parse(d.toString('utf8')) as { e: string; a: { B: Json[]; P: Json[] } }
      if (e.e === 'ACCOUNT_UPDATE') updates.push(e)
    })
    try {
      await new Promise((resolve) => ws.on('open', resolve))
      await client(emu)('POST', '/fapi/v1/order', 'symbol=BTCUSDT&side=SELL&type=MARKET&quantity=0.002')
      const [u] = await vi.waitFor(() => {
        expect(updates).toHaveLength(1)
        return updates
      })
      expect(u!.a.P[0]).toMatchObject({ pa: '-0.002', bep: '59970.00000000', iw: '6.00000000', mt: 'isolated' })
      expect(Number(u!.a.B[0]!.cw)).toBeCloseTo(10_000 - 0.06 - 6, 8)
    } finally {
      ws.close()
    }
  })

  it('should answer v2 and v3 in their own shapes', async () => {
    const call = await withPosition('CROSSED', 'BUY', 60000)
    const v3 = (await call('GET', '/fapi/v3/account')) as Json
    const v2 = (await call('GET', '/fapi/v2/account')) as Json
    for (const k of ['feeTier', 'canTrade', 'canDeposit', 'canWithdraw', 'updateTime', 'multiAssetsMargin']) {
      expect(v2).toHaveProperty(k)
      expect(v3).not.toHaveProperty(k)
    }
    expect((v2.assets as Json[])[0]).toHaveProperty('marginAvailable', true)
    expect((v3.assets as Json[])[0]).not.toHaveProperty('marginAvailable')
    expect((v2.positions as Json[])[0]).toMatchObject({ symbol: 'BTCUSDT', leverage: '20', isolated: false })
    const v2Risk = (await call('GET', '/fapi/v2/positionRisk')) as Json[]
    expect(v2Risk).toHaveLength(5) // every listed symbol
    expect(v2Risk.find((r) => r.symbol === 'BTCUSDT')).toMatchObject({
      leverage: '20',
      marginType: 'cross',
      isAutoAddMargin: 'false', // a string in v2
      breakEvenPrice: '60030.00000000',
    })
    const keys = ['accountAlias', 'asset', 'balance', 'crossWalletBalance', 'crossUnPnl', 'availableBalance']
    const b2 = (await call('GET', '/fapi/v2/balance')) as Json[]
    const b3 = (await call('GET', '/fapi/v3/balance')) as Json[]
    expect(Object.keys(b2[0]!)).toEqual(Object.keys(b3[0]!))
    expect(Object.keys(b3[0]!)).toEqual([...keys, 'maxWithdrawAmount', 'marginAvailable', 'updateTime'])
    const [cfg] = (await call('GET', '/fapi/v1/symbolConfig', 'symbol=BTCUSDT')) as Json[]
    expect(cfg).toEqual({
      symbol: 'BTCUSDT',
      marginType: 'CROSSED',
      isAutoAddMargin: false, // a boolean here, as recorded
      leverage: 20,
      maxNotionalValue: expect.stringMatching(/^\d+$/),
    })
  })

  it('should serve kline trade counts and taker-buy volumes: the bar’s own, else the documented model', async () => {
    emu = await emulatorWithMarket()
    emu.pushBar('BTCUSDT', {
      openTime: T0 + MINUTE,
      open: 60000,
      high: 60200,
      low: 59800,
      close: 60100,
      volume: 3,
      trades: 41,
      takerBuyVolume: 1.25,
    })
    const rows = (await (await fetch(`${emu.restUrl}/fapi/v1/klines?symbol=BTCUSDT&interval=1m`)).json()) as unknown[][]
    // first bar (harness): volume 12 at close 60000 = 720 000 USDT -> 720 trades; close mid-range -> half bought
    expect(rows[0]!.slice(8, 11)).toEqual([720, '6.000', '360000.00000'])
    expect(rows[1]!.slice(8, 11)).toEqual([41, '1.250', '75125.00000'])
    // the stream's closed kline carries the same figures
    const ws = new WebSocket(`${emu.wsUrl}/btcusdt@kline_1m`)
    const closed: Json[] = []
    ws.on('message', (d: Buffer) => {
      const k = (JSON.parse(d.toString('utf8')) as { k: Json }).k
      if (k.x === true) closed.push(k)
    })
    try {
      await new Promise((resolve) => ws.on('open', resolve))
      emu.pushBar('BTCUSDT', {
        openTime: T0 + 2 * MINUTE,
        open: 60100,
        high: 60100,
        low: 60000,
        close: 60000,
        volume: 1,
      })
      const [k] = await vi.waitFor(() => {
        expect(closed).toHaveLength(1)
        return closed
      })
      expect([k!.n, k!.V, k!.Q]).toEqual([60, '0.000', '0.00000']) // 60 000 USDT; closed at the low
    } finally {
      ws.close()
    }
    expect(() =>
      emu!.pushBar('BTCUSDT', {
        openTime: T0 + 2 * MINUTE,
        open: 1,
        high: 1,
        low: 1,
        close: 1,
        volume: 1,
        takerBuyVolume: 2,
      }),
    ).toThrow(/takerBuyVolume/)
  })
})
