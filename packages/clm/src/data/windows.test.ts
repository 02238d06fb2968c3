/**
 * Sequence windows: a row has a window only over consecutive bars of its own symbol; the windows handed
 * to the trainer and the scorer are the rows before it, in order, normalised; and the row building gives
 * the same rows in a worker thread as on the calling thread.
 */
import { describe, expect, it } from 'vitest'
import { momentumCandles } from '../pipeline/momentum.test-helpers.js'
import { prepareJob, runJobTask } from '../worker/job-tasks.js'
import { buildDataset } from './dataset.js'
import { DEFAULT_LABEL } from './labels.js'
import { columnStats, sequenceMatrix, windowBatch } from './windows.js'

describe('sequenceMatrix / windowBatch', () => {
  it('marks rows with a full window of consecutive bars of their symbol, and breaks windows at a gap', () => {
    const a = momentumCandles('AAAUSDT', 1, 400)
    const gapAt = 300
    // Drop bar 300 of BBB: its rows after the gap need 120 new consecutive bars.
    const b0 = momentumCandles('BBBUSDT', 2, 401)
    const keep = (x: Float64Array): Float64Array => Float64Array.from([...x.slice(0, gapAt), ...x.slice(gapAt + 1)])
    const b = {
      ...b0,
      openTime: keep(b0.openTime),
      open: keep(b0.open),
      high: keep(b0.high),
      low: keep(b0.low),
      close: keep(b0.close),
      volume: keep(b0.volume),
    }
    const ds = buildDataset([a, b], { label: DEFAULT_LABEL, features: ['ret_1', 'rsi_14'] })
    const seq = sequenceMatrix(ds, 10)
    const HOUR = 3_600_000
    const firstRow = [0, 1].map((sym) => ds.time[[...Array(ds.rows).keys()].find((k) => ds.symbol[k] === sym)!]!)
    for (let r = 0; r < ds.rows; r++) {
      const s = ds.symbol[r]!
      const t = ds.time[r]!
      const first = firstRow[s]!
      const afterGap = s === 1 && t > b0.openTime[gapAt]!
      const since = afterGap ? b0.openTime[gapAt + 1]! : first
      expect(seq.complete[r], `row ${r} symbol ${s} at ${new Date(t).toISOString()}`).toBe(
        (t - since) / HOUR >= 9 ? 1 : 0,
      )
    }
    // The window of a complete row is the 10 rows of its symbol ending at it, in time order.
    const r = ds.rows - 1
    const norm = { mean: [0, 0], std: [1, 1] }
    const w = windowBatch(seq, { ends: Uint32Array.of(seq.position[r]!), from: 0, count: 1, pick: [0, 1], norm })
    const own = [...Array(ds.rows).keys()]
      .filter((k) => ds.symbol[k] === ds.symbol[r] && ds.time[k]! <= ds.time[r]!)
      .slice(-10)
    expect(Array.from(w)).toEqual(own.flatMap((k) => [ds.values[k * 2]!, ds.values[k * 2 + 1]!]))
    const z = windowBatch(seq, {
      ends: Uint32Array.of(seq.position[r]!),
      from: 0,
      count: 1,
      pick: [1],
      norm: { mean: [50], std: [10] },
    })
    expect(z[9]).toBeCloseTo((ds.values[r * 2 + 1]! - 50) / 10, 5)
  })

  it('columnStats: mean and deviation per column, a constant column gets deviation 1', () => {
    const s = columnStats({ values: Float32Array.of(1, 5, 3, 5), rows: 2, columns: 2 })
    expect(s).toEqual({ mean: [2, 5], std: [1, 1] })
  })
})

describe('prepareJob in a worker thread', () => {
  it('gives the same rows, splits and windows as on the calling thread', async () => {
    const input = {
      histories: [momentumCandles('AAAUSDT', 1, 24 * 100), momentumCandles('BBBUSDT', 2, 24 * 100)],
      label: DEFAULT_LABEL,
      splits: { testDays: 20, validationDays: 20 },
      window: 120,
    }
    const here = prepareJob(input)
    const there = await runJobTask({ op: 'prepare', input }, { threads: 'worker', timeoutMs: 120_000 })
    expect(there.train.rows).toBe(here.train.rows)
    expect(there.test.rows).toBeGreaterThan(0)
    expect(Array.from(there.test.labels)).toEqual(Array.from(here.test.labels))
    expect(Array.from(there.sequences!.testEnds)).toEqual(Array.from(here.sequences!.testEnds))
    expect(there.sequences!.normalization).toEqual(here.sequences!.normalization)
  }, 120_000)
})
