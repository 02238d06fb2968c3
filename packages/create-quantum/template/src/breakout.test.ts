import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { MarketBar, PluginContext } from '@quantum/core'
import { breakout } from './breakout.ts'

const bar = (close: number, i: number): MarketBar =>
  ({ symbol: 'BTCUSDT', openTime: i * 3_600_000, open: close, high: close, low: close, close, volume: 1 }) as MarketBar

function signals(closes: readonly number[]) {
  const agent = breakout({ lookback: 3 })
  return closes.map((c, i) => agent.onBar(bar(c, i), {} as PluginContext)?.action)
}

test('stays silent until it has lookback bars of history', () => {
  assert.deepEqual(signals([10, 20, 30]), [undefined, undefined, undefined])
})

test('buys a close above the highest of the last bars and sells one below the lowest', () => {
  assert.deepEqual(signals([10, 11, 12, 13, 12, 9]), [undefined, undefined, undefined, 'BUY', undefined, 'SELL'])
})

test('refuses a lookback below 2 with an error naming the option', () => {
  assert.throws(() => breakout({ lookback: 1 }), /lookback/)
})
