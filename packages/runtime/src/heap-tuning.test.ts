import { describe, expect, it } from 'vitest'
import { HEAP_GROWING_PERCENT, heapFlags } from './heap-tuning.js'

describe('heapFlags', () => {
  it("sets the heap's growth unless the user set it on node's command line", () => {
    expect(heapFlags([])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`)
    expect(heapFlags(['--enable-source-maps'])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`)
    expect(heapFlags(['--heap-growing-percent=0'])).toBeUndefined()
    expect(heapFlags(['--heap_growing_percent=200'])).toBeUndefined()
  })
})
