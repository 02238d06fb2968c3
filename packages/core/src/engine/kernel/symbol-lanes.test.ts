import { describe, expect, it } from 'vitest'
import { SymbolLanes } from './symbol-lanes.js'

/** A job that records its start and finishes when `release` is called. */
function gate(log: string[], name: string) {
  let release: () => void = () => undefined
  const done = new Promise<void>((resolve) => (release = resolve))
  return {
    job: async () => {
      log.push(name)
      await done
    },
    release: () => release(),
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('SymbolLanes', () => {
  it('should run a symbol protective jobs before its queued entries, one at a time', async () => {
    const log: string[] = []
    const lanes = new SymbolLanes(() => undefined)
    const first = gate(log, 'entry-1')
    lanes.push('A', 'enter', first.job)
    lanes.push('A', 'enter', () => Promise.resolve(void log.push('entry-2')))
    lanes.push('A', 'protect', () => Promise.resolve(void log.push('stop')))
    await tick()
    expect(log).toEqual(['entry-1']) // in flight: never interrupted
    expect(lanes.busy('A', 'enter')).toBe(2)
    expect(lanes.busy('A', 'protect')).toBe(1)
    first.release()
    await lanes.drain()
    expect(log).toEqual(['entry-1', 'stop', 'entry-2'])
    expect(lanes.pending).toBe(0)
  })

  it('should not let a stuck request of one symbol hold up another symbol', async () => {
    const log: string[] = []
    const lanes = new SymbolLanes(() => undefined)
    const stuck = gate(log, 'A entry')
    lanes.push('A', 'enter', stuck.job)
    lanes.push('A', 'protect', () => Promise.resolve(void log.push('A stop')))
    lanes.push('B', 'protect', () => Promise.resolve(void log.push('B stop')))
    await tick()
    await tick()
    expect(log).toEqual(['A entry', 'B stop'])
    expect(lanes.pending).toBe(2)
    stuck.release()
    await lanes.drain()
    expect(log).toEqual(['A entry', 'B stop', 'A stop'])
  })

  it('should report a failing job and go on, and tell when each job has settled', async () => {
    const errors: unknown[] = []
    const settled: string[] = []
    const lanes = new SymbolLanes(
      (e) => errors.push(e),
      (symbol, lane) => settled.push(`${symbol} ${lane}`),
    )
    lanes.push('A', 'protect', () => Promise.reject(new Error('boom')))
    lanes.push('A', 'enter', () => Promise.resolve())
    await lanes.drain()
    expect(errors).toHaveLength(1)
    expect(settled).toEqual(['A protect', 'A enter'])
  })
})
