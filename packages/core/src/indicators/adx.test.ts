import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import {
  allNaNBefore,
  loadTalibFixture,
  maxRelDiff,
  TALIB_FIXTURES,
} from '../../test/fixtures/indicators/load-talib-fixture.js'
import { Adx } from './adx.js'

describe('Adx', () => {
  for (const file of TALIB_FIXTURES) {
    it(`should equal TA-Lib ADX/PLUS_DI/MINUS_DI(14) bit for bit on ${file} from begIndex`, () => {
      const fx = loadTalibFixture(file)
      const adx = new Adx(14)
      const a: number[] = []
      const p: number[] = []
      const m: number[] = []
      fx.close.forEach((c, i) => {
        a.push(adx.update(fx.high[i] as number, fx.low[i] as number, c))
        p.push(adx.plusDi)
        m.push(adx.minusDi)
      })
      const refAdx = fx.case('ADX')
      expect(refAdx.begIndex).toBe(27)
      expect(allNaNBefore(a, 27)).toBe(true)
      expect(allNaNBefore(p, 14)).toBe(true)
      expect(maxRelDiff(a, refAdx.values, 27)).toBe(0)
      expect(maxRelDiff(p, fx.case('PLUS_DI').values, 14)).toBe(0)
      expect(maxRelDiff(m, fx.case('MINUS_DI').values, 14)).toBe(0)
    })
  }

  it('should reset and reject period 1', () => {
    const adx = new Adx(2)
    for (let i = 0; i < 5; i++) adx.update(10 + i, 9 + i, 9.5 + i)
    expect(adx.ready).toBe(true)
    expect(adx.plusDi).toBeGreaterThan(adx.minusDi)
    adx.reset()
    expect(adx.ready).toBe(false)
    expect(adx.plusDi).toBeNaN()
    expect(() => new Adx(1)).toThrow(ConfigError)
  })
})
