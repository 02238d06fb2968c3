import { Atr, Ema, Rsi, Sma } from '@quantum/core'
import type { AgentHistory } from '@quantum/core'

/**
 * The feature set the bundled models are trained on, in input order. Every feature of bar `i` uses
 * bars `<= i` only. Version it with the models: a model's metadata lists the names it expects, and a
 * mismatch is refused at load.
 */
export const STANDARD_FEATURES = [
  'ret_1',
  'ret_4',
  'ret_16',
  'ret_64',
  'rsi_14',
  'atr_14_pct',
  'ema_12_26_gap',
  'close_ema_50_gap',
  'range_pct',
  'volume_ratio_20',
] as const

/** Name of one standard feature. */
export type StandardFeature = (typeof STANDARD_FEATURES)[number]

/** Bars a standard-feature row needs before it is fully defined (the 64-bar return). */
export const STANDARD_FEATURES_WARMUP = 65

const F = STANDARD_FEATURES.length
const LOOKBACK = 65 // ring of closes for ret_64

/**
 * Streaming computation of {@link STANDARD_FEATURES}: `update` takes one bar and writes the row into
 * `row` (NaN while warming up). Allocation-free per bar.
 * @example
 * const s = new StandardFeatureStream(); s.update(o, h, l, c, v); model.input.set(s.row)
 */
export class StandardFeatureStream {
  /** The latest row, in {@link STANDARD_FEATURES} order. */
  readonly row = new Float64Array(F).fill(NaN)
  private readonly closes = new Float64Array(LOOKBACK)
  private count = 0
  private readonly rsi = new Rsi(14)
  private readonly atr = new Atr(14)
  private readonly ema12 = new Ema(12)
  private readonly ema26 = new Ema(26)
  private readonly ema50 = new Ema(50)
  private readonly volSma = new Sma(20)

  /** Updates the row with one bar (five numbers, no allocation). */
  // eslint-disable-next-line max-params -- per-bar hot path: positional numbers, no object
  update(open: number, high: number, low: number, close: number, volume: number): Float64Array {
    const ring = this.closes
    ring[this.count % LOOKBACK] = close
    this.count++
    const back = (k: number): number => (this.count > k ? (ring[(this.count - 1 - k) % LOOKBACK] as number) : NaN)
    const r = this.row
    r[0] = close / back(1) - 1
    r[1] = close / back(4) - 1
    r[2] = close / back(16) - 1
    r[3] = close / back(64) - 1
    r[4] = this.rsi.update(close) / 100 - 0.5
    r[5] = this.atr.update(high, low, close) / close
    r[6] = this.ema12.update(close) / this.ema26.update(close) - 1
    r[7] = close / this.ema50.update(close) - 1
    r[8] = (high - low) / close
    const avgVol = this.volSma.update(volume)
    r[9] = avgVol > 0 ? Math.log((volume + 1e-12) / avgVol) : NaN
    void open
    return r
  }
}

/**
 * The standard features of a whole history as one row-major matrix `[n, F]` (Float32, the models'
 * input type); rows before the warm-up hold NaN.
 * @example const { matrix, rows, columns } = computeStandardFeatures(history)
 */
export function computeStandardFeatures(history: AgentHistory): {
  matrix: Float32Array
  rows: number
  columns: number
} {
  const n = history.close.length
  const matrix = new Float32Array(n * F)
  const s = new StandardFeatureStream()
  for (let i = 0; i < n; i++) {
    const row = s.update(history.open[i]!, history.high[i]!, history.low[i]!, history.close[i]!, history.volume[i]!)
    matrix.set(row, i * F)
  }
  return { matrix, rows: n, columns: F }
}
