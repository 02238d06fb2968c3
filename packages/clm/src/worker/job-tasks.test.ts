import { generateCandles } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { DEFAULT_LABEL } from '../data/labels.js'
import { prepareJob, runJobTask, transferableHistories } from './job-tasks.js'

describe('transferableHistories', () => {
  it('gives copies with buffers of their own, so moving them leaves the caller’s series intact', () => {
    const full = generateCandles({ bars: 500, seed: 2, symbol: 'BTCUSDT', timeframeMs: 3_600_000 })
    // A window of a longer series: views on its buffers.
    const window = { ...full, close: full.close.subarray(100, 300), openTime: full.openTime.subarray(100, 300) }
    const { histories, transfer } = transferableHistories([window])
    expect(transfer).toHaveLength(6)
    expect(Array.from(histories[0]!.close)).toEqual(Array.from(window.close))
    expect(histories[0]!.close.buffer.byteLength).toBe(200 * 8) // its own bytes only, not the whole file's
    structuredClone(histories, { transfer })
    expect(histories[0]!.close.byteLength).toBe(0) // moved
    expect(window.close.byteLength).toBe(200 * 8) // the caller's series untouched
  })

  it('builds the same rows in a worker from moved copies as here from the originals', async () => {
    const series = [1, 2].map((seed) =>
      generateCandles({ bars: 24 * 120, seed, symbol: `S${seed}USDT`, timeframeMs: 3_600_000, startTime: 0 }),
    )
    const input = { label: DEFAULT_LABEL, splits: { testDays: 20, validationDays: 20 } }
    const here = prepareJob({ ...input, histories: series })
    const moved = transferableHistories(series)
    const there = await runJobTask(
      { op: 'prepare', input: { ...input, histories: moved.histories } },
      { threads: 'worker', timeoutMs: 60_000, transfer: moved.transfer },
    )
    expect(Array.from(there.train.values)).toEqual(Array.from(here.train.values))
    expect(Array.from(there.test.labels)).toEqual(Array.from(here.test.labels))
    expect(series[0]!.close.byteLength).toBeGreaterThan(0)
  })

  it('builds the same rows in a child process as in a worker thread', async () => {
    const series = [1, 2].map((seed) =>
      generateCandles({ bars: 24 * 120, seed, symbol: `S${seed}USDT`, timeframeMs: 3_600_000, startTime: 0 }),
    )
    const input = { label: DEFAULT_LABEL, splits: { testDays: 20, validationDays: 20 } }
    const moved = transferableHistories(series)
    const [thread, child] = await Promise.all([
      runJobTask(
        { op: 'prepare', input: { ...input, histories: moved.histories } },
        { threads: 'worker', timeoutMs: 60_000, transfer: moved.transfer },
      ),
      runJobTask(
        { op: 'prepare', input: { ...input, histories: series } },
        { threads: 'worker', timeoutMs: 60_000, isolation: 'process' },
      ),
    ])
    expect(child.train.values).toBeInstanceOf(Float32Array)
    expect(child.train.values.length).toBeGreaterThan(0)
    expect(Array.from(child.train.values)).toEqual(Array.from(thread.train.values))
    expect(Array.from(child.test.labels)).toEqual(Array.from(thread.test.labels))
    expect(child.plan).toEqual(thread.plan)
    expect(series[0]!.close.byteLength).toBeGreaterThan(0)
  })
})
