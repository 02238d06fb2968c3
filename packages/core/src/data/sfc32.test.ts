import { describe, expect, it } from 'vitest'
import { gaussian, sfc32 } from './sfc32.js'

describe('sfc32', () => {
  it('should repeat the same sequence for the same seed', () => {
    const a = sfc32(123)
    const b = sfc32(123)
    const c = sfc32(124)
    const xs = Array.from({ length: 5 }, () => a())
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs)
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs)
  })

  it('should give uniform numbers in [0, 1)', () => {
    const rnd = sfc32(7)
    let sum = 0
    for (let i = 0; i < 100_000; i++) {
      const x = rnd()
      if (x < 0 || x >= 1) expect.fail(String(x))
      sum += x
    }
    expect(sum / 100_000).toBeCloseTo(0.5, 2)
  })

  it('should use seed bits above 32', () => {
    expect(sfc32(1)()).not.toBe(sfc32(1 + 2 ** 32)())
  })
})

describe('gaussian', () => {
  it('should have mean 0 and sd 1', () => {
    const z = gaussian(sfc32(3))
    let sum = 0
    let sq = 0
    const n = 200_000
    for (let i = 0; i < n; i++) {
      const x = z()
      sum += x
      sq += x * x
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01)
    expect(Math.sqrt(sq / n)).toBeCloseTo(1, 1)
  })
})
