import { describe, expect, it } from 'vitest'
import { DataError } from '../errors.js'
import { sfc32 } from './sfc32.js'
import { mergeByTime } from './merge-by-time.js'

const s = (symbol: string, times: number[]): { symbol: string; openTime: Float64Array } => ({
  symbol,
  openTime: Float64Array.from(times),
})

describe('mergeByTime', () => {
  it('should order by open time, keeping list order on ties', () => {
    const { seriesIndex, row } = mergeByTime([s('A', [1, 3, 5]), s('B', [1, 2, 5, 6]), s('C', [0, 5])])
    const steps = [...row].map((r, k) => `${'ABC'[seriesIndex[k]!]}${r}`)
    expect(steps).toEqual(['C0', 'A0', 'B0', 'B1', 'A1', 'A2', 'B2', 'C1', 'B3'])
  })

  it('should use Uint16Array indices and Uint32Array rows', () => {
    const m = mergeByTime([s('A', [1])])
    expect(m.seriesIndex).toBeInstanceOf(Uint16Array)
    expect(m.row).toBeInstanceOf(Uint32Array)
  })

  it('should handle empty lists and empty series', () => {
    expect(mergeByTime([]).row.length).toBe(0)
    const m = mergeByTime([s('A', []), s('B', [7, 8])])
    expect([...m.seriesIndex]).toEqual([1, 1])
    expect([...m.row]).toEqual([0, 1])
  })

  it('should match a stable sort for many series', () => {
    const rnd = sfc32(99)
    const list = Array.from({ length: 37 }, (_, k) => {
      const times: number[] = []
      let t = Math.floor(rnd() * 10)
      const n = Math.floor(rnd() * 60)
      for (let i = 0; i < n; i++) times.push((t += 1 + Math.floor(rnd() * 3)))
      return s(`S${k}`, times)
    })
    const expected = list
      .flatMap((x, k) => [...x.openTime].map((t, r) => ({ t, k, r })))
      .sort((a, b) => a.t - b.t || a.k - b.k)
    const m = mergeByTime(list)
    expect([...m.row].map((r, i) => [m.seriesIndex[i], r])).toEqual(expected.map((e) => [e.k, e.r]))
  })

  it('should reject a series whose times are not strictly ascending', () => {
    expect(() => mergeByTime([s('A', [1, 2]), s('B', [1, 3, 3])])).toThrow(DataError)
    try {
      mergeByTime([s('A', [1, 2]), s('B', [1, 3, 3])])
    } catch (e) {
      expect((e as DataError).source).toBe('series 1 (B)')
      expect((e as DataError).issues[0]).toMatchObject({ kind: 'duplicate', time: 3 })
    }
  })
})
