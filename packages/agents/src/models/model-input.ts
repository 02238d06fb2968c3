/**
 * Model inputs from candles: the configured features picked out of the standard feature rows,
 * normalised with the model's statistics, as whole histories (backtests) or bar by bar (live).
 * Both paths round each feature to float32 first, then normalise in double, so they agree exactly.
 * @packageDocumentation
 */
import { ModelError } from '@quantum/core'
import type { AgentHistory } from '@quantum/core'
import { STANDARD_FEATURES, StandardFeatureStream, computeStandardFeatures } from '../features/standard-features.js'
import { CLASS_COUNT, probabilityIssue, type ModelSession } from './model-session.js'

/** Normalisation statistics of a model, one value per feature (see {@link ModelSession}). */
export interface NormStats {
  /** Means. */
  readonly mean: Float64Array
  /** Standard deviations (> 0). */
  readonly std: Float64Array
}

/**
 * For each of `features` (names from {@link STANDARD_FEATURES}, any subset and order), its column
 * in the standard feature row.
 * @throws {ModelError} for a name that is not a standard feature.
 * @example const columns = featureColumns(['rsi_14', 'ret_1']) // Int32Array [4, 0]
 */
export function featureColumns(features: readonly string[]): Int32Array {
  const names: readonly string[] = STANDARD_FEATURES
  return Int32Array.from(features, (f) => {
    const k = names.indexOf(f)
    if (k < 0) throw new ModelError(f, `unknown feature (known: ${names.join(', ')})`)
    return k
  })
}

/**
 * Copies the selected `columns` of one standard-feature row (from `src[from]`) into `dst[at]` as
 * float32; returns false when a value is NaN or infinite (warm-up).
 * @example if (selectRow(columns, stream.row, { dst, at: 0 })) ready()
 */
export function selectRow(
  columns: Int32Array,
  src: ArrayLike<number>,
  target: { readonly dst: Float32Array; readonly at: number; readonly from?: number },
): boolean {
  const { dst, at } = target
  const from = target.from ?? 0
  let ok = true
  for (let j = 0; j < columns.length; j++) {
    const x = Math.fround(src[from + columns[j]!]!)
    if (!Number.isFinite(x)) ok = false
    dst[at + j] = x
  }
  return ok
}

/**
 * Normalises `values` (whole rows of `stats.mean.length` floats) into `dst` at `at`, in double then
 * rounded to float32: `(x - mean) / std`.
 * @example normalizeInto(raw, session, { dst: input, at: 0 })
 */
export function normalizeInto(
  values: Float32Array,
  stats: NormStats,
  target: { readonly dst: Float32Array; readonly at: number },
): void {
  const { mean, std } = stats
  const f = mean.length
  const { dst, at } = target
  for (let i = 0, j = 0; i < values.length; i++, j = j + 1 === f ? 0 : j + 1) {
    dst[at + i] = (values[i]! - mean[j]!) / std[j]!
  }
}

/** Per-bar results of a model over a whole history. */
export interface HistoryPredictions {
  /** `[n, 3]` probabilities in SELL, HOLD, BUY order (NaN where not predicted). */
  readonly probs: Float32Array
  /** Per bar: 0 = no input (warm-up, NaN features), 1 = valid prediction, 2 = invalid model output. */
  readonly status: Uint8Array
  /** Bar open times (to check a bar against its row). */
  readonly openTime: Float64Array
}

/** Status of a bar in {@link HistoryPredictions}. */
export const ROW_NO_INPUT = 0
/** Status of a bar in {@link HistoryPredictions}. */
export const ROW_OK = 1
/** Status of a bar in {@link HistoryPredictions}. */
export const ROW_INVALID_OUTPUT = 2

/** Options of {@link predictHistory}. */
export interface PredictHistoryOptions {
  /** Columns of the model's features in the standard feature row (see {@link featureColumns}). */
  readonly columns: Int32Array
  /** Predictions per `session.run`. @default 4096 for window 1, 256 for sequence models */
  readonly batchRows?: number
}

/**
 * Normalised model rows of a history `[n, F]` and, per bar, the length of the run of valid rows
 * ending there (a window of `w` rows ending at `i` is usable when `run[i] >= w`).
 */
function modelRows(
  history: AgentHistory,
  columns: Int32Array,
  stats: NormStats,
): { rows: Float32Array; run: Int32Array } {
  const std = computeStandardFeatures(history)
  const n = std.rows
  const f = columns.length
  const rows = new Float32Array(n * f)
  const run = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const ok = selectRow(columns, std.matrix, { dst: rows, at: i * f, from: i * std.columns })
    run[i] = ok ? (i > 0 ? run[i - 1]! : 0) + 1 : 0
  }
  normalizeInto(rows, stats, { dst: rows, at: 0 })
  return { rows, run }
}

