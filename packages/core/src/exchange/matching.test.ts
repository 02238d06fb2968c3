import { describe, expect, it } from 'vitest'
import type { Fill } from '../schemas.js'
import type { ExchangeEvent } from '../types.js'
import type { PaperExchangeOptions } from './options.js'
import { createPaperExchange, type PaperExchange } from './paper-exchange.js'

const T0 = 1_700_000_000_000
const HOUR = 3_600_000
const bar = (i: number, [open, high, low, close]: [number, number, number, number]) => ({
  openTime: T0 + i * HOUR,
  open,
  high,
  low,
  close,
})

/**
 * The reference strategy's wiring: an exit policy places a reduce-only stop S and take-profit T from
 * inside the entry's fill event (which arrives during the open phase of the entry bar).
 */
function bracketed(exits: { stop: number; target: number }, options: PaperExchangeOptions = {}) {
  const ex = createPaperExchange({ balance: 100_000, instruments: { TESTUSDT: {} }, ...options })
  const events: ExchangeEvent[] = []
  ex.events$.subscribe((e) => {
    events.push(e)
    if (e.type !== 'fill' || e.fill.tag !== 'entry') return
    const side = e.fill.side === 'BUY' ? 'SELL' : 'BUY'
    const common = { symbol: 'TESTUSDT', side, quantity: e.fill.quantity, reduceOnly: true } as const
    ex.placeOrderSync({ ...common, type: 'STOP_MARKET', triggerPrice: exits.stop, tag: 'stop' })
    ex.placeOrderSync({ ...common, type: 'TAKE_PROFIT_MARKET', triggerPrice: exits.target, tag: 'tp' })
  })
  const fills = (): Fill[] => events.flatMap((x) => (x.type === 'fill' || x.type === 'liquidation' ? [x.fill] : []))
  return { ex, events, fills }
}

function enter(ex: PaperExchange, side: 'BUY' | 'SELL' = 'BUY'): void {
  ex.placeOrderSync({ symbol: 'TESTUSDT', side, type: 'MARKET', quantity: 1, tag: 'entry' })
}

