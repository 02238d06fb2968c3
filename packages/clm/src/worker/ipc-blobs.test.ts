import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { discard, pack, unpack } from './ipc-blobs.js'

describe('ipc blobs', () => {
  it('moves large typed arrays to a file and back, equal, and removes the file', async () => {
    const values = Float32Array.from({ length: 100_000 }, (_, i) => i / 7)
    const labels = Uint8Array.from({ length: 100_001 }, (_, i) => i % 3) // odd length: padded
    const time = Float64Array.from({ length: 1000 }, (_, i) => i * 3_600_000)
    const value = { train: { values, labels, time }, names: ['a', 'b'], n: 3, nested: [{ x: time.subarray(10, 20) }] }
    const packed = await pack(value)
    expect(packed.file).toBeDefined()
    expect(JSON.stringify(packed.value).length).toBeLessThan(2000) // the arrays are not in the message
    const back = (await unpack(packed)) as typeof value
    expect(existsSync(packed.file!)).toBe(false)
    expect(back.train.values).toBeInstanceOf(Float32Array)
    expect(Array.from(back.train.values)).toEqual(Array.from(values))
    expect(Array.from(back.train.labels)).toEqual(Array.from(labels))
    expect(Array.from(back.train.time)).toEqual(Array.from(time))
    expect(Array.from(back.nested[0]!.x)).toEqual(Array.from(time.subarray(10, 20)))
    expect(back.names).toEqual(['a', 'b'])
    expect(back.n).toBe(3)
  })

  it('leaves small values in the message', async () => {
    const packed = await pack({ x: new Float64Array(10) })
    expect(packed.file).toBeUndefined()
    expect(await unpack(packed)).toEqual({ x: new Float64Array(10) })
  })

  it('discards a file that will not be read', async () => {
    const packed = await pack({ x: new Float64Array(100_000) })
    await discard(packed)
    expect(existsSync(packed.file!)).toBe(false)
  })
})
