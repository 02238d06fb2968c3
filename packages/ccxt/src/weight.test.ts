import { describe, expect, it } from 'vitest'
import { UsedWeight } from './weight.js'

const T = 1_700_000_080_000 // 40 s into a minute (1_700_000_040_000 starts one)

describe('UsedWeight', () => {
  it('should read the header in any letter case and wait for the next minute above the threshold', () => {
    const w = new UsedWeight({ limit: 2400, threshold: 0.8 })
    w.observe({ 'X-Mbx-Used-Weight-1m': '100' }, T)
    expect(w.current(T)).toBe(100)
    expect(w.delay(T)).toBe(0)
    w.observe({ 'x-mbx-used-weight-1m': '1950' }, T)
    expect(w.delay(T)).toBe(20_000)
    expect(w.current(T + 20_000)).toBe(0) // a new minute
    expect(w.delay(T + 20_000)).toBe(0)
  })

  it('should never hold a protective call below the full budget', () => {
    const w = new UsedWeight({ limit: 2400, threshold: 0.8 })
    w.observe({ 'x-mbx-used-weight-1m': '2399' }, T)
    expect(w.delay(T, 'normal')).toBe(20_000)
    expect(w.delay(T, 'protective')).toBe(0)
    w.observe({ 'x-mbx-used-weight-1m': '2400' }, T)
    expect(w.delay(T, 'protective')).toBe(20_000) // the venue itself would refuse it now
  })

  it('should ignore replies without the header or with garbage', () => {
    const w = new UsedWeight()
    w.observe({ 'X-MBX-USED-WEIGHT-1M': '2300' }, T)
    w.observe({}, T)
    w.observe({ 'X-MBX-USED-WEIGHT-1M': 'n/a' }, T)
    w.observe(undefined, T)
    expect(w.current(T)).toBe(2300)
  })
})
