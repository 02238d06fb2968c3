import { describe, expect, it } from 'vitest'
import { HEAP_GROWING_PERCENT, heapFlags } from './heap-tuning.js'

describe('heapFlags', () => {
  it("sets the heap's growth unless the user set it on the command line or in NODE_OPTIONS", () => {
    expect(heapFlags({}, [])).toBe(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`)
    expect(heapFlags({ NODE_OPTIONS: '--max-old-space-size=4096' }, ['--enable-source-maps'])).toBe(
      `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
    )
    expect(heapFlags({}, ['--heap-growing-percent=0'])).toBeUndefined()
    expect(heapFlags({ NODE_OPTIONS: '--heap_growing_percent=200' }, [])).toBeUndefined()
  })
})
