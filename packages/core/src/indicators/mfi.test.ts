import { describe, expect, it } from 'vitest'
import {
  allNaNBefore,
  loadTalibFixture,
  maxRelDiff,
  TALIB_FIXTURES,
} from '../../test/fixtures/indicators/load-talib-fixture.js'
import { Mfi } from './mfi.js'

describe('Mfi', () => {
  for (const file of TALIB_FIXTURES) {
    it(`should equal TA-Lib MFI(14) bit for bit on ${file} from begIndex 14`, () => {
      const fx = loadTalibFixture(file)
      const mfi = new Mfi(14)
      const out = fx.close.map((c, i) =>
        mfi.update(fx.high[i] as number, fx.low[i] as number, c, fx.volume[i] as number),
      )
      expect(allNaNBefore(out, 14)).toBe(true)
      expect(maxRelDiff(out, fx.case('MFI').values, 14)).toBe(0)
    })
  }

  it('should count an unchanged typical price in neither flow', () => {
    const mfi = new Mfi(2)
    mfi.update(10, 10, 10, 100)
    mfi.update(11, 11, 11, 100) // +1100
    expect(mfi.update(11, 11, 11, 100)).toBe(100) // unchanged: neither
    expect(mfi.update(10, 10, 10, 100)).toBe(0) // window: 0 (flat) + −1000
    mfi.reset()
    expect(mfi.ready).toBe(false)
  })
})