describe('intrabar rules', () => {
  it('should check a stop placed at the entry fill against the entry bar itself', () => {
    const { ex, fills } = bracketed({ stop: 95, target: 110 })
    enter(ex)
    ex.onBar('TESTUSDT', bar(0, [100, 101, 94, 96]))
    expect(fills().map((f) => [f.tag, f.price])).toEqual([
      ['entry', 100],
      ['stop', 95],
    ])
    expect(ex.account.getPosition('TESTUSDT').side).toBe('FLAT')
  })

  it('should take the stop when stop and take-profit are both inside one bar', () => {
    const { ex, fills } = bracketed({ stop: 95, target: 110 })
    enter(ex)
    ex.onBar('TESTUSDT', bar(0, [100, 112, 94, 100]))
    expect(fills().map((f) => [f.tag, f.price])).toEqual([
      ['entry', 100],
      ['stop', 95],
    ])
    expect(ex.account.getOpenOrders()).toEqual([])
  })

  it('should exit at the open when the bar gaps beyond the stop', () => {
    const { ex, fills } = bracketed({ stop: 95, target: 110 })
    enter(ex)
    ex.onBar('TESTUSDT', bar(0, [100, 101, 99, 100]))
    ex.onBar('TESTUSDT', bar(1, [90, 92, 89, 91]))
    expect(fills()[1]).toMatchObject({ tag: 'stop', price: 90, realizedPnl: -10 })
  })

  it('should follow the reference order: stop at S even when the open is beyond T', () => {
    const { ex, fills } = bracketed({ stop: 95, target: 110 })
    enter(ex)
    ex.onBar('TESTUSDT', bar(0, [100, 101, 99, 100]))
    ex.onBar('TESTUSDT', bar(1, [111, 112, 94, 100]))
    expect(fills()[1]).toMatchObject({ tag: 'stop', price: 95 })
  })

  it('should exit at the open when it is beyond T and the stop is not reached, else at T', () => {
    const gap = bracketed({ stop: 95, target: 110 })
    enter(gap.ex)
    gap.ex.onBar('TESTUSDT', bar(0, [100, 101, 99, 100]))
    gap.ex.onBar('TESTUSDT', bar(1, [111, 112, 96, 100]))
    expect(gap.fills()[1]).toMatchObject({ tag: 'tp', price: 111 })
    const inside = bracketed({ stop: 95, target: 110 })
    enter(inside.ex)
    inside.ex.onBar('TESTUSDT', bar(0, [100, 110, 96, 100]))
    expect(inside.fills()[1]).toMatchObject({ tag: 'tp', price: 110, realizedPnl: 10 })
  })

  it('should mirror the rules for a short', () => {
    const { ex, fills } = bracketed({ stop: 105, target: 90 })
    enter(ex, 'SELL')
    ex.onBar('TESTUSDT', bar(0, [100, 106, 89, 100]))
    expect(fills()[1]).toMatchObject({ tag: 'stop', side: 'BUY', price: 105, realizedPnl: -5 })
    const tp = bracketed({ stop: 105, target: 90 })
    enter(tp.ex, 'SELL')
    tp.ex.onBar('TESTUSDT', bar(0, [100, 104, 89, 100]))
    expect(tp.fills()[1]).toMatchObject({ tag: 'tp', side: 'BUY', price: 90, realizedPnl: 10 })
  })

  it('should hold orders placed during the range phase until the next bar', () => {
    const { ex, fills } = bracketed({ stop: 95, target: 110 })
    ex.events$.subscribe((e) => {
      if (e.type === 'fill' && e.fill.tag === 'stop') {
        ex.placeOrderSync({ symbol: 'TESTUSDT', side: 'SELL', type: 'MARKET', quantity: 1, tag: 'reverse' })
      }
    })
    enter(ex)
    ex.onBar('TESTUSDT', bar(0, [100, 101, 94, 96]))
    expect(fills().map((f) => f.tag)).toEqual(['entry', 'stop'])
    ex.onBar('TESTUSDT', bar(1, [97, 98, 96, 97]))
    expect(fills()[2]).toMatchObject({ tag: 'reverse', price: 97 })
  })

  it('should deliver events in the order they happened, with the account already consistent', () => {
    const { ex, events } = bracketed({ stop: 95, target: 110 })
    let openAtStopFill = -1
    ex.events$.subscribe((e) => {
      if (e.type === 'fill' && e.fill.tag === 'stop') openAtStopFill = ex.account.getOpenOrders().length
    })
    enter(ex)
    ex.onBar('TESTUSDT', bar(0, [100, 101, 94, 96]))
    const trace = events.map((e) =>
      e.type === 'order'
        ? `order ${e.order.tag} ${e.order.status}`
        : `${e.type} ${e.type === 'funding' ? '' : e.fill.tag}`,
    )
    expect(trace).toEqual([
      'order entry NEW',
      'order entry FILLED',
      'fill entry',
      'order stop NEW',
      'order tp NEW',
      'order stop FILLED',
      'fill stop',
      'order tp EXPIRED',
    ])
    expect(openAtStopFill).toBe(0)
  })
})

