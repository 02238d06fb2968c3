/**
 * Deterministic synthetic candles for tests and benchmarks: a seeded geometric random walk.
 * @packageDocumentation
 */
import { timeframeLabel, type CandleSeries } from './candle-series.js'
import { gaussian, sfc32 } from './sfc32.js'

/** Options of {@link generateCandles}. */
export interface GenerateCandlesOptions {
  /** Number of bars to generate. */
  readonly bars: number
  /** PRNG seed; the same seed (and options) always gives the same series. */
  readonly seed: number
  /**
   * Open time of the first bar (epoch ms UTC).
   * @default Date.UTC(2020, 0, 1) (2020-01-01T00:00:00Z)
   */
  readonly startTime?: number
  /**
   * Open price of the first bar (rounded to 0.01).
   * @default 30000
   */
  readonly startPrice?: number
  /**
   * Standard deviation of the per-bar log return.
   * @default 0.0008
   */
  readonly sigma?: number
  /**
   * Bar length in milliseconds.
   * @default 60000 (1 minute)
   */
  readonly timeframeMs?: number
  /**
   * Symbol of the series.
   * @default 'SYNTHUSDT'
   */
  readonly symbol?: string
}

const TICK = 0.01

function round2(x: number): number {
  return Math.max(TICK, Math.round(x * 100) / 100)
}

/**
 * Generates `bars` candles: close = open·exp(sigma·z), prices rounded to 0.01, `open[i] === close[i-1]`,
 * and high/low stretched beyond the body by a small random positive excursion so that
 * `0 < low <= min(open, close) <= max(open, close) <= high`. Volume is log-normal around 100, rounded to 0.001.
 * @example
 * const series = generateCandles({ bars: 1_000_000, seed: 7 })
 * series.close.length // 1000000
 */
export function generateCandles(options: GenerateCandlesOptions): CandleSeries {
  const { bars, seed, startTime = Date.UTC(2020, 0, 1), startPrice = 30000, sigma = 0.0008 } = options
  const timeframeMs = options.timeframeMs ?? 60_000
  const z = gaussian(sfc32(seed))
  const openTime = new Float64Array(bars)
  const open = new Float64Array(bars)
  const high = new Float64Array(bars)
  const low = new Float64Array(bars)
  const close = new Float64Array(bars)
  const volume = new Float64Array(bars)
  let price = round2(startPrice)
  for (let i = 0; i < bars; i++) {
    const o = price
    const c = round2(o * Math.exp(sigma * z()))
    const top = Math.max(o, c)
    const bottom = Math.min(o, c)
    openTime[i] = startTime + i * timeframeMs
    open[i] = o
    close[i] = c
    high[i] = round2(top * (1 + Math.abs(z()) * sigma * 0.5))
    low[i] = Math.min(bottom, round2(bottom * (1 - Math.abs(z()) * sigma * 0.5)))
    volume[i] = Math.round(100_000 * Math.exp(0.5 * z())) / 1000
    price = c
  }
  const symbol = options.symbol ?? 'SYNTHUSDT'
  return { symbol, timeframe: timeframeLabel(timeframeMs), openTime, open, high, low, close, volume }
}
