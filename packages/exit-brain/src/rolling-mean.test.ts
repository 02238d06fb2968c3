import { describe, expect, it } from 'vitest'
import { RollingMean } from './rolling-mean.js'

describe('RollingMean', () => {
  it('should average the last `length` values', () => {
    const m = new RollingMean(3)
    expect(m.value).toBeNaN()
    m.push(1)
    m.push(2)
    expect(m.value).toBe(1.5)
    m.push(3)
    m.push(10)
    expect(m.value).toBe(5) // (2 + 3 + 10) / 3
  })

  it('should not drift over many values', () => {
    const m = new RollingMean(7)
    for (let i = 0; i < 100_000; i++) m.push(0.1 + (i % 13) * 1e-3)
    const last = Array.from({ length: 7 }, (_, k) => 0.1 + ((100_000 - 7 + k) % 13) * 1e-3)
    expect(m.value).toBeCloseTo(last.reduce((a, b) => a + b, 0) / 7, 14)
  })
})
