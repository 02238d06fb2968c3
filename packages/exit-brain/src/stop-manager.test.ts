import { describe, expect, it } from 'vitest'
import { ExtremeWindow, breakEvenStop, extendRunner, tightenStop, trailingStop } from './stop-manager.js'

describe('breakEvenStop', () => {
  it.each(['LONG', 'SHORT'] as const)('should net zero after entry and exit fees (%s)', (side) => {
    const f = 0.0005
    const q = 3.7
    const s = breakEvenStop({ side, entry: 100, feeRate: f })
    const dir = side === 'LONG' ? 1 : -1
    const net = dir * q * (s - 100) - f * q * 100 - f * q * s
    expect(net).toBeCloseTo(0, 10)
    expect(dir * (s - 100)).toBeGreaterThan(0.09)
  })

  it('should pad half a tick towards profit', () => {
    expect(breakEvenStop({ side: 'LONG', entry: 100, tickSize: 0.01 })).toBeCloseTo(100.10505, 6)
    expect(breakEvenStop({ side: 'SHORT', entry: 100, tickSize: 0.01 })).toBeCloseTo(99.89505, 6)
  })
})

describe('trailing', () => {
  it('should compute the atr, percent and chandelier variants', () => {
    expect(trailingStop({ type: 'atr', side: 'LONG', best: 110, atr: 2, atrMultiple: 2 })).toBe(106)
    expect(trailingStop({ type: 'percent', side: 'SHORT', best: 90, percent: 1 })).toBeCloseTo(90.9, 10)
    expect(trailingStop({ type: 'chandelier', side: 'LONG', best: 120, extreme: 110, atr: 1, atrMultiple: 3 })).toBe(
      107,
    )
    expect(trailingStop({ type: 'atr', side: 'LONG', best: 110 })).toBeNaN()
  })

  it('should only ever tighten', () => {
    const candidates = [95, 97, 96, 99, 98, Number.NaN, 100, 90]
    let long = 94
    let short = 106
    for (const c of candidates) {
      const nextLong = tightenStop({ side: 'LONG', current: long, candidate: c })
      const nextShort = tightenStop({ side: 'SHORT', current: short, candidate: 200 - c })
      expect(nextLong).toBeGreaterThanOrEqual(long)
      expect(nextShort).toBeLessThanOrEqual(short)
      long = nextLong
      short = nextShort
    }
    expect([long, short]).toEqual([100, 100])
  })

  it('should keep the highest high and lowest low of the last N bars', () => {
    const w = new ExtremeWindow(2)
    expect(w.highest).toBeNaN()
    w.push(10, 5)
    w.push(12, 6)
    w.push(11, 7)
    expect([w.highest, w.lowest]).toEqual([12, 6])
  })
})

describe('extendRunner', () => {
  const base = {
    side: 'LONG' as const,
    close: 106,
    previousTarget: 103.5,
    runnerTarget: 106.5,
    atr: 1,
    adx: 30,
    ema: 100,
  }
  it('should push the runner out only beyond the previous leg, in a trend, and never back in', () => {
    expect(extendRunner(base)).toBe(107)
    expect(extendRunner({ ...base, adx: 20 })).toBeUndefined()
    expect(extendRunner({ ...base, close: 103 })).toBeUndefined()
    expect(extendRunner({ ...base, ema: 107 })).toBeUndefined()
    expect(extendRunner({ ...base, runnerTarget: 108 })).toBeUndefined()
    expect(
      extendRunner({ ...base, side: 'SHORT', close: 94, previousTarget: 96.5, runnerTarget: 93.5, ema: 100 }),
    ).toBe(93)
  })
})
