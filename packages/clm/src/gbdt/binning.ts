/**
 * Feature binning of the histogram GBDT: each feature's values map to at most 255 ordered bins
 * (quantiles of the training data) plus one bin for missing values (NaN).
 * @packageDocumentation
 */

/** The bin index every missing (NaN) value maps to. */
export const MISSING_BIN = 255

/** Largest number of value bins per feature (bin indices `0..MAX_BINS-1`). */
export const MAX_BINS = 255

/**
 * Bin edges of every feature: bin `b` of feature `f` holds the values `x` with
 * `uppers[f][b-1] < x <= uppers[f][b]`; the last bin is open above (it has no upper bound).
 * Every upper bound is a float32 taken from the training data, so `x <= upper` gives the same answer in
 * float32 (ONNX) and in double.
 */
export interface FeatureBins {
  /** Per feature, the sorted upper bounds of its bins except the last (length = bins - 1). */
  readonly uppers: readonly Float32Array[]
}

/** A matrix mapped to bins: row-major `[rows, columns]`, one byte per value. */
export interface BinnedMatrix {
  /** Bin of each value (`MISSING_BIN` for NaN). */
  readonly bins: Uint8Array
  /** Number of rows. */
  readonly rows: number
  /** Number of columns (features). */
  readonly columns: number
}

/** A row-major float32 matrix `[rows, columns]`. */
export interface FeatureMatrix {
  /** Values, row-major. */
  readonly values: Float32Array
  /** Number of rows. */
  readonly rows: number
  /** Number of columns (features). */
  readonly columns: number
}

function column(m: FeatureMatrix, f: number): Float32Array {
  const out = new Float32Array(m.rows)
  let k = 0
  for (let i = 0; i < m.rows; i++) {
    const x = m.values[i * m.columns + f]!
    if (x === x) out[k++] = x // skips NaN
  }
  return out.subarray(0, k).sort()
}

/** Upper bounds of at most `maxBins` quantile bins of sorted `values` (distinct, ascending). */
function quantileUppers(sorted: Float32Array, maxBins: number): Float32Array {
  const n = sorted.length
  const uppers: number[] = []
  if (n === 0) return new Float32Array(0)
  const distinct: number[] = []
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!)
  if (distinct.length <= maxBins) return Float32Array.from(distinct.slice(0, -1))
  for (let b = 1; b < maxBins; b++) {
    const v = sorted[Math.min(n - 1, Math.floor((b * n) / maxBins) - 1)]!
    if (uppers.length === 0 || v > uppers[uppers.length - 1]!) uppers.push(v)
  }
  // The largest value must fall in the last (open) bin, never be an upper bound itself.
  while (uppers.length > 0 && uppers[uppers.length - 1]! >= sorted[n - 1]!) uppers.pop()
  return Float32Array.from(uppers)
}

/**
 * Quantile bin edges of every column of `m` (NaN ignored), at most `maxBins` bins per feature.
 * @example const edges = fitBins(train, 255)
 */
export function fitBins(m: FeatureMatrix, maxBins: number = MAX_BINS): FeatureBins {
  const bins = Math.max(2, Math.min(MAX_BINS, Math.floor(maxBins)))
  const uppers: Float32Array[] = []
  for (let f = 0; f < m.columns; f++) uppers.push(quantileUppers(column(m, f), bins))
  return { uppers }
}

/** The bin of `x` among `uppers` (binary search: the first `b` with `x <= uppers[b]`). */
export function binOf(uppers: Float32Array, x: number): number {
  if (x !== x) return MISSING_BIN
  let lo = 0
  let hi = uppers.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (x <= uppers[mid]!) hi = mid
    else lo = mid + 1
  }
  return lo
}

/**
 * Maps every value of `m` to its bin under `edges` (fitted on the training rows).
 * @example const binned = applyBins(validation, edges)
 */
export function applyBins(m: FeatureMatrix, edges: FeatureBins): BinnedMatrix {
  const { rows, columns } = m
  const bins = new Uint8Array(rows * columns)
  for (let f = 0; f < columns; f++) {
    const uppers = edges.uppers[f]!
    for (let i = 0, at = f; i < rows; i++, at += columns) bins[at] = binOf(uppers, m.values[at]!)
  }
  return { bins, rows, columns }
}
