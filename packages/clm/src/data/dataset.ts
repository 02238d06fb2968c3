/**
 * Training rows from candles: the features come from the agents package's standard-feature code (the
 * very code that computes them live), the labels from a {@link LabelSpec}. A row is kept when every
 * selected feature is finite (after the warm-up) and its label is known.
 * @packageDocumentation
 */
import { STANDARD_FEATURES, computeStandardFeatures, featureColumns } from '@quantum/agents'
import { ConfigError, timeframeToMs, type CandleSeries } from '@quantum/core'
import { forwardReturnLabels, LABEL_UNKNOWN, type LabelSpec } from './labels.js'

/** Options of {@link buildDataset}. */
export interface DatasetOptions {
  /** Feature names (any of the agents' `STANDARD_FEATURES`, in model input order). @default all of them */
  readonly features?: readonly string[]
  /** The label declaration. */
  readonly label: LabelSpec
}

/** Labelled rows of one or more symbols, sorted by bar time (then by symbol). */
export interface Dataset {
  /** Feature names, in column order. */
  readonly features: readonly string[]
  /** The label declaration. */
  readonly label: LabelSpec
  /** Symbols; `symbol[i]` indexes this list. */
  readonly symbols: readonly string[]
  /** Bar length in milliseconds. */
  readonly timeframeMs: number
  /** Number of rows. */
  readonly rows: number
  /** Number of feature columns. */
  readonly columns: number
  /** Features, row-major `[rows, columns]`, float32 as the models read them. */
  readonly values: Float32Array
  /** Class per row (0 SELL, 1 HOLD, 2 BUY). */
  readonly labels: Uint8Array
  /** Open time of the row's bar (epoch ms). */
  readonly time: Float64Array
  /** Open time of the last bar the row's label reads (bar `i + horizon`). */
  readonly labelEnd: Float64Array
  /** Symbol index of the row. */
  readonly symbol: Uint16Array
}

interface RawRow {
  readonly s: number
  readonly i: number
  readonly t: number
}

/**
 * Builds the labelled rows of `histories` (one per symbol, same timeframe).
 * @throws {ModelError} for an unknown feature name.
 * @throws {ConfigError} for an unknown timeframe.
 * @example const ds = buildDataset([btc, eth], { label: DEFAULT_LABEL })
 */
export function buildDataset(histories: readonly CandleSeries[], options: DatasetOptions): Dataset {
  const features = options.features ?? STANDARD_FEATURES
  const columns = featureColumns(features)
  const f = columns.length
  const timeframe = histories[0]?.timeframe ?? '1h'
  const timeframeMs = timeframeToMs(timeframe)
  if (timeframeMs === undefined) throw new ConfigError(`Unknown timeframe "${timeframe}" of ${histories[0]!.symbol}`)
  const mixed = histories.find((h) => h.timeframe !== timeframe)
  if (mixed !== undefined) {
    throw new ConfigError(
      `Mixed timeframes: ${mixed.symbol} is ${mixed.timeframe}, ${histories[0]!.symbol} is ${timeframe}`,
    )
  }
  const perSymbol = histories.map((h) => ({
    std: computeStandardFeatures(h),
    labels: forwardReturnLabels(h.close, options.label),
    h,
  }))
  const keep: RawRow[] = []
  perSymbol.forEach(({ std, labels, h }, s) => {
    for (let i = 0; i < h.close.length; i++) {
      if (labels[i] === LABEL_UNKNOWN) continue
      let ok = true
      for (let j = 0; j < f && ok; j++) ok = Number.isFinite(std.matrix[i * std.columns + columns[j]!]!)
      if (ok) keep.push({ s, i, t: h.openTime[i]! })
    }
  })
  keep.sort((a, b) => a.t - b.t || a.s - b.s)
  const n = keep.length
  const ds = {
    values: new Float32Array(n * f),
    labels: new Uint8Array(n),
    time: new Float64Array(n),
    labelEnd: new Float64Array(n),
    symbol: new Uint16Array(n),
  }
  keep.forEach((r, k) => {
    const { std, labels, h } = perSymbol[r.s]!
    for (let j = 0; j < f; j++) ds.values[k * f + j] = std.matrix[r.i * std.columns + columns[j]!]!
    ds.labels[k] = labels[r.i]!
    ds.time[k] = r.t
    ds.labelEnd[k] = h.openTime[r.i + options.label.horizon]!
    ds.symbol[k] = r.s
  })
  return {
    features: [...features],
    label: options.label,
    symbols: histories.map((h) => h.symbol),
    timeframeMs,
    rows: n,
    columns: f,
    ...ds,
  }
}
