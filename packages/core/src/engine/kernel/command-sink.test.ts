import { describe, expect, it } from 'vitest'
import { createPaperExchange } from '../../exchange/paper-exchange.js'
import { InvalidOrder, StaleOrderError } from '../../errors.js'
import type { OrderRequest } from '../../schemas.js'
import type { EngineEvent, ExchangePort, QuantumPlugin, RiskVerdict } from '../../types.js'
import { SimulatedClock } from '../clock.js'
import { createEngineContext } from '../engine-context.js'
import { createEventBus } from '../event-bus.js'
import { silentLogger } from '../logger.js'
import { riskCheckOf } from '../operators/apply-risk.js'
import { sortPlugins } from '../plugin-driver.js'
import { directSink, queueSink } from './command-sink.js'

const SYMBOL = 'TESTUSDT'

function setup(risk: QuantumPlugin[] = []) {
  const exchange = createPaperExchange({
    balance: 10_000,
    instruments: { [SYMBOL]: { tickSize: 0.01, stepSize: 0.001 } },
  })
  const bus = createEventBus()
  const events: EngineEvent[] = []
  bus.events$.subscribe((e) => events.push(e))
  const engine = createEngineContext({
    mode: 'backtest',
    clock: new SimulatedClock(0),
    bus,
    exchange,
    plugins: sortPlugins(risk, 'backtest'),
    logger: silentLogger,
  })
  exchange.onBar(SYMBOL, { openTime: 0, open: 100, high: 101, low: 99, close: 100 })
  exchange.placeOrderSync({ symbol: SYMBOL, side: 'BUY', type: 'MARKET', quantity: 1 })
  exchange.onBar(SYMBOL, { openTime: 60_000, open: 100, high: 101, low: 99, close: 100 })
  const stop = exchange.placeOrderSync({
    symbol: SYMBOL,
    side: 'SELL',
    type: 'STOP_MARKET',
    quantity: 1,
    triggerPrice: 95,
    reduceOnly: true,
  })
  const sink = directSink(exchange, bus, riskCheckOf(engine))
  return { exchange, sink, events, stop }
}

describe('directSink (the paper exchange)', () => {
  it('should replace a stop by placing the new one before cancelling the old one', () => {
    const { exchange, sink, stop } = setup()
    sink.protect(SYMBOL, {
      replace: [
        {
          cancel: stop.id,
          with: { symbol: SYMBOL, side: 'SELL', type: 'STOP_MARKET', quantity: 1, triggerPrice: 99, reduceOnly: true },
        },
      ],
    })
    const open = exchange.account.getOpenOrders(SYMBOL)
    expect(open.map((o) => o.triggerPrice)).toEqual([99])
  })

  it('should leave the old stop working and raise an event when the venue refuses the new one', () => {
    const { exchange, sink, events, stop } = setup()
    sink.protect(SYMBOL, {
      replace: [
        {
          cancel: stop.id,
          with: { symbol: SYMBOL, side: 'SELL', type: 'STOP_MARKET', quantity: 1, triggerPrice: -1, reduceOnly: true },
        },
      ],
    })
    expect(exchange.account.getOpenOrders(SYMBOL).map((o) => o.id)).toEqual([stop.id])
    expect(events.filter((e) => e.type === 'order-rejected')).toHaveLength(1)
  })

  it('should send exit intents through the risk guards (a deny sends nothing)', () => {
    const deny: QuantumPlugin = {
      name: 'test:deny',
      kind: 'risk',
      check: (): RiskVerdict => ({ action: 'deny', reason: 'no adds' }),
    }
    const { exchange, sink, events } = setup([deny])
    sink.protect(SYMBOL, {
      intents: [{ symbol: SYMBOL, side: 'BUY', type: 'MARKET', quantity: 0.5, tag: 'add' }],
    })
    expect(exchange.account.getOpenOrders(SYMBOL).filter((o) => o.tag === 'add')).toHaveLength(0)
    expect(events.some((e) => e.type === 'risk' && e.plugin === 'test:deny')).toBe(true)
  })

  it('should report a cancel of an unknown order as cancel-rejected, not throw', () => {
    const { sink, events } = setup()
    sink.protect(SYMBOL, { cancel: ['nope'] })
    expect(events.some((e) => e.type === 'cancel-rejected' && e.orderId === 'nope')).toBe(true)
  })
})

