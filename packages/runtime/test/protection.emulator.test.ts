/**
 * The protection invariant on a venue (issue 12), end to end: the live engine on the Binance adapter
 * against the local emulator with its fault injection. A position always gets a reduce-only stop (the
 * policy's, else the engine's), a stop that cannot be placed is retried, then the position is closed,
 * then the emergency stop trips; the ESS closes before it cancels and keeps the stop meanwhile.
 */
import { BinanceUsdmExchange, createEmulatorClient } from '@quantum/ccxt'
import { definePlugin, fixedNotional, startLive } from '@quantum/core'
import type { EngineEvent, ExitActions, MarketBar, ProtectionEvent, QuantumPlugin } from '@quantum/core'
import { EmergencyStop, emergencyStopPlugins, memoryEssStore } from '@quantum/risk'
import { startEmulator, type Emulator } from '@quantum/emulator'
import { ReplaySubject } from 'rxjs'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'

const SYMBOL = 'BTCUSDT'
const FAST = { retryDelaysMs: [20, 40, 80], checkEveryMs: 50 }
let cleanup: (() => Promise<void>) | undefined

afterEach(async () => {
  await cleanup?.()
  cleanup = undefined
})

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `test` until it holds (the venue and its streams are asynchronous). */
async function until(test: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (test()) return
    await sleep(10)
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** The emulator with BTC at 60,000 and the adapter on it, its user-data stream running. */
async function venue(): Promise<{ emulator: Emulator; exchange: BinanceUsdmExchange }> {
  const emulator = await startEmulator({ balance: 100_000, seed: 12 })
  const now = emulator.clock.now()
  emulator.pushBar(SYMBOL, {
    openTime: now - 60_000,
    open: 60_000,
    high: 60_010,
    low: 59_990,
    close: 60_000,
    volume: 1,
  })
  const client = await createEmulatorClient(emulator, { timeoutMs: 1000 })
  const exchange = await BinanceUsdmExchange.connect({
    client,
    symbols: [SYMBOL],
    retry: { baseDelayMs: 2, maxDelayMs: 10, attempts: 2 },
  })
  exchange.startUserStream()
  await until(() => emulator.state().sockets.private > 0, 'the user-data stream')
  exchange.account.setLastPrice(SYMBOL, 60_000)
  cleanup = async () => {
    await exchange.close()
    await emulator.close()
  }
  return { emulator, exchange }
}

/** Buys on the bar with index `at`. */
const buyAt = definePlugin({
  name: 'test:buy-at',
  kind: 'agent',
  options: z.strictObject({ at: z.number().int() }),
  create: ({ at }) => ({
    onBar: (bar: MarketBar) =>
      bar.index === at
        ? { agent: 'test:buy-at', symbol: bar.symbol, time: bar.openTime, action: 'BUY' as const, confidence: 1 }
        : undefined,
  }),
})

/** On an entry fill: a reduce-only stop at `entry + offset` (a positive offset is above the market: -2021). */
const stopAt = definePlugin({
  name: 'test:stop-at',
  kind: 'exit',
  options: z.strictObject({ offset: z.number() }),
  create: ({ offset }) => ({
    onFill: (fill, position): ExitActions | undefined =>
      fill.reduceOnly || position.side !== 'LONG'
        ? undefined
        : {
            place: [
              {
                symbol: fill.symbol,
                side: 'SELL',
                type: 'STOP_MARKET',
                quantity: position.quantity,
                triggerPrice: position.entryPrice + offset,
                reduceOnly: true,
                tag: 'stop',
              },
            ],
          },
  }),
})

/** An exit policy that has nothing to say yet (as `atrStopTarget` before its ATR exists). */
const noAtrYet = definePlugin({
  name: 'test:no-atr-yet',
  kind: 'exit',
  options: z.strictObject({}),
  create: () => ({ onFill: () => undefined }),
})

/** An exit policy whose stop comes late (its ATR exists from bar `at` on), as `atrStopTarget` after warm-up. */
const lateStop = definePlugin({
  name: 'test:late-stop',
  kind: 'exit',
  options: z.strictObject({ at: z.number().int() }),
  create: ({ at }) => {
    let placed = false
    return {
      onBar: (bar: MarketBar, ctx): ExitActions | undefined => {
        const position = ctx.account.getPosition(bar.symbol)
        if (placed || bar.index < at || position.side !== 'LONG') return undefined
        placed = true
        return {
          place: [
            {
              symbol: bar.symbol,
              side: 'SELL',
              type: 'STOP_MARKET',
              quantity: position.quantity,
              triggerPrice: 57_000,
              reduceOnly: true,
              tag: 'stop',
            },
          ],
        }
      },
    }
  },
})

/** Runs the engine on the venue; `bar()` sends the next closed bar. */
function live(exchange: BinanceUsdmExchange, plugins: QuantumPlugin[], hookBudgetMs?: number) {
  const bars = new ReplaySubject<MarketBar>() // bars sent before the engine subscribes are kept
  const events: EngineEvent[] = []
  const run = startLive({
    bars,
    exchange,
    plugins,
    mode: 'live',
    protection: FAST,
    onEvent: (e) => events.push(e),
    ...(hookBudgetMs === undefined ? {} : { hookBudgetMs }),
  })
  let index = 0
  const bar = (close = 60_000): void => {
    const openTime = Date.now() - 60_000
    bars.next({
      symbol: SYMBOL,
      index: index++,
      openTime,
      open: close,
      high: close + 5,
      low: close - 5,
      close,
      volume: 1,
    })
  }
  const steps = (): string[] =>
    events.filter((e): e is ProtectionEvent => e.type === 'protection').map((e) => `${e.step}#${e.attempt}`)
  return { run, bar, events, steps, stop: () => run.stop() }
}

const stopsOnVenue = (emulator: Emulator): number =>
  emulator.state().openAlgoOrders.filter((o) => o['orderType'] === 'STOP_MARKET' || o['type'] === 'STOP_MARKET').length
const venuePosition = (emulator: Emulator): number =>
  emulator.state().positions.reduce((s, p) => s + (p.side === 'SHORT' ? -p.quantity : p.quantity), 0)

describe('the protection ladder on a venue (emulator)', () => {
  it('should place its own stop when the exit policy has none yet ("no ATR yet")', async () => {
    const { emulator, exchange } = await venue()
    const engine = live(exchange, [buyAt({ at: 0 }), fixedNotional({ notional: 1200 }), noAtrYet()])
    engine.bar()
    await until(() => venuePosition(emulator) > 0 && stopsOnVenue(emulator) === 1, 'the engine stop')
    await until(() => engine.steps().includes('restored#1'), 'restored')
    expect(engine.steps()).toEqual(['stop#1', 'restored#1'])
    const stop = exchange.account.getOpenOrders(SYMBOL).find((o) => o.type === 'STOP_MARKET')
    expect(stop).toMatchObject({ reduceOnly: true, side: 'SELL', tag: 'protection-stop' })
    expect(stop!.triggerPrice!).toBeCloseTo(58_800, -1) // 2 % under the price
    await engine.stop()
  })

  it("should cancel its own stop once the exit policy's stop covers the position, leaving one stop", async () => {
    const { emulator, exchange } = await venue()
    const engine = live(exchange, [buyAt({ at: 0 }), fixedNotional({ notional: 1200 }), lateStop({ at: 1 })])
    engine.bar()
    await until(() => venuePosition(emulator) > 0 && stopsOnVenue(emulator) === 1, 'the engine stop')
    engine.bar() // the policy's stop arrives: the engine's is retired
    await until(() => engine.steps().includes('retired#1'), 'the engine stop retired')
    await until(() => stopsOnVenue(emulator) === 1 && exchange.account.getOpenOrders(SYMBOL).length === 1, 'one stop')
    const stops = exchange.account.getOpenOrders(SYMBOL)
    expect(stops).toHaveLength(1)
    expect(stops[0]).toMatchObject({ tag: 'stop', triggerPrice: 57_000 })
    expect(engine.steps()).toEqual(['stop#1', 'restored#1', 'retired#1'])
    await engine.stop()
  })

  it('should protect a position adopted at restart (an orphan with no stop) before the first bar', async () => {
    const { emulator, exchange } = await venue()
    await exchange.placeOrder({ symbol: SYMBOL, side: 'SELL', type: 'MARKET', quantity: 0.01 })
    await until(() => exchange.account.getPosition(SYMBOL).side === 'SHORT', 'the orphan position')
    const engine = live(exchange, [noAtrYet()])
    const stopOf = () => exchange.account.getOpenOrders(SYMBOL).find((o) => o.type === 'STOP_MARKET')
    // The venue books the stop before its reply reaches the adapter: wait for both.
    await until(() => stopsOnVenue(emulator) === 1 && stopOf() !== undefined, 'a stop on the orphan')
    const stop = stopOf()
    expect(stop).toMatchObject({ side: 'BUY', reduceOnly: true })
    expect(stop!.triggerPrice!).toBeGreaterThan(60_000)
    await engine.stop()
  })

  it('should retry a stop the venue keeps refusing (5xx), then close the position, each step an event', async () => {
    const { emulator, exchange } = await venue()
    emulator.faults.inject({ kind: 'http-503', method: 'POST', path: '/fapi/v1/algoOrder', times: 1000 })
    const engine = live(exchange, [buyAt({ at: 0 }), fixedNotional({ notional: 1200 }), stopAt({ offset: -600 })])
    engine.bar()
    await until(() => engine.steps().includes('restored#1'), 'the close')
    expect(engine.steps()).toEqual(['stop#1', 'stop#2', 'stop#3', 'close#1', 'restored#1'])
    expect(venuePosition(emulator)).toBe(0)
    const close = engine.events.find((e) => e.type === 'fill' && e.fill.tag === 'protection-close')
    expect(close).toBeDefined()
    await engine.stop()
  })

  it('should close at once a position whose stop would trigger immediately (-2021)', async () => {
    const { emulator, exchange } = await venue()
    const engine = live(exchange, [buyAt({ at: 0 }), fixedNotional({ notional: 1200 }), stopAt({ offset: 500 })])
    engine.bar()
    await until(() => engine.steps().includes('restored#1'), 'the close')
    expect(engine.steps()).toEqual(['close#1', 'restored#1'])
    expect(engine.events.some((e) => e.type === 'order-rejected' && /immediately trigger/i.test(e.error.message))).toBe(
      true,
    )
    expect(venuePosition(emulator)).toBe(0)
    await engine.stop()
  })

  it('should trip the emergency stop when neither a stop nor the close goes through, and keep closing', async () => {
    const { emulator, exchange } = await venue()
    const ess = new EmergencyStop({ errorBurst: false }, { store: memoryEssStore(), env: {} })
    const plugins = [buyAt({ at: 0 }), fixedNotional({ notional: 1200 }), stopAt({ offset: -600 })]
    const engine = live(exchange, [...plugins, ...emergencyStopPlugins(ess)])
    emulator.faults.inject({ kind: 'http-503', method: 'POST', path: '/fapi/v1/algoOrder', times: 1000 })
    engine.bar()
    await until(() => venuePosition(emulator) > 0, 'the entry')
    emulator.faults.inject({ kind: 'http-503', method: 'POST', path: '/fapi/v1/order', times: 1000 })
    await until(() => ess.state === 'TRIPPED', 'the trip')
    expect(ess.status()).toMatchObject({ trigger: 'protection' })
    expect(engine.steps().slice(0, 5)).toEqual(['stop#1', 'stop#2', 'stop#3', 'close#1', 'halt#1'])
    emulator.faults.clear()
    await until(() => venuePosition(emulator) === 0, 'the close once the venue answers')
    await engine.stop()
  })
})

describe('a plugin stuck in an endless loop on a venue (emulator)', () => {
  it('should be interrupted and isolated by default, while the position keeps its stop and bars go on', async () => {
    const { emulator, exchange } = await venue()
    let calls = 0
    const endless = definePlugin({
      name: 'test:endless',
      kind: 'agent',
      options: z.strictObject({}),
      create: () => ({
        onBar: (bar: MarketBar) => {
          calls++
          // eslint-disable-next-line no-empty
          if (bar.index === 1) for (;;) {}
          return undefined
        },
      }),
    })
    let seen = 0
    const witness = definePlugin({
      name: 'test:witness',
      kind: 'agent',
      options: z.strictObject({}),
      create: () => ({ onBar: () => void seen++ }),
    })
    const engine = live(
      exchange,
      [buyAt({ at: 0 }), endless(), witness(), fixedNotional({ notional: 1200 }), stopAt({ offset: -1000 })],
      300,
    )
    engine.bar()
    await until(() => venuePosition(emulator) > 0 && stopsOnVenue(emulator) === 1, 'the entry and its stop')
    engine.bar() // the agent loops: interrupted after 300 ms
    engine.bar()
    await until(() => engine.events.some((e) => e.type === 'plugin-isolated'), 'the isolation')
    expect(engine.events.find((e) => e.type === 'plugin-isolated')).toMatchObject({
      plugin: 'test:endless',
      reason: 'onBar interrupted after 600 ms (it did not return)',
    })
    // The cut bar's step stops where the loop was (the witness misses bar 1); bar 2 reaches it.
    await until(() => seen >= 2, 'the next bar reaching the other agents')
    expect(calls).toBe(2) // bar 0, bar 1 (interrupted); isolated afterwards
    expect(stopsOnVenue(emulator)).toBe(1)
    await engine.stop()
  })
})

describe('the emergency stop on a venue (emulator)', () => {
  it('should close first and keep the stop while the order endpoint is down, then cancel once flat', async () => {
    const { emulator, exchange } = await venue()
    const ess = new EmergencyStop({ errorBurst: false }, { store: memoryEssStore(), env: {} })
    const plugins = [buyAt({ at: 0 }), fixedNotional({ notional: 1200 }), stopAt({ offset: -600 })]
    const engine = live(exchange, [...plugins, ...emergencyStopPlugins(ess)])
    engine.bar()
    await until(() => venuePosition(emulator) > 0 && stopsOnVenue(emulator) === 1, 'the entry and its stop')
    emulator.faults.inject({ kind: 'http-503', method: 'POST', path: '/fapi/v1/order', times: 1000 })
    ess.trip('operator pressed the button')
    for (let i = 0; i < 3; i++) {
      engine.bar()
      await sleep(150)
      expect(stopsOnVenue(emulator)).toBe(1) // the close failed: the stop is still there
    }
    expect(venuePosition(emulator)).toBeGreaterThan(0)
    expect(engine.events.some((e) => e.type === 'order-rejected' && e.request.tag === 'ess-flatten')).toBe(true)
    emulator.faults.clear()
    engine.bar()
    await until(() => venuePosition(emulator) === 0, 'the close')
    engine.bar()
    await until(() => stopsOnVenue(emulator) === 0, 'the stop cancelled once flat')
    await engine.stop()
  })
})
