import { describe, expect, it } from 'vitest'
import { loadTalibFixture, maxRelDiff, TALIB_FIXTURES } from '../../test/fixtures/indicators/load-talib-fixture.js'
import { Rma } from './rma.js'
import { TrueRange } from './true-range.js'

describe('Rma', () => {
  for (const file of TALIB_FIXTURES) {
    it(`should give TA-Lib ATR(14) when fed the true range on ${file}`, () => {
      const fx = loadTalibFixture(file)
      const ref = fx.case('ATR')
      const tr = new TrueRange()
      const rma = new Rma(14)
      const out = fx.close.map((c, i) => {
        const t = tr.update(fx.high[i] as number, fx.low[i] as number, c)
        return Number.isNaN(t) ? NaN : rma.update(t)
      })
      expect(maxRelDiff(out, ref.values, ref.begIndex)).toBe(0)
    })
  }

  it('should seed with the mean and smooth with weight 1/n', () => {
    const rma = new Rma(2)
    expect([2, 4, 8].map((x) => rma.update(x))).toEqual([NaN, 3, 5.5])
    rma.reset()
    expect(rma.value).toBeNaN()
  })
})
