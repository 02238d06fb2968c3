import { describe, expect, it } from 'vitest'
import { loadTalibFixture, maxRelDiff, TALIB_FIXTURES } from '../../test/fixtures/indicators/load-talib-fixture.js'
import { TrueRange } from './true-range.js'

describe('TrueRange', () => {
  for (const file of TALIB_FIXTURES) {
    it(`should equal TA-Lib TRANGE bit for bit on ${file} from bar 1`, () => {
      const fx = loadTalibFixture(file)
      const ref = fx.case('TRANGE')
      const tr = new TrueRange()
      const out = fx.close.map((c, i) => tr.update(fx.high[i] as number, fx.low[i] as number, c))
      expect(ref.begIndex).toBe(1)
      expect(out[0]).toBeNaN()
      expect(maxRelDiff(out, ref.values, 1)).toBe(0)
    })
  }

  it('should include the gap to the previous close', () => {
    const tr = new TrueRange()
    expect(tr.update(10, 9, 9.5)).toBeNaN()
    expect(tr.ready).toBe(false)
    expect(tr.update(12, 11, 11.5)).toBe(2.5) // 12 − 9.5 (gap up)
    expect(tr.update(11, 8, 9)).toBe(3.5) // 11.5 − 8
    expect(tr.ready).toBe(true)
    tr.reset()
    expect(tr.update(1, 0, 1)).toBeNaN()
  })
})
