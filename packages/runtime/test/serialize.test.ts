import { describe, expect, it } from 'vitest'
import { equityCsvChunks } from '../src/serialize.js'

describe('equityCsvChunks', () => {
  it('should print the ISO time of every row exactly as Date.toISOString does', () => {
    const n = 5000
    const time = new Float64Array(n)
    let t = Date.UTC(2019, 11, 31, 22, 0, 0, 0)
    for (let i = 0; i < n; i++) {
      time[i] = t
      t += 1 + ((i * 7919) % 7_777_777) // irregular steps across days, months and a year end
    }
    const rows = [...equityCsvChunks({ time, equity: new Float64Array(n).fill(100) })]
      .join('')
      .trimEnd()
      .split('\n')
      .slice(1)
    expect(rows).toHaveLength(n)
    rows.forEach((row, i) => expect(row.split(',')[1]).toBe(new Date(time[i]!).toISOString()))
  })
})

describe('equityCsvChunks numbers', () => {
  it('should print every time, equity and drawdown exactly as String does, repeated values included', () => {
    const time = Float64Array.from([0, 999_999, 1_000_000, 1_000_001, 1_700_000_000_000, 1_700_000_060_005, 1.5])
    const equity = Float64Array.from([100, 100, 100.5, 100.5, 99.25, 0.1 + 0.2, Number.NaN])
    const rows = [...equityCsvChunks({ time, equity })].join('').trimEnd().split('\n').slice(1)
    const peak = [100, 100, 100.5, 100.5, 100.5, 100.5, 100.5]
    expect(rows.map((r) => r.split(',')[0])).toEqual(Array.from(time, String))
    expect(rows.map((r) => r.split(',')[2])).toEqual(Array.from(equity, String))
    expect(rows.map((r) => Number(r.split(',')[3]))).toEqual(
      Array.from(equity, (e, i) => (Number.isNaN(e) ? Number.NaN : (peak[i]! - e) / peak[i]!)),
    )
  })
})
