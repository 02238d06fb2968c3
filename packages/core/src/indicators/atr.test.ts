import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import {
  allNaNBefore,
  loadTalibFixture,
  maxRelDiff,
  TALIB_FIXTURES,
} from '../../test/fixtures/indicators/load-talib-fixture.js'
import { Atr } from './atr.js'

describe('Atr', () => {
  for (const file of TALIB_FIXTURES) {
    it(`should equal TA-Lib ATR(14) bit for bit on ${file} from begIndex 14`, () => {
      const fx = loadTalibFixture(file)
      const ref = fx.case('ATR')
      const atr = new Atr(14)
      const out = fx.close.map((c, i) => atr.update(fx.high[i] as number, fx.low[i] as number, c))
      expect(ref.begIndex).toBe(14)
      expect(allNaNBefore(out, 14)).toBe(true)
      expect(maxRelDiff(out, ref.values, 14)).toBe(0)
    })
  }

  it('should seed with mean(TR[1..n]) as the reference strategy', () => {
    const atr = new Atr(2)
    expect(atr.update(10, 8, 9)).toBeNaN() // bar 0: no TR
    expect(atr.update(11, 9, 10)).toBeNaN() // TR 2
    expect(atr.update(14, 10, 13)).toBe(3) // TR 4 → mean(2, 4)
    expect(atr.ready).toBe(true)
    expect(atr.update(13, 12, 12)).toBe(2) // TR 1 → (3·1 + 1)/2
    atr.reset()
    expect(atr.value).toBeNaN()
    expect(atr.ready).toBe(false)
    // After a reset it warms up again exactly like a new kernel.
    expect(atr.update(10, 8, 9)).toBeNaN()
    expect(atr.update(11, 9, 10)).toBeNaN()
    expect(atr.update(14, 10, 13)).toBe(3)
  })

  it('should reject a bad period', () => {
    expect(() => new Atr(0)).toThrow(ConfigError)
  })
})
