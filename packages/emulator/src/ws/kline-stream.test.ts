/** The kline stream as Binance sends it: in-progress updates (x=false), the closed kline, the next opening. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { emulatorWithMarket, MINUTE, T0 } from '../../test/harness.js'
import type { Emulator } from '../index.js'

interface KlineEvent {
  readonly e: string
  readonly k: { t: number; T: number; o: string; h: string; l: string; c: string; v: string; x: boolean }
}

describe('emulator kline stream', () => {
  let emu: Emulator
  let ws: WebSocket
  let events: KlineEvent[]

  beforeEach(async () => {
    emu = await emulatorWithMarket()
    events = []
    ws = new WebSocket(`${emu.wsUrl}/btcusdt@kline_1m`)
    ws.on('message', (d: Buffer) => events.push(JSON.parse(d.toString('utf8')) as KlineEvent))
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject))
  })
  afterEach(async () => {
    ws.close()
    await emu.close()
  })

  const candle = (e: KlineEvent): [number, number, number, number, number, number, boolean] => [
    (e.k.t - T0) / MINUTE,
    Number(e.k.o),
    Number(e.k.h),
    Number(e.k.l),
    Number(e.k.c),
    Number(e.k.v),
    e.k.x,
  ]

  it('should follow a closed kline with the opening kline of the next minute', async () => {
    emu.pushBar('BTCUSDT', { openTime: T0 + MINUTE, open: 60000, high: 60200, low: 59950, close: 60150, volume: 3 })
    await vi.waitFor(() => expect(events).toHaveLength(2))
    expect(events.map(candle)).toEqual([
      [1, 60000, 60200, 59950, 60150, 3, true],
      [2, 60150, 60150, 60150, 60150, 0, false],
    ])
    expect(events[1]!.k.T).toBe(T0 + 3 * MINUTE - 1)
  })

  it('should stream in-progress updates growing toward the bar before the closed kline', async () => {
    const bar = { openTime: T0 + MINUTE, open: 60000, high: 60400, low: 59800, close: 60300, volume: 4 }
    emu.pushBar('BTCUSDT', bar, { updates: 3 })
    await vi.waitFor(() => expect(events).toHaveLength(5))
    expect(events.map(candle)).toEqual([
      [1, 60000, 60100, 59950, 60075, 1, false],
      [1, 60000, 60200, 59900, 60150, 2, false],
      [1, 60000, 60300, 59850, 60225, 3, false],
      [1, 60000, 60400, 59800, 60300, 4, true],
      [2, 60300, 60300, 60300, 60300, 0, false],
    ])
  })

  it('should keep only closed bars in the REST klines', async () => {
    emu.pushBar(
      'BTCUSDT',
      { openTime: T0 + MINUTE, open: 60000, high: 60200, low: 59950, close: 60150 },
      { updates: 2 },
    )
    const rows = (await (await fetch(`${emu.restUrl}/fapi/v1/klines?symbol=BTCUSDT&interval=1m`)).json()) as unknown[][]
    expect(rows.map((r) => [(Number(r[0]) - T0) / MINUTE, r[4]])).toEqual([
      [0, '60000.00000000'],
      [1, '60150.00000000'],
    ])
  })

  it('should refuse a negative or fractional number of updates', () => {
    const bar = { openTime: T0 + MINUTE, open: 1, high: 1, low: 1, close: 1 }
    expect(() => emu.pushBar('BTCUSDT', bar, { updates: -1 })).toThrow(/updates/)
    expect(() => emu.pushBar('BTCUSDT', bar, { updates: 1.5 })).toThrow(/updates/)
  })
})
