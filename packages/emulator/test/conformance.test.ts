/** The conformance comparator finds what differs in keys, types, enums and parsed null-ness, and nothing else. */
import { describe, expect, it } from 'vitest'
import { conformance } from './conformance.js'

const recorded = {
  httpResponse: [{ orderId: '42', price: '50.00', status: 'NEW', reduceOnly: false, isAutoAddMargin: false }],
  parsedResponse: [{ info: {}, id: '42', price: 50, average: null, status: 'open' }],
}

describe('conformance comparator', () => {
  it('should accept a reply that differs in values only (and integers ccxt recorded as strings)', () => {
    const raw = [{ orderId: 7, price: '60000.10', status: 'NEW', reduceOnly: false, isAutoAddMargin: false }]
    const parsed = [{ info: { anything: 1 }, id: '7', price: 60000.1, average: undefined, status: 'open' }]
    expect(conformance(recorded, { raw, parsed })).toEqual([])
  })

  it('should report missing and extra keys, other types, other enum values and other null-ness', () => {
    const raw = [{ orderId: 7, price: 60000, status: 'FILLED', isAutoAddMargin: 'false', time: 1 }]
    const parsed = [{ info: {}, id: '7', price: 60000, average: 60000, status: 'open' }]
    expect(conformance(recorded, { raw, parsed })).toEqual([
      { path: 'raw[0].price', recorded: 'decimal string', emulator: 'integer' },
      { path: 'raw[0].status', recorded: '"NEW"', emulator: '"FILLED"' },
      { path: 'raw[0].reduceOnly', recorded: 'boolean', emulator: 'absent' },
      { path: 'raw[0].isAutoAddMargin', recorded: 'boolean', emulator: 'string' },
      { path: 'raw[0].time', recorded: 'absent', emulator: 'integer' },
      { path: 'parsed[0].average', recorded: 'null', emulator: 'number' },
    ])
  })

  it('should report an empty reply where the recording has rows', () => {
    expect(conformance(recorded, { raw: [], parsed: [] })).toEqual([
      { path: 'raw', recorded: 'non-empty array', emulator: '[]' },
      { path: 'parsed', recorded: 'non-empty array', emulator: '[]' },
    ])
  })
})
