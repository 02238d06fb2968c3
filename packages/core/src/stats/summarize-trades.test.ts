import { describe, expect, it } from 'vitest'
import { expectancy, exposure, profitFactor, summarizeTrades, winRate } from './summarize-trades.js'

const pnls = [10, -5, 0, 3, -2.5]

describe('winRate', () => {
  it('should count zero-PnL trades as non-wins in the denominator', () => {
    expect(winRate(pnls)).toBe(2 / 5)
    expect(winRate([0, 0])).toBe(0)
    expect(winRate([])).toBeNaN()
  })
})

describe('profitFactor', () => {
  it('should divide gross profit by gross loss, ignoring zero-PnL trades', () => {
    expect(profitFactor(pnls)).toBeCloseTo(13 / 7.5, 15)
  })

  it('should be Infinity without losses, 0 without wins, NaN without either', () => {
    expect(profitFactor([1, 0, 2])).toBe(Infinity)
    expect(profitFactor([-1, -2])).toBe(0)
    expect(profitFactor([0, 0])).toBeNaN()
    expect(profitFactor([])).toBeNaN()
  })
})

describe('expectancy', () => {
  it('should be the mean PnL per trade', () => {
    expect(expectancy(pnls)).toBeCloseTo(5.5 / 5, 15)
    expect(expectancy([])).toBeNaN()
  })
})

describe('exposure', () => {
  it('should be the fraction of bars with an open position', () => {
    expect(exposure([0, 1, 1, -2, 0])).toBe(0.6)
    expect(exposure([false, true, true, false])).toBe(0.5)
    expect(exposure([NaN, 0.5])).toBe(0.5)
    expect(exposure([])).toBeNaN()
  })
})

describe('summarizeTrades', () => {
  it('should report every trade statistic in one object', () => {
    expect(summarizeTrades(pnls)).toEqual({
      trades: 5,
      wins: 2,
      losses: 2,
      breakeven: 1,
      winRate: 0.4,
      profitFactor: 13 / 7.5,
      expectancy: 1.1,
      netProfit: 5.5,
      grossProfit: 13,
      grossLoss: 7.5,
      averageWin: 6.5,
      averageLoss: 3.75,
      payoffRatio: 6.5 / 3.75,
      largestWin: 10,
      largestLoss: -5,
    })
  })

  it('should return NaN statistics without trades', () => {
    const s = summarizeTrades([])
    expect(s.trades).toBe(0)
    expect([s.winRate, s.profitFactor, s.expectancy, s.averageWin, s.largestWin].every(Number.isNaN)).toBe(true)
  })
})