function venueSetup(refuse: (r: OrderRequest) => boolean = () => false) {
  const paper = createPaperExchange({
    balance: 10_000,
    instruments: { [SYMBOL]: { tickSize: 0.01, stepSize: 0.001, minNotional: 0 } },
  })
  paper.onBar(SYMBOL, { openTime: 0, open: 100, high: 100, low: 100, close: 100 })
  paper.placeOrderSync({ symbol: SYMBOL, side: 'BUY', type: 'MARKET', quantity: 1 })
  paper.onBar(SYMBOL, { openTime: 1, open: 100, high: 100, low: 100, close: 100 })
  const calls: string[] = []
  const exchange: ExchangePort = {
    id: 'slow',
    account: paper.account,
    events$: paper.events$,
    instrument: (s) => paper.instrument(s),
    placeOrder: async (r) => {
      calls.push(`place ${r.tag ?? ''}`)
      await new Promise((resolve) => setTimeout(resolve, 2))
      if (refuse(r)) throw new InvalidOrder('venue says no', r.symbol)
      return paper.placeOrder(r)
    },
    cancelOrder: async (s, id) => {
      calls.push(`cancel ${id}`)
      return paper.cancelOrder(s, id)
    },
    cancelAllOrders: (s) => paper.cancelAllOrders(s),
    setLeverage: (s, l) => paper.setLeverage(s, l),
  }
  const bus = createEventBus()
  const events: EngineEvent[] = []
  bus.events$.subscribe((e) => events.push(e))
  const stop = paper.placeOrderSync({
    symbol: SYMBOL,
    side: 'SELL',
    type: 'STOP_MARKET',
    quantity: 1,
    triggerPrice: 95,
    reduceOnly: true,
    tag: 'stop',
  })
  const sink = queueSink(exchange, bus, { checkRisk: (i) => i, onError: (e) => events.push(e as EngineEvent) })
  return { paper, events, calls, stop, sink }
}

const newStop = {
  symbol: SYMBOL,
  side: 'SELL',
  type: 'STOP_MARKET',
  quantity: 1,
  triggerPrice: 98,
  reduceOnly: true,
  tag: 'stop',
} as const

describe('queueSink (a venue)', () => {
  it('should place the new stop and wait for it before cancelling the old one', async () => {
    const { paper, sink, calls, stop } = venueSetup()
    sink.protect(SYMBOL, { replace: [{ cancel: stop.id, with: newStop }] })
    expect(sink.pending).toBe(1)
    await sink.drain()
    expect(calls).toEqual(['place stop', `cancel ${stop.id}`])
    expect(paper.account.getOpenOrders(SYMBOL).map((o) => o.triggerPrice)).toEqual([98])
  })

  it('should keep the old stop when the venue refuses the new one, and say so', async () => {
    const { paper, sink, calls, stop, events } = venueSetup(() => true)
    sink.protect(SYMBOL, { replace: [{ cancel: stop.id, with: newStop }] })
    expect(sink.pending).toBe(1)
    await sink.drain()
    expect(calls).toEqual(['place stop'])
    expect(paper.account.getOpenOrders(SYMBOL).map((o) => o.id)).toEqual([stop.id])
    expect(events.map((e) => e.type)).toEqual(['order-rejected'])
  })
})

describe('queueSink entry age limit', () => {
  it('should drop an entry that waited past its age behind a stuck request, and still send the stop', async () => {
    const paper = createPaperExchange({
      balance: 10_000,
      instruments: { [SYMBOL]: { tickSize: 0.01, stepSize: 0.001, minNotional: 0 } },
    })
    paper.onBar(SYMBOL, { openTime: 0, open: 100, high: 100, low: 100, close: 100 })
    let clock = 0
    let release: () => void = () => {}
    const sent: string[] = []
    const exchange: ExchangePort = {
      id: 'stuck',
      account: paper.account,
      events$: paper.events$,
      instrument: (s) => paper.instrument(s),
      placeOrder: async (r) => {
        sent.push(r.tag ?? '')
        // The first request hangs until released: everything queued behind it waits.
        if (r.tag === 'first') await new Promise<void>((resolve) => (release = resolve))
        return paper.placeOrder(r)
      },
      cancelOrder: (s, id) => paper.cancelOrder(s, id),
      cancelAllOrders: (s) => paper.cancelAllOrders(s),
      setLeverage: (s, l) => paper.setLeverage(s, l),
    }
    const bus = createEventBus()
    const events: EngineEvent[] = []
    bus.events$.subscribe((e) => events.push(e))
    const sink = queueSink(exchange, bus, {
      checkRisk: (i) => i,
      onError: (e) => events.push(e as EngineEvent),
      maxEntryAgeMs: 10_000,
      now: () => clock,
    })
    const entry = (tag: string) => ({ symbol: SYMBOL, side: 'BUY', type: 'MARKET', quantity: 0.1, tag }) as const
    sink.enter(entry('first'))
    sink.enter(entry('fresh-then-stale'))
    await new Promise((resolve) => setTimeout(resolve, 1))
    clock = 10_001
    sink.protect(SYMBOL, { place: [{ ...newStop, quantity: 0.1, tag: 'stop' }] })
    release()
    await sink.drain()
    expect(sent).toEqual(['first', 'stop'])
    const rejected = events.filter((e) => e.type === 'order-rejected')
    expect(rejected).toHaveLength(1)
    const error = rejected[0]!.type === 'order-rejected' ? rejected[0]!.error : undefined
    expect(error).toBeInstanceOf(StaleOrderError)
    expect(error?.message).toMatch(/TESTUSDT dropped unsent: it waited 10001 ms in the queue \(limit 10000 ms\)/)
  })

  it('should send an entry that waited within its age', async () => {
    const { sink, calls } = venueSetup()
    sink.enter({ symbol: SYMBOL, side: 'BUY', type: 'MARKET', quantity: 0.1, tag: 'entry' })
    await sink.drain()
    expect(calls).toEqual(['place entry'])
  })
})
