import {
  ConfigError,
  InvalidOrder,
  createEventBus,
  createPaperExchange,
  definePlugin,
  fixedNotional,
  runEngine,
  silentLogger,
  SimulatedClock,
} from '@quantum/core'
import type {
  CandleSeries,
  EngineEvent,
  Order,
  PaperExchange,
  PluginContext,
  QuantumPlugin,
  SimulatedExchange,
} from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { exitBrain } from './exit-brain.js'
import type { ExitBrainOptions } from './exit-brain.js'

const SYMBOL = 'TESTUSDT'
type Bar = readonly [open: number, high: number, low: number, close: number]
const flat = (n: number, price = 100): Bar[] =>
  Array.from({ length: n }, () => [price, price + 0.05, price - 0.05, price])

function toSeries(bars: readonly Bar[]): CandleSeries {
  const col = (k: number): Float64Array => Float64Array.from(bars, (b) => b[k] ?? 0)
  return {
    symbol: SYMBOL,
    timeframe: '1h',
    openTime: Float64Array.from(bars, (_, i) => i * 3_600_000),
    open: col(0),
    high: col(1),
    low: col(2),
    close: col(3),
    volume: Float64Array.from(bars, () => 1),
  }
}

/** Signals BUY once at bar `at` (the entry fills at the next bar's open). */
const buyOnce = definePlugin({
  name: 'test:buy-once',
  kind: 'agent',
  options: z.strictObject({ at: z.number().int() }),
  create: ({ at }) => ({
    onBar: (bar) =>
      bar.index === at
        ? { agent: 'test:buy-once', symbol: bar.symbol, time: bar.openTime, action: 'BUY' as const, confidence: 1 }
        : undefined,
  }),
})

/** Wraps the paper exchange so that every stop after the first is refused (a venue rejection). */
function refusingLaterStops(inner: PaperExchange): SimulatedExchange {
  let stops = 0
  return {
    id: inner.id,
    account: inner.account,
    events$: inner.events$,
    instrument: (s) => inner.instrument(s),
    placeOrder: (r) => inner.placeOrder(r),
    cancelOrder: (s, id) => inner.cancelOrder(s, id),
    cancelAllOrders: (s) => inner.cancelAllOrders(s),
    setLeverage: (s, l) => inner.setLeverage(s, l),
    onBar: (s, b) => inner.onBar(s, b),
    placeOrderSync: (r) => {
      if (r.tag === 'stop' && ++stops > 1) throw new InvalidOrder('test venue: stop refused', r.symbol, 'triggerPrice')
      return inner.placeOrderSync(r)
    },
    cancelOrderSync: (s, id) => inner.cancelOrderSync(s, id),
    cancelAllOrdersSync: (s) => inner.cancelAllOrdersSync(s),
    setLeverageSync: (s, l) => inner.setLeverageSync(s, l),
  }
}

interface RunInput {
  readonly bars: readonly Bar[]
  readonly options?: ExitBrainOptions
  readonly notional?: number
  readonly wrap?: (exchange: PaperExchange) => SimulatedExchange
}

async function run(input: RunInput) {
  const paper = createPaperExchange({
    balance: 10_000,
    instruments: { [SYMBOL]: { tickSize: 0.01, stepSize: 0.001, minNotional: 5 } },
  })
  const exchange = input.wrap === undefined ? paper : input.wrap(paper)
  const events: EngineEvent[] = []
  const plugins: QuantumPlugin[] = [
    buyOnce({ at: 19 }),
    fixedNotional({ notional: input.notional ?? 1000 }),
    exitBrain({ scaling: { enabled: false }, extension: { enabled: false }, ...input.options }),
  ]
  const output = await runEngine({ series: [toSeries(input.bars)], exchange, plugins, onEvent: (e) => events.push(e) })
  const placed = new Map<string, Order>() // first NEW update of each order (later ones are size cuts)
  for (const e of events)
    if (e.type === 'order' && e.order.status === 'NEW' && !placed.has(e.order.id)) placed.set(e.order.id, e.order)
  return { output, events, paper, placed: [...placed.values()] }
}

const planOf = (orders: readonly Order[]) =>
  orders.filter((o) => o.tag !== 'stop').map((o) => [o.tag, o.quantity, o.triggerPrice ?? o.price])

