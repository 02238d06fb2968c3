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
