import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import {
  allNaNBefore,
  loadTalibFixture,
  maxRelDiff,
  TALIB_FIXTURES,
} from '../../test/fixtures/indicators/load-talib-fixture.js'
import { Sma } from './sma.js'

describe('Sma', () => {
  for (const file of TALIB_FIXTURES) {
    const fx = loadTalibFixture(file)
    for (const period of [20, 30]) {
      it(`should equal TA-Lib SMA(${period}) bit for bit on ${file} from begIndex`, () => {
        const ref = fx.case('SMA', 'outReal', { optInTimePeriod: period })
        const sma = new Sma(period)
        const out = fx.close.map((c) => sma.update(c))
        expect(allNaNBefore(out, ref.begIndex)).toBe(true)
        expect(maxRelDiff(out, ref.values, ref.begIndex)).toBe(0)
      })
    }
  }

  it('should average the last n inputs of a ring buffer', () => {
    const sma = new Sma(3)
    expect([1, 2, 3, 4, 5, 9].map((x) => sma.update(x))).toEqual([NaN, NaN, 2, 3, 4, 6])
    expect(sma.ready).toBe(true)
  })

  it('should pass inputs through with period 1', () => {
    const sma = new Sma(1)
    expect([5, 7, 1].map((x) => sma.update(x))).toEqual([5, 7, 1])
  })

  it('should start over after reset', () => {
    const sma = new Sma(2)
    sma.update(100)
    sma.update(200)
    sma.reset()
    expect(sma.ready).toBe(false)
    expect([1, 3].map((x) => sma.update(x))).toEqual([NaN, 2])
  })

  it('should reject a bad period', () => {
    expect(() => new Sma(-1)).toThrow(ConfigError)
  })
})
