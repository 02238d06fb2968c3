import { generateCandles, loadCandles, maxDrawdownFromEquity, type CandleSeries } from '@quantum/core'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoDir, sharedFile } from '../../test-utils/shared.js'
import { runBareLoop, type BareResult } from './bare-loop.js'
import { runReferenceSdk } from './run-sdk.js'

async function expectParity(series: CandleSeries): Promise<BareResult> {
  const bare = runBareLoop(series)
  const sdk = await runReferenceSdk(series)
  const trades = sdk.output.trades
  expect(trades.length).toBe(bare.trades.length)
  for (let i = 0; i < trades.length; i++) {
    const a = trades[i]!
    const b = bare.trades[i]!
    expect({ i, side: a.side, entry: a.entryTime, exit: a.exitTime, reason: a.exitReason }).toEqual({
      i,
      side: b.side,
      entry: b.entryTime,
      exit: b.exitTime,
      reason: b.exitReason,
    })
    expect(a.entryPrice).toBeCloseTo(b.entryPrice, 9)
    expect(a.exitPrice).toBeCloseTo(b.exitPrice, 9)
    expect(a.netPnl).toBeCloseTo(b.netPnl, 9)
  }
  const wins = trades.filter((t) => t.netPnl > 0).length
  expect(wins / Math.max(1, trades.length)).toBe(bare.winRate)
  expect(Math.abs(sdk.endEquity - sdk.startBalance - bare.pnl)).toBeLessThan(1e-6)
  const dd = maxDrawdownFromEquity(sdk.output.equity.equity, sdk.startBalance)
  expect(Math.abs(dd.abs - bare.maxDrawdown)).toBeLessThan(1e-6)
  expect(Math.abs(dd.pct - bare.maxDrawdownPct)).toBeLessThan(1e-9)
  expect(sdk.output.openAtEnd).toBe(bare.openAtEnd)
  return bare
}

describe('reference strategy parity (SDK pipeline vs bare loop)', () => {
  it('should yield exactly the bare loop trade list on the bundled BTCUSDT 1h year', async () => {
    const { series } = await loadCandles(join(repoDir, 'examples/data/BTCUSDT-1h.csv'), { cache: false })
    const bare = await expectParity(series)
    expect(bare.trades.length).toBeGreaterThan(100)
  })

  it('should yield exactly the bare loop trade list on a generated 1M-bar series', async () => {
    const series = generateCandles({ bars: 1_000_000, seed: 42, symbol: 'SYNTHUSDT' })
    const bare = await expectParity(series)
    expect(bare.trades.length).toBeGreaterThan(10_000)
  })

  for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
    const file = sharedFile(`data/${symbol}-1h.csv`)
    it.skipIf(file === undefined)(`should yield exactly the bare loop trade list on shared ${symbol} 1h`, async () => {
      const { series } = await loadCandles(file!, { cache: false })
      const bare = await expectParity(series)
      expect(bare.trades.length).toBeGreaterThan(100)
    })
  }
})
