import { ConfigError, SimulatedClock, createEventBus, generateCandles, sfc32, silentLogger } from '@quantum/core'
import type { CandleSeries, MarketBar, PluginContext } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { marketStateClassifier } from './market-state-classifier.js'
import { createRegimeStore, type MarketRegime } from './regime-store.js'

const ctx = {
  mode: 'backtest',
  clock: new SimulatedClock(0),
  logger: silentLogger,
  bus: createEventBus(),
} as unknown as PluginContext

/** Hand-made bars from closes: open = previous close, high/low 0.1 % beyond the body. */
function barsFrom(closes: readonly number[], symbol = 'TESTUSDT'): MarketBar[] {
  return closes.map((close, i) => {
    const open = i === 0 ? close : closes[i - 1]!
    return {
      symbol,
      index: i,
      openTime: i * 60_000,
      open,
      close,
      high: Math.max(open, close) * 1.001,
      low: Math.min(open, close) * 0.999,
      volume: 1,
    }
  })
}

function barsOf(series: CandleSeries): MarketBar[] {
  return Array.from(series.close, (close, i) => ({
    symbol: series.symbol,
    index: i,
    openTime: series.openTime[i]!,
    open: series.open[i]!,
    high: series.high[i]!,
    low: series.low[i]!,
    close,
    volume: series.volume[i]!,
  }))
}

/** Runs the classifier over `bars`; returns the regime after each bar. */
function classify(bars: readonly MarketBar[]): (MarketRegime | undefined)[] {
  const store = createRegimeStore()
  const msc = marketStateClassifier({ store })
  return bars.map((bar) => {
    expect(msc.onBar(bar, ctx)).toBeUndefined()
    return store.get(bar.symbol)
  })
}

const share = (xs: readonly (MarketRegime | undefined)[], r: MarketRegime): number =>
  xs.filter((x) => x === r).length / xs.length

describe('marketStateClassifier', () => {
  it('rejects bad options with a ConfigError', () => {
    expect(() => marketStateClassifier({} as never)).toThrow(ConfigError)
    expect(() => marketStateClassifier({ store: createRegimeStore(), highVolRatio: 0.5 })).toThrow(ConfigError)
  })

  it('stays unknown during the warm-up', () => {
    const regimes = classify(barsFrom(Array.from({ length: 100 }, (_, i) => 100 + i)))
    expect(regimes.every((r) => r === undefined)).toBe(true)
  })

  it('sees a steady climb as trend-up and a steady fall as trend-down', () => {
    const rnd = sfc32(3)
    const up = Array.from({ length: 400 }, (_, i) => 100 * Math.exp(0.002 * i + 0.0005 * (rnd() - 0.5)))
    const down = up.map((_, i) => 100 * Math.exp(-0.002 * i + 0.0005 * (rnd() - 0.5)))
    expect(share(classify(barsFrom(up)).slice(200), 'trend-up')).toBeGreaterThan(0.9)
    expect(share(classify(barsFrom(down)).slice(200), 'trend-down')).toBeGreaterThan(0.9)
  })

  it('sees an oscillating market as a range', () => {
    const rnd = sfc32(5)
    const closes = Array.from({ length: 400 }, (_, i) => 100 + 0.5 * Math.sin(i / 1.5) + 0.3 * (rnd() - 0.5))
    expect(share(classify(barsFrom(closes)).slice(200), 'range')).toBeGreaterThan(0.9)
  })

  it('flags a volatility burst on a generated series as high-volatility', () => {
    const calm = generateCandles({ bars: 300, seed: 11, startPrice: 100, sigma: 0.0008 })
    const wild = generateCandles({
      bars: 60,
      seed: 12,
      startPrice: calm.close[299]!,
      sigma: 0.006,
      startTime: calm.openTime[299]! + 60_000,
    })
    const regimes = classify([...barsOf(calm), ...barsOf(wild).map((b) => ({ ...b, index: b.index + 300 }))])
    expect(share(regimes.slice(200, 300), 'high-volatility')).toBeLessThan(0.1)
    expect(share(regimes.slice(310, 340), 'high-volatility')).toBeGreaterThan(0.8)
  })
})
