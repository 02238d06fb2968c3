/**
 * Sequence windows for the window models (N-HiTS, PatchTST): the `window` consecutive bars of one symbol
 * ending at a row, built from a {@link Dataset}'s rows. The rule lives here once: the TypeScript scorer
 * and the Python trainer (which only slices what this module hands it) read the same windows. A row has a
 * window when the `window - 1` rows before it of the same symbol are in the dataset and consecutive bars
 * (no gap, no dropped row); other rows are left out of the window models' splits.
 * @packageDocumentation
 */
import type { Dataset } from './dataset.js'
import type { DatasetSlice } from './splits.js'

/** The dataset's rows reordered symbol by symbol (each symbol's rows contiguous, in time order). */
export interface SequenceMatrix {
  /** Window length in bars. */
  readonly window: number
  /** Features `[rows, columns]`, rows grouped by symbol then time. */
  readonly values: Float32Array
  /** Feature columns. */
  readonly columns: number
  /** Position in `values` of each dataset row. */
  readonly position: Uint32Array
  /** Per dataset row: 1 when it has a full window of consecutive bars ending at it. */
  readonly complete: Uint8Array
}

/**
 * Reorders `dataset` symbol by symbol and marks the rows that have a full window.
 * @example const seq = sequenceMatrix(ds, 120)
 */
export function sequenceMatrix(dataset: Dataset, window: number): SequenceMatrix {
  const { rows, columns: f } = dataset
  const bySymbol = dataset.symbols.map(() => [] as number[])
  for (let r = 0; r < rows; r++) bySymbol[dataset.symbol[r]!]!.push(r) // dataset rows are in time order
  const values = new Float32Array(rows * f)
  const position = new Uint32Array(rows)
  const complete = new Uint8Array(rows)
  let at = 0
  for (const list of bySymbol) {
    let run = 0 // consecutive bars ending at the current row
    list.forEach((r, k) => {
      const prev = k > 0 ? list[k - 1]! : -1
      run = prev >= 0 && dataset.time[r]! - dataset.time[prev]! === dataset.timeframeMs ? run + 1 : 1
      values.set(dataset.values.subarray(r * f, r * f + f), at * f)
      position[r] = at++
      complete[r] = run >= window ? 1 : 0
    })
  }
  return { window, values, columns: f, position, complete }
}

/**
 * Keeps the rows of `slice` that have a full window, and returns where each window ends in the
 * sequence matrix (row `ends[k]` is the last bar of row `k`'s window).
 * @example const { slice: train, ends } = windowedSlice(splits.train, seq)
 */
export function windowedSlice(
  slice: DatasetSlice,
  seq: SequenceMatrix,
): { readonly slice: DatasetSlice; readonly ends: Uint32Array } {
  const keep: number[] = []
  for (let k = 0; k < slice.rows; k++) if (seq.complete[slice.index[k]!] === 1) keep.push(k)
  const f = slice.columns
  const values = new Float32Array(keep.length * f)
  keep.forEach((k, j) => values.set(slice.values.subarray(k * f, k * f + f), j * f))
  const index = Uint32Array.from(keep, (k) => slice.index[k]!)
  return {
    slice: {
      values,
      labels: Uint8Array.from(keep, (k) => slice.labels[k]!),
      rows: keep.length,
      columns: f,
      index,
      time: Float64Array.from(keep, (k) => slice.time[k]!),
      range: slice.range,
    },
    ends: Uint32Array.from(index, (r) => seq.position[r]!),
  }
}

/** Per-feature mean and standard deviation (a zero deviation becomes 1). */
export interface Normalization {
  readonly mean: number[]
  readonly std: number[]
}

/**
 * Mean and standard deviation of each column of `rows` (the training split).
 * @example const norm = columnStats(train)
 */
export function columnStats(rows: {
  readonly values: Float32Array
  readonly rows: number
  readonly columns: number
}): Normalization {
  const f = rows.columns
  const mean = new Array<number>(f).fill(0)
  const sq = new Array<number>(f).fill(0)
  for (let i = 0; i < rows.rows; i++) {
    for (let j = 0; j < f; j++) {
      const x = rows.values[i * f + j]!
      mean[j]! += x
      sq[j]! += x * x
    }
  }
  const n = Math.max(1, rows.rows)
  const std = mean.map((s, j) => {
    const m = s / n
    const v = sq[j]! / n - m * m
    return v > 1e-12 ? Math.sqrt(v) : 1
  })
  return { mean: mean.map((s) => s / n), std }
}

/**
 * The windows ending at `ends[from..from+count)`, normalised `(x - mean) / std` on float32 inputs as the
 * agents do: `[count, window, columns]` (columns picked by `pick`).
 * @example const input = windowBatch(seq, { ends, from: 0, count: 512, pick, norm })
 */
export function windowBatch(
  seq: Pick<SequenceMatrix, 'values' | 'columns' | 'window'>,
  o: {
    readonly ends: Uint32Array
    readonly from: number
    readonly count: number
    readonly pick: ArrayLike<number>
    readonly norm: Normalization
  },
): Float32Array {
  const w = seq.window
  const f = o.pick.length
  const out = new Float32Array(o.count * w * f)
  for (let k = 0; k < o.count; k++) {
    const end = o.ends[o.from + k]!
    for (let t = 0; t < w; t++) {
      const row = end - (w - 1) + t
      for (let j = 0; j < f; j++) {
        const x = seq.values[row * seq.columns + o.pick[j]!]!
        out[(k * w + t) * f + j] = (x - o.norm.mean[j]!) / o.norm.std[j]!
      }
    }
  }
  return out
}
