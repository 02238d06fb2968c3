/**
 * Sub-bar protection on the crash of 2025-04-06/07: the emergency stop example's strategy on 1h bars,
 * once with the ESS checking at bar close only and once with 5m detail candles, where the ESS checks its
 * loss triggers after every 5m candle (`onSubBar`) and closes inside the 1h bar.
 */
import { join } from 'node:path'
import { QuantumConfigSchema, runBacktest } from '@quantum/core'
import type { BacktestRun } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { repoDir } from '../../test-utils/shared.js'
import { crashDayStrategy } from './strategy.js'

const dir = join(repoDir, 'examples/risk-ess/data/crash-2025-04-07')

async function crash(detail: boolean): Promise<BacktestRun> {
  const config = QuantumConfigSchema.parse({
    name: 'risk-ess-sub-bar',
    data: {
      candles: ['BTCUSDT-1h.csv', 'ETHUSDT-1h.csv'],
      ...(detail ? { detail: ['BTCUSDT-5m.csv.gz', 'ETHUSDT-5m.csv.gz'] } : {}),
      cache: false,
    },
    exchange: { balance: 10_000, leverage: 3 },
    plugins: crashDayStrategy(),
  })
  return runBacktest(config, { baseDir: dir })
}

describe('examples/risk-ess sub-bar protection (2025-04-07 crash, 5m detail)', () => {
  it('should trip the daily drawdown within 0.5 percentage points of its 5% limit and report the overshoot', async () => {
    const run = await crash(true)
    const trip = (run.riskStates ?? []).find((s) => s.state === 'TRIPPED')
    expect(trip?.trigger).toBe('daily-drawdown')
    expect(trip?.limit).toBe(0.05)
    const overshoot = trip!.value! - trip!.limit!
    expect(overshoot).toBeGreaterThanOrEqual(0)
    expect(overshoot).toBeLessThan(0.005)
    // The close went out on the 5m candle of the trip and filled at the next 5m open, inside the 1h bar.
    const close = run.fills.find((f) => f.tag === 'ess-flatten')
    expect(close).toBeDefined()
    expect(close!.time - trip!.time).toBe(5 * 60_000)
  })

  it('should not see the intrabar drawdown at all when the ESS checks at 1h bar closes only', async () => {
    const run = await crash(false)
    expect((run.riskStates ?? []).filter((s) => s.state === 'TRIPPED')).toEqual([])
    const low = Math.min(...run.equity.equity)
    expect(low).toBeLessThan(10_000 * 0.93) // the book fell more than 7% without the ESS acting
  })
})
