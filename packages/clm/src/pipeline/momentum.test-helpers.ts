/** Candles for the pipeline tests. */
import type { CandleSeries } from '@quantum/core'
import { rng } from '../gbdt/synthetic.test-helpers.js'

const HOUR = 3_600_000

/** 1h candles with momentum (returns autocorrelated), so the next 4 bars are partly predictable. */
export function momentumCandles(symbol: string, seed: number, bars = 24 * 240): CandleSeries {
  const next = rng(seed)
  const openTime = new Float64Array(bars)
  const [open, high, low, close, volume] = [0, 1, 2, 3, 4].map(() => new Float64Array(bars)) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ]
  let price = 100
  let r = 0
  for (let i = 0; i < bars; i++) {
    r = 0.6 * r + (next() - 0.5) * 0.012
    const o = price
    price = price * (1 + r)
    openTime[i] = Date.UTC(2024, 0, 1) + i * HOUR
    open[i] = o
    close[i] = price
    high[i] = Math.max(o, price) * (1 + next() * 0.002)
    low[i] = Math.min(o, price) * (1 - next() * 0.002)
    volume[i] = 1000 + next() * 500
  }
  return { symbol, timeframe: '1h', openTime, open, high, low, close, volume }
}
