import { describe, expect, it } from 'vitest'
import { CrossOver } from './cross-over.js'
import { Ema } from './ema.js'

describe('CrossOver', () => {
  it('should skip NaN inputs and seed on the first finite difference', () => {
    const x = new CrossOver()
    expect(x.update(NaN, 1)).toBeNaN()
    expect(x.update(1, 2)).toBeNaN()
    expect(x.ready).toBe(false)
    expect(x.update(3, 2)).toBe(1)
    expect(x.ready).toBe(true)
  })

  it('should report bull and bear crosses and 0 otherwise', () => {
    const x = new CrossOver()
    const d = [-1, 1, 2, -1, -2, 3]
    expect(d.map((v) => x.update(v, 0))).toEqual([NaN, 1, 0, -1, 0, 1])
  })

  it('should use the last non-zero difference across zeros', () => {
    const x = new CrossOver()
    // −1, 0, 0, +1: a bull cross at the +1 (nzd still −1); then 0 and −1: a bear cross.
    expect([-1, 0, 0, 1, 0, -1].map((v) => x.update(v, 0))).toEqual([NaN, 0, 0, 1, 0, -1])
  })

  it('should not cross when the seed difference is zero and the next is non-zero', () => {
    const x = new CrossOver()
    expect([0, 1, -1].map((v) => x.update(v, 0))).toEqual([NaN, 0, -1])
  })

  it('should reproduce the reference strategy signal from EMA(12)/EMA(26)', () => {
    const fast = new Ema(12)
    const slow = new Ema(26)
    const x = new CrossOver()
    const closes = Array.from({ length: 300 }, (_, i) => 100 + 10 * Math.sin(i / 15))
    const signals = closes.map((c) => x.update(fast.update(c), slow.update(c)))
    expect(signals.slice(0, 26).every(Number.isNaN)).toBe(true) // i < 26: no signal
    expect(signals.filter((s) => s === 1).length).toBeGreaterThan(0)
    expect(signals.filter((s) => s === -1).length).toBeGreaterThan(0)
    x.reset()
    expect(x.value).toBeNaN()
  })
})
