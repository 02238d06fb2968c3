import { describe, expect, it } from 'vitest'
import { loadTalibFixture, maxRelDiff, TALIB_FIXTURES } from '../../test/fixtures/indicators/load-talib-fixture.js'
import { Obv } from './obv.js'

describe('Obv', () => {
  for (const file of TALIB_FIXTURES) {
    it(`should equal TA-Lib OBV bit for bit on ${file} from bar 0`, () => {
      const fx = loadTalibFixture(file)
      const obv = new Obv()
      const out = fx.close.map((c, i) => obv.update(c, fx.volume[i] as number))
      expect(maxRelDiff(out, fx.case('OBV').values, 0)).toBe(0)
    })
  }

  it('should add, subtract or keep the volume', () => {
    const obv = new Obv()
    expect(obv.ready).toBe(false)
    expect([obv.update(10, 5), obv.update(11, 2), obv.update(11, 7), obv.update(9, 1)]).toEqual([5, 7, 7, 6])
    obv.reset()
    expect(obv.value).toBeNaN()
  })
})
