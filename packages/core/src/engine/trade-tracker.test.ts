import { describe, expect, it } from 'vitest'
import type { Fill, Position } from '../schemas.js'
import { TradeTracker } from './trade-tracker.js'

let fillId = 0
function fill(side: 'BUY' | 'SELL', quantity: number, price: number, extra: Partial<Fill> = {}): Fill {
  fillId++
  return {
    id: String(fillId),
    orderId: String(fillId),
    clientOrderId: `paper-${fillId}`,
    symbol: 'BTCUSDT',
    side,
    price,
    quantity,
    fee: quantity * price * 0.001,
    liquidity: 'taker',
    realizedPnl: 0,
    time: fillId * 60_000,
    reduceOnly: false,
    ...extra,
  }
}

/** The position after a fill, as far as the tracker reads it. */
function position(signed: number): Position {
  return {
    symbol: 'BTCUSDT',
    side: signed > 0 ? 'LONG' : signed < 0 ? 'SHORT' : 'FLAT',
    quantity: Math.abs(signed),
    entryPrice: 0,
    leverage: 1,
    margin: 0,
    markPrice: 0,
    unrealizedPnl: 0,
    liquidationPrice: 0,
    openedAt: 0,
  }
}

describe('TradeTracker', () => {
  it('closes a trade when the position returns to flat, with funding and both fees', () => {
    const t = new TradeTracker()
    t.onFill(fill('BUY', 2, 100, { decisionPrice: 99 }), position(2))
    t.onFunding({ symbol: 'BTCUSDT', time: 1, rate: 0.0001, markPrice: 100, positionQuantity: 2, payment: -0.5 })
    expect(t.tradeCount).toBe(0)
    t.onFill(fill('SELL', 2, 110, { realizedPnl: 20, tag: 'take-profit' }), position(0))
    expect(t.tradeCount).toBe(1)
    expect(t.tradeAt(0)).toEqual({
      id: 1,
      symbol: 'BTCUSDT',
      side: 'LONG',
      entryTime: expect.any(Number),
      exitTime: expect.any(Number),
      entryPrice: 100,
      exitPrice: 110,
      quantity: 2,
      grossPnl: 20,
      fees: 0.2 + 0.22,
      funding: -0.5,
      netPnl: 20 - 0.42 - 0.5,
      exitReason: 'take-profit',
      entrySlippageBps: expect.closeTo(((100 - 99) / 99) * 1e4, 9),
    })
  })

  it('splits a flipping fill: it closes one trade and opens the next with the rest of its fee', () => {
    const t = new TradeTracker()
    t.onFill(fill('SELL', 1, 100), position(-1))
    t.onFill(fill('BUY', 3, 90, { realizedPnl: 10, tag: 'reverse' }), position(2))
    t.onFill(fill('SELL', 2, 95, { realizedPnl: 10, liquidation: true }), position(0))
    const [first, second] = t.trades
    expect(first).toMatchObject({ id: 1, side: 'SHORT', quantity: 1, exitReason: 'reverse' })
    expect(first!.fees).toBeCloseTo(0.1 + 0.27 / 3, 12)
    expect(second).toMatchObject({ id: 2, side: 'LONG', quantity: 2, entryPrice: 90, exitReason: 'liquidation' })
    expect(second!.fees).toBeCloseTo((0.27 * 2) / 3 + 0.19, 12)
    expect('entrySlippageBps' in second!).toBe(false)
  })

  it('builds each trade once: the array read before grows in place, and tradeAt returns the same object', () => {
    const t = new TradeTracker()
    t.onFill(fill('BUY', 1, 100), position(1))
    t.onFill(fill('SELL', 1, 101), position(0))
    const trades = t.trades
    expect(trades).toHaveLength(1)
    t.onFill(fill('BUY', 1, 100), position(1))
    t.onFill(fill('SELL', 1, 99), position(0))
    expect(t.trades).toBe(trades)
    expect(trades.map((x) => x.id)).toEqual([1, 2])
    expect(t.tradeAt(1)).toBe(trades[1])
    expect(() => t.tradeAt(2)).toThrow(RangeError)
  })

  it("keeps each symbol's trade apart, and a trade reopened after a close starts from nothing", () => {
    const t = new TradeTracker()
    const eth = (signed: number): Position => ({ ...position(signed), symbol: 'ETHUSDT' })
    t.onFill(fill('BUY', 1, 100), position(1))
    t.onFunding({ symbol: 'BTCUSDT', time: 0, rate: 0.0001, markPrice: 100, positionQuantity: 1, payment: -0.5 })
    t.onFill(fill('SELL', 2, 10, { symbol: 'ETHUSDT' }), eth(-2))
    expect([t.openCount, t.isOpen('BTCUSDT'), t.isOpen('ETHUSDT'), t.isOpen('SOLUSDT')]).toEqual([2, true, true, false])
    t.onFill(fill('SELL', 1, 110), position(0))
    expect([t.openCount, t.isOpen('BTCUSDT')]).toEqual([1, false])
    // Funding while flat belongs to no trade.
    t.onFunding({ symbol: 'BTCUSDT', time: 0, rate: 0.0001, markPrice: 100, positionQuantity: 0, payment: -9 })
    t.onFill(fill('BUY', 3, 120), position(3))
    t.onFill(fill('SELL', 3, 121), position(0))
    t.onFill(fill('BUY', 2, 9, { symbol: 'ETHUSDT' }), eth(0))
    expect(t.openCount).toBe(0)
    const [first, second, eth1] = t.trades
    expect(first).toMatchObject({ symbol: 'BTCUSDT', side: 'LONG', entryPrice: 100, exitPrice: 110, funding: -0.5 })
    expect(second).toMatchObject({ symbol: 'BTCUSDT', side: 'LONG', entryPrice: 120, quantity: 3, funding: 0 })
    expect(second!.fees).toBeCloseTo(3 * 120 * 0.001 + 3 * 121 * 0.001, 12)
    expect(eth1).toMatchObject({ symbol: 'ETHUSDT', side: 'SHORT', entryPrice: 10, exitPrice: 9, quantity: 2 })
  })
})
