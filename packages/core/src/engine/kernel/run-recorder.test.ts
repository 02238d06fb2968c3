import { describe, expect, it } from 'vitest'
import { RunRecorder } from './run-recorder.js'

describe('RunRecorder equity curve', () => {
  it('should hand over a full curve without a copy, and leave it unchanged by later points', () => {
    const rec = new RunRecorder({ capacity: 16 })
    for (let i = 0; i < 16; i++) rec.afterBar(i * 60_000, 1000 + i)
    const first = rec.output(1).equity
    expect(first.equity).toHaveLength(16)
    expect(first.equity[15]).toBe(1015)
    // Another symbol's bar at the same time rewrites the last point; a new time appends one.
    rec.afterBar(15 * 60_000, 999)
    rec.afterBar(16 * 60_000, 998)
    expect(first.equity[15]).toBe(1015)
    expect(Array.from(first.time)).toEqual(Array.from({ length: 16 }, (_, i) => i * 60_000))
    const second = rec.output(2).equity
    expect(Array.from(second.equity.slice(14))).toEqual([1014, 999, 998])
  })

  it('should copy a curve that is not full, so the recorder may go on writing into it', () => {
    const rec = new RunRecorder({ capacity: 32 })
    rec.afterBar(0, 10)
    const out = rec.output(1).equity
    rec.afterBar(0, 11)
    expect(Array.from(out.equity)).toEqual([10])
  })
})
