import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import { annualReturn } from './annual-return.js'
import { computeMetrics } from './compute-metrics.js'
import { returnsFromEquity } from './returns-from-equity.js'
import { sharpeRatio } from './sharpe-ratio.js'

const HOUR = 3_600_000
const equity = [101, 99, 103, 102, 104, 100, 106]
const timestamps = equity.map((_, i) => 1_700_000_000_000 + i * HOUR)

describe('returnsFromEquity', () => {
  it('should start from the initial equity when given', () => {
    const r = returnsFromEquity([110, 99], 100)
    expect(r[0]).toBeCloseTo(0.1, 15)
    expect(r[1]).toBeCloseTo(-0.1, 15)
    expect(Array.from(returnsFromEquity([100, 110]))).toEqual([0.10000000000000009])
  })
})

describe('computeMetrics', () => {
  it('should infer periods per year from hourly timestamps and combine every statistic', () => {
    const m = computeMetrics({
      equity,
      timestamps,
      tradePnls: [3, -2, 0, 5],
      positions: [0, 1, 1, 0, -1, -1, 0],
      initialEquity: 100,
    })
    const returns = returnsFromEquity(equity, 100)
    expect(m.periodsPerYear).toBe(8760)
    expect(m.bars).toBe(7)
    expect([m.startTime, m.endTime]).toEqual([timestamps[0], timestamps[6]])
    expect(m.totalReturn).toBeCloseTo(0.06, 12)
    expect(m.annualReturn).toBeCloseTo(annualReturn(returns, { annualization: 8760 }), 12)
    expect(m.sharpeRatio).toBeCloseTo(sharpeRatio(returns, { annualization: 8760 }), 12)
    expect(m.maxDrawdownAbs).toBe(4)
    expect(m.maxDrawdownPct).toBeCloseTo(4 / 104, 15)
    expect(m.maxDrawdown).toBeCloseTo(-4 / 104, 12)
    expect([m.drawdownPeakIndex, m.drawdownTroughIndex]).toEqual([4, 5])
    expect(m.exposure).toBeCloseTo(4 / 7, 15)
    expect(m.winRate).toBe(0.5)
    expect(m.profitFactor).toBe(4)
    expect(m.finalEquity).toBe(106)
  })

  it('should use an explicit periodsPerYear without timestamps', () => {
    const m = computeMetrics({ equity, periodsPerYear: 252 })
    expect(m.periodsPerYear).toBe(252)
    expect(m.startTime).toBeNaN()
    expect(m.exposure).toBeNaN()
    expect(m.trades).toBe(0)
  })

  it('should reject inconsistent input with a ConfigError listing every issue', () => {
    expect(() => computeMetrics({ equity })).toThrow(/periodsPerYear/)
    expect(() => computeMetrics({ equity, timestamps: [1, 2], positions: [1] })).toThrow(ConfigError)
    expect(() => computeMetrics({ equity: [], periodsPerYear: 1 })).toThrow(/equity/)
  })
})
