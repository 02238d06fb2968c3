import { describe, expect, it } from 'vitest'
import { gaussian, sfc32 } from '../data/sfc32.js'
import { ConfigError } from '../errors.js'
import { deflatedSharpe, expectedMaxSharpe, moments, probabilisticSharpe } from './deflated-sharpe.js'
import { normalCdf, normalQuantile } from './normal.js'
import { probabilityOfOverfitting } from './pbo.js'
import { stitchEquity, walkForwardWindows } from './walk-forward-windows.js'

// Reference values from scipy.stats.norm (scipy 1.17) with the same formulas.
describe('normal distribution', () => {
  it('should match scipy (CDF to 1.5e-7, the erf approximation; quantile to 1e-7)', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 6)
    expect(normalCdf(-3.2)).toBeCloseTo(0.0006871379379158471, 6)
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 7)
    expect(normalQuantile(1e-5)).toBeCloseTo(-4.264890793922825, 6)
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306167813, 7)
    expect(normalQuantile(2)).toBeNaN()
  })
})

describe('deflated Sharpe ratio', () => {
  it('should give the expected maximum Sharpe ratio of luckless trials', () => {
    expect(expectedMaxSharpe(100, 0.5)).toBeCloseTo(1.7894064662732079, 6)
    expect(expectedMaxSharpe(1000, 0.0004)).toBeCloseTo(0.06510243027305446, 7)
    expect(expectedMaxSharpe(1, 1)).toBe(0)
  })

  it('should give the probabilistic and deflated Sharpe ratios', () => {
    expect(probabilisticSharpe({ sharpe: 0.1, observations: 250 }, 0)).toBeCloseTo(0.942261266719699, 6)
    const d = deflatedSharpe({
      sharpe: 0.1,
      observations: 1250,
      skewness: -0.5,
      kurtosis: 6,
      trials: 100,
      trialVariance: 0.0004,
    })
    expect(d.expectedMaxSharpe).toBeCloseTo(0.050612057864033694, 7)
    expect(d.probability).toBeCloseTo(0.9548022099379286, 6)
    // More trials raise the bar: the same Sharpe ratio is less convincing.
    expect(
      deflatedSharpe({ sharpe: 0.1, observations: 1250, trials: 10_000, trialVariance: 0.0004 }).probability,
    ).toBeLessThan(d.probability)
    expect(() => deflatedSharpe({ sharpe: 0.1, observations: 10, trials: 0, trialVariance: -1 })).toThrow(ConfigError)
  })

  it('should compute moments by hand', () => {
    const m = moments([1, 2, 3, 10])
    // mean 4; deviations -3 -2 -1 6; m2 = 50/4 = 12.5; m3 = (-27-8-1+216)/4 = 45; m4 = (81+16+1+1296)/4 = 348.5
    expect(m.mean).toBe(4)
    expect(m.sd).toBeCloseTo(Math.sqrt(50 / 3), 12)
    expect(m.skewness).toBeCloseTo(45 / 12.5 ** 1.5, 12)
    expect(m.kurtosis).toBeCloseTo(348.5 / 156.25, 12)
  })
})

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length

describe('probabilityOfOverfitting (CSCV)', () => {
  it('should be 1 when the in-sample winner always loses out of sample (hand-computed)', () => {
    // Column 0 wins the first half and loses the second; column 1 is flat. Two splits, each picks the
    // wrong column: OOS rank 1 of 2, w = 1/3, logit ln(1/2).
    const m = [
      [1, 0],
      [1, 0],
      [-1, 0],
      [-1, 0],
    ]
    const r = probabilityOfOverfitting(m, { blocks: 2, metric: mean })
    expect(r.splits).toBe(2)
    expect(r.logits).toEqual([Math.log(0.5), Math.log(0.5)].map((l) => expect.closeTo(l, 12) as number))
    expect(r.pbo).toBe(1)
  })

  it('should be 0 for a configuration that dominates everywhere', () => {
    const m = Array.from({ length: 8 }, (_, i) => [2 + (i % 2), 0, 1])
    const r = probabilityOfOverfitting(m, { blocks: 4, metric: mean })
    expect(r.splits).toBe(6)
    expect(r.logits.every((l) => l === Math.log(3 / 4 / (1 / 4)))).toBe(true)
    expect(r.pbo).toBe(0)
  })

  it('should be near one half when every configuration is noise', () => {
    const z = gaussian(sfc32(11))
    const m = Array.from({ length: 400 }, () => Array.from({ length: 30 }, () => z() * 0.01))
    const r = probabilityOfOverfitting(m, { blocks: 10 })
    expect(r.splits).toBe(252)
    expect(r.pbo).toBeGreaterThan(0.3)
    expect(r.pbo).toBeLessThan(0.7)
  })

  it('should refuse an odd block count, too few rows or one column', () => {
    expect(() => probabilityOfOverfitting([[1], [2]], { blocks: 3 })).toThrow(ConfigError)
  })
})

describe('walkForwardWindows', () => {
  it('should roll fixed-length in-sample ranges before each out-of-sample range', () => {
    const w = walkForwardWindows({ from: 0, to: 14, windows: 4, inSampleRatio: 3 })
    expect(w.map((x) => [x.inSample.from, x.inSample.to, x.outOfSample.from, x.outOfSample.to])).toEqual([
      [0, 6, 6, 8],
      [2, 8, 8, 10],
      [4, 10, 10, 12],
      [6, 12, 12, 14],
    ])
  })

  it('should anchor in-sample ranges at the start and leave the purge gap out of both', () => {
    const w = walkForwardWindows({ from: 0, to: 15, windows: 2, inSampleRatio: 2, anchored: true, purgeMs: 3 })
    // OOS length (15 - 3) / (2 + 2) = 3; first OOS at 2*3 + 3 = 9
    expect(w.map((x) => [x.inSample.from, x.inSample.to, x.outOfSample.from, x.outOfSample.to])).toEqual([
      [0, 6, 9, 12],
      [0, 9, 12, 15],
    ])
  })

  it('should refuse a range too short for the purge gap', () => {
    expect(() => walkForwardWindows({ from: 0, to: 10, windows: 2, purgeMs: 20 })).toThrow(ConfigError)
  })
})

describe('stitchEquity', () => {
  it('should chain each segment from the previous end', () => {
    expect(stitchEquity([[110, 121], [95]], [100, 100], 100)).toEqual([110, 121, expect.closeTo(114.95, 9) as number])
  })
})
