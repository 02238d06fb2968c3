import { QuantumError, sfc32 } from '@quantum/core'
import type { ExchangeEvent, Order } from '@quantum/core'
import { startEmulator, type Emulator, type FaultKind } from '@quantum/emulator'
import { afterAll, describe, expect, it } from 'vitest'
import { BinanceUsdmExchange } from './binance-usdm.js'
import { createEmulatorClient } from './client.js'

const EPISODES = Number(process.env.QUANTUM_FAULT_EPISODES ?? 200)
const GRACE_MS = 2000
const FAULTS: readonly FaultKind[] = [
  'response-lost',
  'http-500',
  'http-503',
  'http-502-html',
  'timeout',
  'rate-limit',
  'drop-connection',
  'partial-fill',
  'delayed-fill',
]

let emulator: Emulator | undefined
let exchange: BinanceUsdmExchange | undefined
afterAll(async () => {
  await exchange?.close()
  await emulator?.close()
})

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('BinanceUsdmExchange under seeded faults (emulator)', () => {
  it(`should survive ${EPISODES} random fault episodes: no duplicate order, no lost fill, never unprotected past ${GRACE_MS} ms`, async () => {
    emulator = await startEmulator({ balance: 10_000_000, seed: 2024 })
    emulator.pushBar('BTCUSDT', {
      openTime: emulator.clock.now() - 60_000,
      open: 60_000,
      high: 60_010,
      low: 59_990,
      close: 60_000,
      volume: 1,
    })
    const client = await createEmulatorClient(emulator, { timeoutMs: 300 })
    exchange = await BinanceUsdmExchange.connect({
      client,
      symbols: ['BTCUSDT'],
      retry: { baseDelayMs: 2, maxDelayMs: 20, attempts: 6 },
    })
    const fills: ExchangeEvent[] = []
    exchange.events$.subscribe((e) => e.type === 'fill' && fills.push(e))
    exchange.startUserStream()
    for (let i = 0; i < 200 && emulator.state().sockets.private === 0; i++) await wait(5)
    exchange.account.setLastPrice('BTCUSDT', 60_000)
    const random = sfc32(7)
    const started = Date.now()
    let expected = 0 // net position the adapter believes it opened (in 0.001 steps)
    let stop: Order | undefined
    let unprotectedMs = 0
    const failures: string[] = []
    for (let episode = 0; episode < EPISODES; episode++) {
      const kind = FAULTS[Math.floor(random() * FAULTS.length)]!
      const onStop = random() < 0.4
      emulator.faults.inject({
        kind,
        method: 'POST',
        path: onStop ? '/fapi/v1/algoOrder' : '/fapi/v1/order',
        ...(kind === 'partial-fill' ? { parts: 3, intervalMs: 1 } : {}),
        ...(kind === 'delayed-fill' ? { delayMs: 2 } : {}),
      })
      const steps = 2 + Math.floor(random() * 4)
      const side = random() < 0.5 ? 'BUY' : 'SELL'
      try {
        await exchange.placeOrder({ symbol: 'BTCUSDT', side, type: 'MARKET', quantity: steps / 1000 })
        expected += side === 'BUY' ? steps : -steps
      } catch (error) {
        failures.push(`${episode} entry ${kind}: ${String(error)}`)
        expect(error).toBeInstanceOf(QuantumError)
      }
      const entryAck = performance.now()
      // Protect the new net position: the new stop first, then cancel the old one (replace).
      const net = expected / 1000
      if (net !== 0) {
        const closing = net > 0 ? 'SELL' : 'BUY'
        const trigger = net > 0 ? 40_000 : 80_000
        try {
          const next = await exchange.placeOrder({
            symbol: 'BTCUSDT',
            side: closing,
            type: 'STOP_MARKET',
            quantity: Math.abs(net),
            triggerPrice: trigger,
            reduceOnly: true,
            tag: 'stop',
          })
          if (stop !== undefined) await exchange.cancelOrder('BTCUSDT', stop.id)
          stop = next
        } catch (error) {
          failures.push(`${episode} stop ${kind}: ${String(error)}`)
          expect(error).toBeInstanceOf(QuantumError)
        }
      }
      unprotectedMs = Math.max(unprotectedMs, performance.now() - entryAck)
      emulator.faults.clear()
    }
    // Let partial and delayed fills finish and the stream deliver them, then reconcile: executions the
    // stream missed (a dropped socket) are recovered from userTrades.
    for (let i = 0; i < 100 && fills.length < emulator.state().trades; i++) await wait(10)
    const streamed = fills.length
    const { recoveredFills } = await exchange.reconcile(started - 60_000)
    expect(streamed + recoveredFills).toBe(fills.length)
    const venue = emulator.state()
    const venueNet = venue.positions.reduce((s, p) => s + (p.side === 'SHORT' ? -p.quantity : p.quantity), 0)
    expect(failures).toEqual([]) // every fault was absorbed by lookups and retries
    expect(Math.round(venueNet * 1000)).toBe(expected) // no order placed twice, none lost
    expect(fills).toHaveLength(venue.trades) // no fill lost on the stream
    const local = exchange.account.getPosition('BTCUSDT')
    expect(Math.round((local.side === 'SHORT' ? -local.quantity : local.quantity) * 1000)).toBe(expected)
    expect(venue.openAlgoOrders).toHaveLength(expected === 0 ? venue.openAlgoOrders.length : 1) // one stop, not a pile
    expect(unprotectedMs).toBeLessThan(GRACE_MS)
    const faultsFired = new Set(emulator.faults.history.map((f) => f.kind))
    expect(faultsFired.size).toBeGreaterThanOrEqual(FAULTS.length - 1)
  }, 60_000)
})
