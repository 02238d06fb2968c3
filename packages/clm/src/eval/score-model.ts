/**
 * Scores an ONNX model file (with its `.meta.json`) on dataset rows exactly as the model agents feed it
 * live: its features picked by name, each rounded to float32 then normalised `(x - mean) / std`, run
 * through onnxruntime by the agents' `ModelSession`. Used for the candidate and the production model
 * alike, so the file that is evaluated is the file that would serve.
 * @packageDocumentation
 */
import { openModelSession } from '@quantum/agents'
import { ModelError } from '@quantum/core'
import { windowBatch, type SequenceMatrix } from '../data/windows.js'
import type { Probabilities } from './metrics.js'

/** Rows to score: features `[rows, columns]` named by `features`. */
export interface NamedRows {
  readonly values: Float32Array
  readonly rows: number
  readonly columns: number
  readonly features: readonly string[]
}

/** The windows of the rows, for a window model: the sequence matrix and where each row's window ends. */
export interface WindowRows {
  readonly matrix: Pick<SequenceMatrix, 'values' | 'columns' | 'window'>
  /** Per scored row, the matrix row its window ends at. */
  readonly ends: Uint32Array
}

/**
 * Probabilities `[rows, 3]` (SELL, HOLD, BUY) of the model at `path` on `rows` (a window model reads
 * the windows of `windows` instead, whose columns are named like `rows`').
 * @throws {ModelError} when the file or its metadata is missing or corrupt, it needs a feature `rows`
 * lack, or it is a window model and no windows of its length are given.
 * @example const p = await scoreOnnxModel('models/xgb.onnx', { ...test, features: ds.features })
 */
export async function scoreOnnxModel(path: string, rows: NamedRows, windows?: WindowRows): Promise<Probabilities> {
  const session = await openModelSession(path)
  try {
    const meta = session.metadata
    if (meta.window !== 1 && (windows === undefined || windows.matrix.window !== meta.window))
      throw new ModelError(
        path,
        `window ${meta.window}: needs windows of ${meta.window} bars (given: ${windows === undefined ? 'none' : windows.matrix.window})`,
      )
    const columns = meta.features.map((f) => {
      const k = rows.features.indexOf(f)
      if (k < 0) throw new ModelError(path, `needs feature "${f}", which the evaluation rows lack`)
      return k
    })
    const { mean, std } = meta.normalization
    const f = columns.length
    if (windows !== undefined && meta.window !== 1) {
      const probs = new Float32Array(rows.rows * 3)
      const step = 512
      for (let at = 0; at < rows.rows; at += step) {
        const n = Math.min(step, rows.rows - at)
        const input = windowBatch(windows.matrix, {
          ends: windows.ends,
          from: at,
          count: n,
          pick: columns,
          norm: { mean, std },
        })
        probs.set(await session.predict(input, n), at * 3)
      }
      return { probs, classCount: 3 }
    }
    const input = new Float32Array(rows.rows * f)
    for (let i = 0; i < rows.rows; i++) {
      for (let j = 0; j < f; j++) {
        const x = rows.values[i * rows.columns + columns[j]!]!
        input[i * f + j] = (x - mean[j]!) / std[j]!
      }
    }
    const batch = 4096
    const probs = new Float32Array(rows.rows * 3)
    for (let at = 0; at < rows.rows; at += batch) {
      const n = Math.min(batch, rows.rows - at)
      probs.set(await session.predict(input.subarray(at * f, (at + n) * f), n), at * 3)
    }
    return { probs, classCount: 3 }
  } finally {
    await session.release()
  }
}