describe('exitBrain plugin', () => {
  it.each([
    [
      'conservative',
      [
        ['tp1', 3, 100.5],
        ['tp2', 3, 101],
        ['tp3', 2.5, 101.5],
        ['tp4', 1.5, 102.5],
      ],
      99,
    ],
    [
      'balanced',
      [
        ['tp1', 2.5, 100.8],
        ['tp2', 3, 101.5],
        ['tp3', 3, 102.5],
        ['tp4', 1.5, 104],
      ],
      98.5,
    ],
    [
      'aggressive',
      [
        ['tp1', 2, 101],
        ['tp2', 2.5, 102],
        ['tp3', 3, 103.5],
        ['tp4', 2.5, 106],
      ],
      98,
    ],
  ] as const)('should place the %s plan on the entry fill', async (profile, legs, stop) => {
    const { paper } = await run({ bars: flat(30), options: { profile } })
    const open = paper.account.getOpenOrders(SYMBOL)
    expect(planOf(open)).toEqual(legs)
    expect(open.filter((o) => o.tag === 'stop').map((o) => [o.quantity, o.triggerPrice])).toEqual([[10, stop]])
    expect(open.every((o) => o.reduceOnly)).toBe(true)
    // Take-profit legs rest as GTC limit orders (maker fee) by default.
    expect(open.filter((o) => o.tag !== 'stop').every((o) => o.type === 'LIMIT' && o.timeInForce === 'GTC')).toBe(true)
  })

  it('should place TAKE_PROFIT_MARKET legs with targets: market, and pay the maker fee on limit legs', async () => {
    const market = await run({ bars: flat(30), options: { profile: 'balanced', targets: 'market' } })
    const open = market.paper.account.getOpenOrders(SYMBOL).filter((o) => o.tag !== 'stop')
    expect(open.map((o) => [o.type, o.triggerPrice, o.price])).toEqual([
      ['TAKE_PROFIT_MARKET', 100.8, undefined],
      ['TAKE_PROFIT_MARKET', 101.5, undefined],
      ['TAKE_PROFIT_MARKET', 102.5, undefined],
      ['TAKE_PROFIT_MARKET', 104, undefined],
    ])
    const bars = [...flat(21), [100, 100.9, 99.9, 100.85] as Bar, ...flat(3, 100.85)]
    const limit = await run({ bars, options: { profile: 'balanced' } })
    const tp1 = limit.output.fills.find((f) => f.tag === 'tp1')
    expect(tp1?.price).toBe(100.8)
    expect(tp1?.fee).toBeCloseTo(2.5 * 100.8 * 0.0002, 12) // maker 0.02 %
  })

  it("should scale distances by the ATR% relative to the symbol's own mean ATR%", async () => {
    const scaling = { enabled: true, reference: 'relative', lookback: 720, min: 0.5, max: 2 } as const
    // Constant volatility: ATR% equals its mean, the profile's distances apply unchanged.
    const calm = await run({ bars: flat(30), options: { profile: 'balanced', scaling } })
    expect(planOf(calm.paper.account.getOpenOrders(SYMBOL)).map((l) => l[2])).toEqual([100.8, 101.5, 102.5, 104])
    // Volatility rising above its mean before the entry: every distance widens, by at most `max`.
    const wild: Bar[] = Array.from({ length: 6 }, () => [100, 100.6, 99.4, 100] as Bar)
    const hot = await run({ bars: [...flat(14), ...wild, ...flat(10)], options: { profile: 'balanced', scaling } })
    const legs = planOf(hot.paper.account.getOpenOrders(SYMBOL)).map((l) => Number(l[2]) - 100)
    const base = [0.8, 1.5, 2.5, 4]
    legs.forEach((d, i) => {
      expect(d).toBeGreaterThan((base[i] ?? 0) * 1.2)
      expect(d).toBeLessThanOrEqual((base[i] ?? 0) * 2 + 0.01)
    })
  })

  it('should move the adaptive profile with the market regime when a regime source is given', async () => {
    const legsWith = async (regime: string | undefined, shift?: { with: number }) => {
      const options: ExitBrainOptions = { profile: 'adaptive', regimes: { get: () => regime }, regime: shift ?? {} }
      const { paper } = await run({ bars: flat(30), options })
      return planOf(paper.account.getOpenOrders(SYMBOL)).map((l) => l[2])
    }
    const conservative = [100.5, 101, 101.5, 102.5]
    // A fresh selector picks conservative; a trend in the long's direction adds one level.
    expect(await legsWith(undefined)).toEqual(conservative)
    expect(await legsWith('trend-up')).toEqual([100.8, 101.5, 102.5, 104])
    expect(await legsWith('trend-up', { with: 2 })).toEqual([101, 102, 103.5, 106])
    // Against the position, or in a range, it steps down (and cannot go below conservative).
    expect(await legsWith('trend-down')).toEqual(conservative)
    expect(await legsWith('range')).toEqual(conservative)
    expect(await legsWith('high-volatility')).toEqual(conservative)
  })

  it('should leave a fixed profile alone whatever the regime', async () => {
    const options: ExitBrainOptions = { profile: 'aggressive', regimes: { get: () => 'range' } }
    const { paper } = await run({ bars: flat(30), options })
    expect(planOf(paper.account.getOpenOrders(SYMBOL)).map((l) => l[2])).toEqual([101, 102, 103.5, 106])
  })

  it('should round legs down to the step, put the remainder on the runner and merge a small runner', async () => {
    // 20.7 USDT at 100 -> 0.207; 62/62/51 steps, runner 32 steps = 3.28 USDT < 5 -> merged into tp3.
    const { paper } = await run({ bars: flat(30), notional: 20.7, options: { profile: 'conservative' } })
    expect(planOf(paper.account.getOpenOrders(SYMBOL))).toEqual([
      ['tp1', 0.062, 100.5],
      ['tp2', 0.062, 101],
      ['tp3', 0.083, 101.5],
    ])
  })

  it('should fill the stop, not the target, when one bar reaches both (stop first)', async () => {
    const bars = [...flat(21), [100, 100.6, 98.9, 99.5] as Bar, ...flat(3, 99.5)]
    const { output, paper } = await run({ bars, options: { profile: 'conservative' } })
    expect(output.fills.map((f) => [f.tag, f.price])).toEqual([
      ['entry', 100],
      ['stop', 99],
    ])
    expect(paper.account.getOpenOrders(SYMBOL)).toEqual([])
  })

  it('should move the stop to break-even plus fees after TP1 (the remaining size nets >= 0)', async () => {
    const bars = [
      ...flat(21),
      [100, 100.6, 99.9, 100.3] as Bar,
      [100.3, 100.35, 100, 100.05] as Bar,
      ...flat(2, 100.05),
    ]
    const { output } = await run({ bars, options: { profile: 'conservative' } })
    const [entry, tp1, stop] = output.fills
    expect([entry?.tag, tp1?.tag, stop?.tag]).toEqual(['entry', 'tp1', 'stop'])
    expect(stop?.price).toBe(100.11) // 100·1.0005/0.9995 = 100.10005, padded half a tick, rounded half-up
    const net = (stop?.realizedPnl ?? 0) - (stop?.fee ?? 0) - (entry?.fee ?? 0) * (7 / 10)
    expect(net).toBeGreaterThanOrEqual(0)
    expect(net).toBeLessThan(7 * 0.011)
  })

  it('should trail after TP2 and only ever tighten the stop', async () => {
    const up: Bar[] = [100.9, 101.1, 101.3, 101.4].map((p) => [p - 0.1, p + 0.05, p - 0.15, p])
    const down: Bar[] = [101.3, 101.35, 101.2, 101.3].map((p) => [p, p + 0.05, p - 0.05, p])
    const bars = [...flat(21), [100, 101.05, 99.95, 100.8] as Bar, ...up, ...down, [101.3, 101.3, 100.5, 100.6] as Bar]
    const { output, placed } = await run({
      bars,
      options: { profile: 'conservative', trailing: { type: 'atr', atrMultiple: 2 } },
    })
    const stops = placed.filter((o) => o.tag === 'stop').map((o) => o.triggerPrice ?? 0)
    expect(stops.length).toBeGreaterThan(3)
    for (let i = 1; i < stops.length; i++) expect(stops[i]).toBeGreaterThan(stops[i - 1] ?? 0)
    expect(stops.at(-1)).toBeGreaterThan(100.11)
    expect(output.fills.at(-1)?.tag).toBe('stop')
  })

  it('should leave the old stop working and raise an event when the venue refuses its replacement', async () => {
    const bars = [...flat(21), [100, 100.6, 99.9, 100.3] as Bar, [100.3, 100.35, 98.9, 99] as Bar, ...flat(2, 99)]
    const { events, output } = await run({ bars, options: { profile: 'conservative' }, wrap: refusingLaterStops })
    const rejected = events.filter((e) => e.type === 'order-rejected')
    // Refused after TP1 (onFill) and retried at the bar's close (onBar): each refusal is an event.
    expect(rejected.length).toBeGreaterThanOrEqual(1)
    for (const e of rejected) {
      expect(e.type === 'order-rejected' && [e.request.tag, e.error instanceof InvalidOrder]).toEqual(['stop', true])
    }
    expect(output.fills.map((f) => [f.tag, f.price])).toEqual([
      ['entry', 100],
      ['tp1', 100.5],
      ['stop', 99],
    ])
  })

  it('should report a plan for an unknown symbol as a typed plugin-error event, not a throw', () => {
    const exchange = createPaperExchange({ balance: 1000 })
    const bus = createEventBus()
    const seen: EngineEvent[] = []
    bus.events$.subscribe((e) => seen.push(e))
    const ctx: PluginContext = {
      mode: 'backtest',
      clock: new SimulatedClock(0),
      logger: silentLogger,
      exchange,
      account: exchange.account,
      bus,
    }
    const plugin = exitBrain()
    const position = {
      symbol: 'NOPEUSDT',
      side: 'LONG' as const,
      quantity: 1,
      entryPrice: 10,
      leverage: 1,
      margin: 10,
      markPrice: 10,
      unrealizedPnl: 0,
      liquidationPrice: 0,
      openedAt: 0,
    }
    const fill = {
      id: 'f',
      orderId: 'o',
      clientOrderId: 'c',
      symbol: 'NOPEUSDT',
      side: 'BUY' as const,
      price: 10,
      quantity: 1,
      fee: 0,
      liquidity: 'taker' as const,
      realizedPnl: 0,
      time: 0,
      reduceOnly: false,
    }
    expect(plugin.onFill?.(fill, position, ctx)).toBeUndefined()
    const error = seen.find((e) => e.type === 'plugin-error')
    expect(error?.type === 'plugin-error' && error.error).toBeInstanceOf(InvalidOrder)
    expect(() => exitBrain({ symbols: { NOPEUSDT: 'balanced' } }).setup?.(ctx)).toThrow(ConfigError)
    expect(() => exitBrain({ symbols: { NOPEUSDT: 'balanced' } }).setup?.(ctx)).toThrow(/symbols\.NOPEUSDT/)
  })

  it('should refuse a bad exit config at config load with a ConfigError naming the field', () => {
    const bad = (profile: unknown) => () => exitBrain({ profile: profile as ExitBrainOptions['profile'] })
    expect(bad({ legs: [{ distancePct: 1, sizePct: 50 }], stopPct: 1 })).toThrow(ConfigError)
    expect(bad({ legs: [{ distancePct: 1, sizePct: 50 }], stopPct: 1 })).toThrow(/profile\.legs/)
    expect(bad({ legs: [{ distancePct: -1, sizePct: 100 }], stopPct: 1 })).toThrow(/profile\.legs\.0\.distancePct/)
    expect(() => exitBrain({ feeRate: -1 })).toThrow(/feeRate/)
    expect(() => exitBrain({ regimes: 'trend' as unknown as ExitBrainOptions['regimes'] })).toThrow(/regimes/)
    expect(() => exitBrain({ regime: { with: 3 } })).toThrow(/regime\.with/)
    expect(() => exitBrain({ targets: 'stop' as 'limit' })).toThrow(/targets/)
    expect(() => exitBrain({ scaling: { reference: 'median' as 'relative' } })).toThrow(/scaling\.reference/)
  })
})
