import { ConfigError } from '@quantum/core'
import type { MarketBar, PluginContext, Signal } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { randomEntries } from './random-entries.js'
import { rsiReversal } from './rsi-reversal.js'

const ctx = {} as PluginContext
const bar = (symbol: string, i: number, close: number): MarketBar => ({
  symbol,
  index: i,
  openTime: i * 3_600_000,
  open: close,
  high: close,
  low: close,
  close,
  volume: 1,
})

function run(
  agent: { onBar(bar: MarketBar, ctx: PluginContext): Signal | undefined },
  closes: number[],
  symbol = 'BTCUSDT',
) {
  return closes
    .map((c, i) => agent.onBar(bar(symbol, i, c), ctx))
    .map((s, i) => (s === undefined ? undefined : { i, action: s.action }))
}

describe('rsiReversal', () => {
  // 20 falling closes drive RSI to 0; one rise lifts it back above 30; then rises to 100 and one fall.
  const down = Array.from({ length: 20 }, (_, i) => 100 - i)
  const up = Array.from({ length: 20 }, (_, i) => 81 + 3 * (i + 1))
  it('should buy when RSI crosses back above oversold and sell when it crosses back below overbought', () => {
    const signals = run(rsiReversal({ period: 5 }), [...down, 90, ...up, 130]).filter((s) => s !== undefined)
    expect(signals).toEqual([
      { i: 20, action: 'BUY' },
      { i: 41, action: 'SELL' },
    ])
  })

  it('should not repeat a BUY before a SELL', () => {
    const wiggle = [...down, 90, ...down.map((c) => c - 30), 70]
    const signals = run(rsiReversal({ period: 5 }), wiggle).filter((s) => s !== undefined)
    expect(signals.map((s) => s.action)).toEqual(['BUY'])
  })

  it('should reject inverted levels with a ConfigError', () => {
    expect(() => rsiReversal({ oversold: 70, overbought: 30 })).toThrow(ConfigError)
  })
})

describe('randomEntries', () => {
  const closes = Array.from({ length: 2000 }, () => 100)
  it('should be deterministic for a seed and alternate BUY and SELL', () => {
    const a = run(randomEntries({ probability: 0.05, seed: 3 }), closes).filter((s) => s !== undefined)
    const b = run(randomEntries({ probability: 0.05, seed: 3 }), closes).filter((s) => s !== undefined)
    expect(a).toEqual(b)
    expect(a.length).toBeGreaterThan(60) // ~100 expected
    expect(a.length).toBeLessThan(140)
    a.forEach((s, k) => expect(s.action).toBe(k % 2 === 0 ? 'BUY' : 'SELL'))
  })

  it('should draw different sequences for different seeds and symbols', () => {
    const times = (seed: number, symbol: string) =>
      run(randomEntries({ seed }), closes, symbol)
        .filter((s) => s !== undefined)
        .map((s) => s.i)
    expect(times(1, 'BTCUSDT')).not.toEqual(times(2, 'BTCUSDT'))
    expect(times(1, 'BTCUSDT')).not.toEqual(times(1, 'ETHUSDT'))
  })
})
