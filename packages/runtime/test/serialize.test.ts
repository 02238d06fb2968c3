import { describe, expect, it } from 'vitest'
import { EQUITY_CSV_HEADER, equityCsvBytes, equityCsvChunks } from '../src/serialize.js'

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

describe('equityCsvBytes', () => {
  it('should give the bytes of the text built field by field, across many buffers and any time', () => {
    const n = 20_000 // ~20 buffers
    const time = new Float64Array(n)
    const equity = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      time[i] = 1_577_836_800_000 + i * 60_000 + (i % 97 === 0 ? 0.5 : 0)
      equity[i] = i % 5 === 0 ? (equity[i - 1] ?? 100_000) : 100_000 + Math.sin(i / 50) * 3_000 + i / 7
    }
    // Times off the fast path (negative, not an integer, not finite) and the last ISO-8601 millisecond.
    time.set([-86_400_001, 1.5, 253_402_300_799_999, 999_999.25, Number.NaN, Number.POSITIVE_INFINITY], 100)
    equity.set([Number.NaN, -5, 0, 1e-7, 1e21], 200)
    let peak = -Infinity
    const expected = [EQUITY_CSV_HEADER]
    for (let i = 0; i < n; i++) {
      const t = time[i]!
      const e = equity[i]!
      if (e > peak) peak = e
      const iso = Number.isFinite(t) ? new Date(t).toISOString() : ''
      expected.push([String(t), iso, String(e), String(peak > 0 ? (peak - e) / peak : 0)].join(','))
    }
    // Two buffers, filled in turn: a yielded chunk is still intact after the generator is resumed once
    // (a writer writes it while the next one fills), so each is copied only one step later here.
    const copies: Buffer[] = []
    let previous: Buffer | undefined
    for (const chunk of equityCsvBytes({ time, equity })) {
      if (previous !== undefined) copies.push(Buffer.from(previous))
      previous = chunk
    }
    copies.push(Buffer.from(previous!))
    expect(copies.length).toBeGreaterThan(10)
    expect(Buffer.concat(copies).toString('latin1')).toBe(`${expected.join('\n')}\n`)
    expect([...equityCsvChunks({ time, equity })].join('')).toBe(`${expected.join('\n')}\n`)
  })
})
