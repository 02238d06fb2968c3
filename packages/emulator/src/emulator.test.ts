import { ConfigError, NotSupportedError } from '@quantum/core'
import { afterEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { createEmulator, ManualClock, startEmulator, type Emulator } from './index.js'

const T0 = Date.UTC(2026, 0, 1)
const MIN = 60_000

describe('createEmulator options', () => {
  it('should refuse invalid options with a ConfigError listing every issue', () => {
    let error: unknown
    try {
      createEmulator({ port: -1, balance: -5, clock: 'fast' as 'real', apiKeys: [] })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues.map((i) => i.path).sort()).toEqual(['apiKeys', 'balance', 'clock', 'port'])
  })

  it('should refuse symbols missing from the exchangeInfo', () => {
    expect(() => createEmulator({ symbols: ['BTCUSDT', 'DOGEUSDT'] })).toThrow(/DOGEUSDT is not in the exchangeInfo/)
  })

  it('should list only the chosen symbols and throw a NotSupportedError for advance() on a real clock', async () => {
    const emu = await startEmulator({ symbols: ['ETHUSDT'] })
    try {
      const info = (await (await fetch(`${emu.restUrl}/fapi/v1/exchangeInfo`)).json()) as {
        symbols: { symbol: string }[]
      }
      expect(info.symbols.map((s) => s.symbol)).toEqual(['ETHUSDT'])
      expect(() => emu.advance(1)).toThrow(NotSupportedError)
      expect(() => emu.pushBar('BTCUSDT', { openTime: 0, open: 1, high: 1, low: 1, close: 1 })).toThrow(ConfigError)
    } finally {
      await emu.close()
    }
  })

  it('should throw NotSupportedError for the URL before listen()', () => {
    expect(() => createEmulator().restUrl).toThrow(NotSupportedError)
  })
})

describe('emulator market data', () => {
  let emu: Emulator
  afterEach(async () => {
    await emu.close()
  })

  it('should refuse a bar whose high is below its open', async () => {
    emu = await startEmulator({ clock: 'manual', startTime: T0 })
    expect(() => emu.pushBar('BTCUSDT', { openTime: T0, open: 100, high: 90, low: 80, close: 85 })).toThrow(ConfigError)
  })

  it('should replay a candle series on the manual clock at the given speed', async () => {
    emu = await startEmulator({ clock: 'manual', startTime: T0 })
    const bars = [0, 1, 2].map((k) => ({
      openTime: T0 + k * MIN,
      open: 100 + k,
      high: 101 + k,
      low: 99 + k,
      close: 100.5 + k,
    }))
    const replay = emu.replay('ETHUSDT', bars, { speed: 60 }) // one 1m bar per emulator second
    emu.advance(999)
    expect(replay.pushed).toBe(0)
    emu.advance(1)
    expect(replay.pushed).toBe(1)
    emu.advance(2000)
    expect([replay.pushed, replay.done]).toEqual([3, true])
    const klines = (await (
      await fetch(`${emu.restUrl}/fapi/v1/klines?symbol=ETHUSDT&interval=1m`)
    ).json()) as unknown[][]
    expect(klines.map((k) => [k[0], k[4]])).toEqual([
      [T0, '100.50000000'],
      [T0 + MIN, '101.50000000'],
      [T0 + 2 * MIN, '102.50000000'],
    ])
    expect(emu.engine.account.getLastPrice('ETHUSDT')).toBe(102.5)
  })

  it('should charge funding at a funding time crossed by a bar and push ACCOUNT_UPDATE FUNDING_FEE', async () => {
    const fundingTime = T0 + 8 * 60 * MIN
    emu = await startEmulator({
      clock: 'manual',
      startTime: T0,
      listenKeyTtlMs: 24 * 3_600_000,
      funding: { BTCUSDT: { time: [fundingTime], rate: [0.001] } },
    })
    emu.tick('BTCUSDT', 60000)
    const { sign } = await import('./index.js')
    const body = `symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.01&timestamp=${T0}`
    const headers = { 'X-MBX-APIKEY': emu.credentials.key }
    await fetch(`${emu.restUrl}/fapi/v1/order`, {
      method: 'POST',
      headers,
      body: `${body}&signature=${sign(body, emu.credentials.secret)}`,
    })
    const { listenKey } = (await (
      await fetch(`${emu.restUrl}/fapi/v1/listenKey`, { method: 'POST', headers })
    ).json()) as {
      listenKey: string
    }
    const ws = new WebSocket(`ws://127.0.0.1:${emu.port}/private/ws?listenKey=${listenKey}`)
    const events: { e: string; a?: { m: string; B: { wb: string }[] } }[] = []
    ws.on('message', (d: Buffer) => events.push(JSON.parse(d.toString('utf8')) as (typeof events)[number]))
    await new Promise((resolve) => ws.on('open', resolve))
    const walletBefore = emu.engine.account.getBalance().wallet
    emu.pushBar('BTCUSDT', { openTime: fundingTime, open: 60000, high: 60000, low: 60000, close: 60000 })
    await vi.waitFor(() => expect(events.some((e) => e.a?.m === 'FUNDING_FEE')).toBe(true))
    const paid = 0.01 * 60000 * 0.001 // a long pays a positive rate
    expect(emu.engine.account.getBalance().wallet).toBeCloseTo(walletBefore - paid, 10)
    expect(Number(events.find((e) => e.a?.m === 'FUNDING_FEE')?.a?.B[0]?.wb)).toBeCloseTo(walletBefore - paid, 6)
    ws.close()
  })
})

describe('ManualClock', () => {
  it('should run due callbacks in time order, each at its own time, and never go back', () => {
    const clock = new ManualClock(1000)
    const seen: [string, number][] = []
    clock.schedule(1500, () => seen.push(['b', clock.now()]))
    clock.schedule(1200, () => seen.push(['a', clock.now()]))
    const cancel = clock.schedule(1300, () => seen.push(['x', clock.now()]))
    cancel()
    clock.advance(1000)
    expect(seen).toEqual([
      ['a', 1200],
      ['b', 1500],
    ])
    expect(clock.now()).toBe(2000)
    expect(() => clock.set(1999)).toThrow(RangeError)
  })
})