/**
 * Runs `model` over every bar of `history` in batches: bar `i` reads the `window` rows ending at `i`
 * (never a later bar); bars without a full window of valid features are not predicted. The session
 * is leased for the whole history, so a hot swap meanwhile does not split it between two models.
 * @example const preds = await predictHistory(handle.session, history, { columns })
 */
export async function predictHistory(
  model: ModelSession,
  history: AgentHistory,
  options: PredictHistoryOptions,
): Promise<HistoryPredictions> {
  const done = model.lease()
  try {
    return await predictRows(model, history, options)
  } finally {
    done()
  }
}

async function predictRows(
  model: ModelSession,
  history: AgentHistory,
  options: PredictHistoryOptions,
): Promise<HistoryPredictions> {
  const { rows, run } = modelRows(history, options.columns, model)
  const n = run.length
  const { window: w, features: f, rowSize } = model
  const probs = new Float32Array(n * CLASS_COUNT).fill(NaN)
  const status = new Uint8Array(n)
  const batch = Math.max(1, options.batchRows ?? (w === 1 ? 4096 : 256))
  const input = new Float32Array(batch * rowSize)
  const index = new Int32Array(batch)
  let k = 0
  const flush = async (): Promise<void> => {
    const out = await model.predict(k === batch ? input : input.subarray(0, k * rowSize), k)
    for (let r = 0; r < k; r++) {
      const i = index[r]!
      probs.set(out.subarray(r * CLASS_COUNT, (r + 1) * CLASS_COUNT), i * CLASS_COUNT)
      status[i] = probabilityIssue(out, r * CLASS_COUNT) === undefined ? ROW_OK : ROW_INVALID_OUTPUT
    }
    k = 0
  }
  for (let i = 0; i < n; i++) {
    if (run[i]! < w) continue
    input.set(rows.subarray((i - w + 1) * f, (i + 1) * f), k * rowSize)
    index[k++] = i
    if (k === batch) await flush()
  }
  if (k > 0) await flush()
  return { probs, status, openTime: Float64Array.from(history.openTime) }
}

/** The fields of a bar that {@link LiveWindow.push} reads. */
export interface OhlcvBar {
  readonly openTime: number
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  readonly volume: number
}

/**
 * Live model input of one symbol: a {@link StandardFeatureStream} plus rings of the last `window`
 * feature rows, raw (float32) and normalised. {@link LiveWindow.copyInput} writes them oldest first,
 * normalised exactly as {@link predictHistory} does; rows are normalised once on push and again only
 * when the statistics change (a hot swap).
 * @example
 * const win = new LiveWindow(columns, 120); win.push(bar, session); if (win.ready) win.copyInput(session, { dst, at: 0 })
 */
export class LiveWindow {
  private readonly stream = new StandardFeatureStream()
  private readonly raw: Float32Array
  private readonly norm: Float32Array
  private stats: NormStats | undefined
  private readonly f: number
  private head = 0
  private valid = 0
  /** Open time of the last bar pushed (NaN before the first). */
  lastOpenTime = NaN

  /** Creates the window of `window` rows of the given feature columns. */
  constructor(
    private readonly columns: Int32Array,
    private readonly window: number,
  ) {
    this.f = columns.length
    this.raw = new Float32Array(window * this.f)
    this.norm = new Float32Array(window * this.f)
  }

  /** True when the last `window` rows are all valid (a prediction is possible). */
  get ready(): boolean {
    return this.valid >= this.window
  }

  /** Adds one closed bar, normalised with `stats` (allocation-free). */
  push(bar: OhlcvBar, stats: NormStats): void {
    const row = this.stream.update(bar.open, bar.high, bar.low, bar.close, bar.volume)
    const at = this.head * this.f
    const ok = selectRow(this.columns, row, { dst: this.raw, at })
    if (this.stats === stats) normalizeInto(this.raw.subarray(at, at + this.f), stats, { dst: this.norm, at })
    else this.renormalize(stats)
    this.head = (this.head + 1) % this.window
    this.valid = ok ? Math.min(this.valid + 1, this.window) : 0
    this.lastOpenTime = bar.openTime
  }

  private renormalize(stats: NormStats): void {
    normalizeInto(this.raw, stats, { dst: this.norm, at: 0 })
    this.stats = stats
  }

  /** Writes the window (oldest row first), normalised with `stats`, into `target.dst` at `target.at`. */
  copyInput(stats: NormStats, target: { readonly dst: Float32Array; readonly at: number }): void {
    if (this.stats !== stats) this.renormalize(stats)
    const split = this.head * this.f
    const older = this.norm.subarray(split)
    target.dst.set(older, target.at)
    target.dst.set(this.norm.subarray(0, split), target.at + older.length)
  }
}
