import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import {
  allNaNBefore,
  loadTalibFixture,
  maxRelDiff,
  TALIB_FIXTURES,
} from '../../test/fixtures/indicators/load-talib-fixture.js'
import { Ema } from './ema.js'

describe('Ema', () => {
  for (const file of TALIB_FIXTURES) {
    const fx = loadTalibFixture(file)
    for (const period of [12, 26, 50]) {
      it(`should equal TA-Lib EMA(${period}) bit for bit on ${file} from begIndex`, () => {
        const ref = fx.case('EMA', 'outReal', { optInTimePeriod: period })
        const ema = new Ema(period)
        const out = fx.close.map((c) => ema.update(c))
        expect(ref.begIndex).toBe(period - 1)
        expect(allNaNBefore(out, ref.begIndex)).toBe(true)
        expect(maxRelDiff(out, ref.values, ref.begIndex)).toBe(0)
      })
    }
  }

  it('should seed with the SMA of the first n inputs and then smooth', () => {
    const ema = new Ema(3)
    expect(ema.update(1)).toBeNaN()
    expect(ema.update(2)).toBeNaN()
    expect(ema.ready).toBe(false)
    expect(ema.update(3)).toBe(2)
    expect(ema.ready).toBe(true)
    expect(ema.update(6)).toBe(4) // 2 + (6 − 2)·0.5
    expect(ema.value).toBe(4)
  })

  it('should start over after reset', () => {
    const ema = new Ema(2)
    ema.update(10)
    ema.update(20)
    ema.reset()
    expect(ema.value).toBeNaN()
    expect(ema.update(1)).toBeNaN()
    expect(ema.update(3)).toBe(2)
  })

  it('should reject a period that is not a positive integer', () => {
    expect(() => new Ema(0)).toThrow(ConfigError)
    expect(() => new Ema(2.5)).toThrow(ConfigError)
  })
})
