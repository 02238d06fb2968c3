import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import {
  allNaNBefore,
  loadTalibFixture,
  maxRelDiff,
  TALIB_FIXTURES,
} from '../../test/fixtures/indicators/load-talib-fixture.js'
import { Macd } from './macd.js'

describe('Macd', () => {
  for (const file of TALIB_FIXTURES) {
    it(`should equal TA-Lib MACD(12,26,9) bit for bit on ${file} from begIndex 33`, () => {
      const fx = loadTalibFixture(file)
      const macd = new Macd(12, 26, 9)
      const line: number[] = []
      const signal: number[] = []
      const hist: number[] = []
      for (const c of fx.close) {
        line.push(macd.update(c))
        signal.push(macd.signal)
        hist.push(macd.histogram)
      }
      const ref = fx.case('MACD', 'outMACD')
      expect(ref.begIndex).toBe(33)
      expect(allNaNBefore(line, 33)).toBe(true)
      expect(maxRelDiff(line, ref.values, 33)).toBe(0)
      expect(maxRelDiff(signal, fx.case('MACD', 'outMACDSignal').values, 33)).toBe(0)
      expect(maxRelDiff(hist, fx.case('MACD', 'outMACDHist').values, 33)).toBe(0)
    })
  }

  it('should expose the line as value and reset', () => {
    const macd = new Macd(2, 3, 2)
    const out = [1, 2, 3, 4, 5].map((x) => macd.update(x))
    expect(out.slice(0, 3).every(Number.isNaN)).toBe(true)
    expect(macd.ready).toBe(true)
    expect(macd.value).toBe(macd.macd)
    expect(macd.histogram).toBeCloseTo(macd.macd - macd.signal, 15)
    macd.reset()
    expect(macd.ready).toBe(false)
    expect(macd.signal).toBeNaN()
  })

  it('should reject fast >= slow', () => {
    expect(() => new Macd(26, 12, 9)).toThrow(ConfigError)
  })
})
