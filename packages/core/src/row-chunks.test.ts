import { describe, expect, it } from 'vitest'
import { RowChunks } from './row-chunks.js'

describe('RowChunks', () => {
  it('keeps every row across chunk boundaries, read back after later appends', () => {
    const rows = new RowChunks({ numbers: 2, bytes: 1, strings: 1 })
    const n = 3000 // three chunks
    for (let i = 0; i < n; i++) {
      expect(rows.append()).toBe(i)
      rows.numbers[rows.numberAt] = i
      rows.numbers[rows.numberAt + 1] = -i / 2
      rows.bytes[rows.byteAt] = i % 251
      rows.strings[rows.stringAt] = i % 7 === 0 ? undefined : `s${i}`
      // Reading an earlier row between appends must not move where the next append writes.
      if (i % 500 === 499) {
        rows.seek(i - 400)
        expect(rows.numbers[rows.numberAt]).toBe(i - 400)
      }
    }
    expect(rows.length).toBe(n)
    for (let i = 0; i < n; i++) {
      rows.seek(i)
      expect([rows.numbers[rows.numberAt], rows.numbers[rows.numberAt + 1]]).toEqual([i, -i / 2])
      expect(rows.bytes[rows.byteAt]).toBe(i % 251)
      expect(rows.strings[rows.stringAt]).toBe(i % 7 === 0 ? undefined : `s${i}`)
    }
  })

  it('starts a row with zeros and undefined, and refuses a row not appended', () => {
    const rows = new RowChunks({ numbers: 3, bytes: 2, strings: 2 })
    rows.append()
    expect([...rows.numbers.subarray(rows.numberAt, rows.numberAt + 3)]).toEqual([0, 0, 0])
    expect(rows.strings[rows.stringAt + 1]).toBeUndefined()
    expect(() => rows.seek(1)).toThrow(RangeError)
    expect(() => rows.seek(-1)).toThrow(RangeError)
  })
})
