/**
 * The probability of backtest overfitting by combinatorially symmetric cross-validation (CSCV; Bailey,
 * Borwein, López de Prado & Zhu 2015).
 * @packageDocumentation
 */
import { ConfigError } from '../errors.js'

/** Options of {@link probabilityOfOverfitting}. */
export interface PboOptions {
  /** Blocks the rows are cut into (even; every half of them is one in-sample set). @default 16 */
  readonly blocks?: number
  /** Performance of one column over some rows. @default the mean over its standard deviation (Sharpe) */
  readonly metric?: (values: readonly number[]) => number
}

/** Result of {@link probabilityOfOverfitting}. */
export interface Pbo {
  /** Share of splits where the in-sample best ranks in the bottom half out of sample (logit <= 0). */
  readonly pbo: number
  /** The logit of the in-sample best's relative out-of-sample rank, per split. */
  readonly logits: readonly number[]
  /** Splits evaluated: C(blocks, blocks / 2). */
  readonly splits: number
}

function sharpe(values: readonly number[]): number {
  const n = values.length
  const mean = values.reduce((a, b) => a + b, 0) / n
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)
  return variance > 0 ? mean / Math.sqrt(variance) : mean > 0 ? Infinity : mean < 0 ? -Infinity : 0
}

function combinations(n: number, k: number): number[][] {
  const out: number[][] = []
  const pick = (start: number, chosen: number[]): void => {
    if (chosen.length === k) {
      out.push([...chosen])
      return
    }
    for (let i = start; i <= n - (k - chosen.length); i++) pick(i + 1, [...chosen, i])
  }
  pick(0, [])
  return out
}

function column(matrix: readonly (readonly number[])[], rows: readonly number[], j: number): number[] {
  return rows.map((r) => (matrix[r] as readonly number[])[j] as number)
}

/**
 * PBO of choosing the best of N configurations: `matrix` holds T rows (periods, oldest first) of N
 * returns (one column per configuration). The rows are cut into `blocks` contiguous blocks; for every
 * choice of half the blocks as in-sample (the rest out of sample), the configuration best in sample is
 * ranked out of sample (rank 1 = worst; ties share the mean rank) and its relative rank w = rank / (N + 1)
 * gives the logit ln(w / (1 - w)). PBO is the share of logits <= 0.
 * @throws {ConfigError} for an odd or too large block count, fewer than two columns, or ragged rows.
 * @example probabilityOfOverfitting(dailyReturnsByTrial, { blocks: 8 }).pbo // 0.43
 */
export function probabilityOfOverfitting(matrix: readonly (readonly number[])[], options: PboOptions = {}): Pbo {
  const blocks = options.blocks ?? 16
  const metric = options.metric ?? sharpe
  const rows = matrix.length
  const cols = matrix[0]?.length ?? 0
  const issues = [
    ...(blocks >= 2 && blocks % 2 === 0 ? [] : [{ path: 'blocks', message: 'expected an even number >= 2' }]),
    ...(rows >= blocks * 2
      ? []
      : [{ path: 'matrix', message: `${rows} rows: need at least 2 per block (${blocks * 2})` }]),
    ...(cols >= 2 ? [] : [{ path: 'matrix', message: 'need at least two configurations (columns)' }]),
    ...(matrix.every((r) => r.length === cols) ? [] : [{ path: 'matrix', message: 'rows of different lengths' }]),
  ]
  if (issues.length > 0) throw new ConfigError('Invalid CSCV input', issues)
  const size = Math.floor(rows / blocks)
  const blockRows = Array.from({ length: blocks }, (_, b) =>
    Array.from({ length: b === blocks - 1 ? rows - b * size : size }, (_, i) => b * size + i),
  )
  const logits: number[] = []
  for (const inSample of combinations(blocks, blocks / 2)) {
    const isRows = inSample.flatMap((b) => blockRows[b] as number[])
    const oosRows = blockRows.flatMap((r, b) => (inSample.includes(b) ? [] : r))
    let best = 0
    let bestValue = -Infinity
    for (let j = 0; j < cols; j++) {
      const v = metric(column(matrix, isRows, j))
      if (v > bestValue) {
        bestValue = v
        best = j
      }
    }
    const oos = Array.from({ length: cols }, (_, j) => metric(column(matrix, oosRows, j)))
    const target = oos[best] as number
    const below = oos.filter((v) => v < target).length
    const equal = oos.filter((v) => v === target).length
    const rank = below + (equal + 1) / 2
    const w = rank / (cols + 1)
    logits.push(Math.log(w / (1 - w)))
  }
  return { pbo: logits.filter((l) => l <= 0).length / logits.length, logits, splits: logits.length }
}