describe('liquidation', () => {
  /** 10x long 0.1 BTC at 60000: margin 600, bracket 1 (mmr 0.4%, cum 0). */
  function leveragedLong(options: PaperExchangeOptions = {}) {
    const ex = createPaperExchange({ balance: 100_000, ...options })
    const events: ExchangeEvent[] = []
    ex.events$.subscribe((e) => events.push(e))
    ex.setLeverageSync('BTCUSDT', 10)
    ex.placeOrderSync({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.1 })
    ex.onBar('BTCUSDT', bar(0, [60000, 60000, 60000, 60000]))
    return { ex, events }
  }
  const LONG_LP = (0.1 * 60000 - 600) / (0.1 * (1 - 0.004))

  it('should report the isolated liquidation price of the formula', () => {
    const { ex } = leveragedLong()
    expect(ex.account.getPosition('BTCUSDT')).toMatchObject({ margin: 600, leverage: 10 })
    expect(ex.account.getPosition('BTCUSDT').liquidationPrice).toBeCloseTo(LONG_LP, 9)
  })

  it('should liquidate when the bar low touches the price, losing exactly the margin', () => {
    const { ex, events } = leveragedLong()
    const lp = ex.account.getPosition('BTCUSDT').liquidationPrice
    ex.onBar('BTCUSDT', bar(1, [60000, 60000, lp, 58000]))
    const liq = events.find((e) => e.type === 'liquidation')
    expect(liq).toMatchObject({
      fill: { price: lp, quantity: 0.1, side: 'SELL', liquidation: true },
      position: { side: 'FLAT' },
    })
    if (liq?.type !== 'liquidation') throw new Error('no liquidation')
    expect(liq.fill.fee).toBeCloseTo(0.1 * lp * 0.004, 9)
    expect(liq.fill.realizedPnl - liq.fill.fee).toBeCloseTo(-600, 9)
    expect(ex.account.getBalance().wallet).toBeCloseTo(100_000 - 3 - 600, 9)
    expect(ex.ledger().liquidationFees).toBeCloseTo(liq.fill.fee - 0.0005 * 0.1 * lp, 9)
  })

  it('should not liquidate when the low stays just above the price', () => {
    const { ex, events } = leveragedLong()
    const lp = ex.account.getPosition('BTCUSDT').liquidationPrice
    ex.onBar('BTCUSDT', bar(1, [60000, 60000, lp + 0.01, 58000]))
    expect(events.some((e) => e.type === 'liquidation')).toBe(false)
    expect(ex.account.getPosition('BTCUSDT').side).toBe('LONG')
  })

  it('should liquidate before a stop placed beyond the liquidation price, and the stop then expires', () => {
    const { ex, events } = leveragedLong()
    const stop = ex.placeOrderSync({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      quantity: 0.1,
      triggerPrice: 50000,
      reduceOnly: true,
    })
    ex.onBar('BTCUSDT', bar(1, [60000, 60000, 49000, 50000]))
    expect(events.filter((e) => e.type === 'liquidation')).toHaveLength(1)
    expect(events.filter((e) => e.type === 'fill')).toHaveLength(1)
    expect(events.at(-1)).toMatchObject({ type: 'order', order: { id: stop.id, status: 'EXPIRED' } })
  })

  it('should let a stop above the liquidation price close the position first', () => {
    const { ex, events } = leveragedLong()
    ex.placeOrderSync({
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      quantity: 0.1,
      triggerPrice: 55000,
      reduceOnly: true,
    })
    ex.onBar('BTCUSDT', bar(1, [60000, 60000, 49000, 50000]))
    expect(events.some((e) => e.type === 'liquidation')).toBe(false)
    expect(events.filter((e) => e.type === 'fill').at(-1)).toMatchObject({ fill: { price: 55000, realizedPnl: -500 } })
  })

  it('should liquidate a short on the high', () => {
    const ex = createPaperExchange({ balance: 100_000, leverage: 10 })
    ex.placeOrderSync({ symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: 0.1 })
    ex.onBar('BTCUSDT', bar(0, [60000, 60000, 60000, 60000]))
    const lp = ex.account.getPosition('BTCUSDT').liquidationPrice
    expect(lp).toBeCloseTo((600 + 6000) / (0.1 * 1.004), 9)
    ex.onBar('BTCUSDT', bar(1, [60000, lp - 0.01, 60000, 60000]))
    expect(ex.account.getPosition('BTCUSDT').side).toBe('SHORT')
    ex.onBar('BTCUSDT', bar(2, [60000, lp, 60000, 60000]))
    expect(ex.account.getPosition('BTCUSDT').side).toBe('FLAT')
    expect(ex.account.getBalance().wallet).toBeCloseTo(100_000 - 3 - 600, 9)
  })

  it('should check a supplied mark-price series instead of the trade bar', () => {
    const lowMark = { time: [T0 + HOUR], open: [60000], high: [60000], low: [54000], close: [59000] }
    const { ex, events } = leveragedLong({ markPrices: { BTCUSDT: lowMark } })
    ex.onBar('BTCUSDT', bar(1, [60000, 60000, 59000, 59500]))
    expect(events.some((e) => e.type === 'liquidation')).toBe(true)
  })
})
