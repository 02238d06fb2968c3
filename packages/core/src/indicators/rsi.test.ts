import { describe, expect, it } from 'vitest'
import {
  allNaNBefore,
  loadTalibFixture,
  maxRelDiff,
  TALIB_FIXTURES,
} from '../../test/fixtures/indicators/load-talib-fixture.js'
import { Rsi } from './rsi.js'

describe('Rsi', () => {
  for (const file of TALIB_FIXTURES) {
    it(`should equal TA-Lib RSI(14) bit for bit on ${file} from begIndex 14`, () => {
      const fx = loadTalibFixture(file)
      const ref = fx.case('RSI')
      const rsi = new Rsi(14)
      const out = fx.close.map((c) => rsi.update(c))
      expect(ref.begIndex).toBe(14)
      expect(allNaNBefore(out, 14)).toBe(true)
      expect(maxRelDiff(out, ref.values, 14)).toBe(0)
    })
  }

  it('should give 100 for only gains, 0 for only losses, 0 for a flat window', () => {
    const up = new Rsi(2)
    expect([1, 2, 3, 4].map((x) => up.update(x))).toEqual([NaN, NaN, 100, 100])
    const down = new Rsi(2)
    expect([4, 3, 2].map((x) => down.update(x))).toEqual([NaN, NaN, 0])
    const flat = new Rsi(2)
    expect([5, 5, 5].map((x) => flat.update(x))).toEqual([NaN, NaN, 0])
  })

  it('should Wilder-smooth gains and losses', () => {
    const rsi = new Rsi(2)
    rsi.update(10)
    rsi.update(12) // +2
    expect(rsi.update(11)).toBeCloseTo((100 * 1) / (1 + 0.5), 12) // gain 1, loss 0.5
    expect(rsi.update(14)).toBeCloseTo((100 * 2) / (2 + 0.25), 12) // gain (1+3)/2, loss 0.5/2
    rsi.reset()
    expect(rsi.ready).toBe(false)
  })
})
