import { describe, expect, it } from 'vitest'
import { createPaperExchange } from '../exchange/paper-exchange.js'
import type { EngineEvent, QuantumPlugin, RiskVerdict } from '../types.js'
import { SimulatedClock } from './clock.js'
import { createEngineContext } from './engine-context.js'
import { createEventBus } from './event-bus.js'
import { silentLogger } from './logger.js'
import { sortPlugins } from './plugin-driver.js'
import { applyExitActions } from './submit.js'

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
  return { exchange, engine, events, stop }
}

describe('applyExitActions', () => {
  it('should replace a stop by placing the new one before cancelling the old one', () => {
    const { exchange, engine, stop } = setup()
    applyExitActions(engine, SYMBOL, {
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
    const { exchange, engine, events, stop } = setup()
    applyExitActions(engine, SYMBOL, {
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
    const { exchange, engine, events } = setup([deny])
    applyExitActions(engine, SYMBOL, {
      intents: [{ symbol: SYMBOL, side: 'BUY', type: 'MARKET', quantity: 0.5, tag: 'add' }],
    })
    expect(exchange.account.getOpenOrders(SYMBOL).filter((o) => o.tag === 'add')).toHaveLength(0)
    expect(events.some((e) => e.type === 'risk' && e.plugin === 'test:deny')).toBe(true)
  })

  it('should report a cancel of an unknown order as cancel-rejected, not throw', () => {
    const { engine, events } = setup()
    applyExitActions(engine, SYMBOL, { cancel: ['nope'] })
    expect(events.some((e) => e.type === 'cancel-rejected' && e.orderId === 'nope')).toBe(true)
  })
})
