import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fixedNotional } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { runOn, scripted, seriesOf } from '../../test/engine-helpers.js'
import { EmergencyStop } from './emergency-stop.js'
import { emergencyStopPlugins } from './ess-plugins.js'
import { fileEssStore, memoryEssStore } from './ess-store.js'

// Flat at 100 for a day, then a 20% slide over six hours, then flat, with a BUY after the crash.
const closes = [
  ...Array.from({ length: 24 }, () => 100),
  96,
  92,
  88,
  85,
  82,
  80,
  ...Array.from({ length: 10 }, () => 80),
]
const crash = seriesOf('TESTUSDT', closes)

describe('emergencyStopPlugins', () => {
  it('should trip on the daily drawdown, flatten with a reduce-only market order and block later entries', async () => {
    const ess = new EmergencyStop(
      { dailyDrawdownPct: 0.05, openLossPct: false, staleBars: false },
      { store: memoryEssStore() },
    )
    const { output, events, exchange } = await runOn(crash, [
      scripted({ buy: [2, 35] }),
      fixedNotional({ notional: 5000 }),
      ...emergencyStopPlugins(ess),
    ])
    expect(ess.status()).toMatchObject({ state: 'TRIPPED', trigger: 'daily-drawdown' })
    const trip = output.riskStates[0]!
    expect(trip).toMatchObject({ source: 'ess', state: 'TRIPPED', tradingState: 'halted', trigger: 'daily-drawdown' })
    // The UTC day starts at bar 24 (close 96, equity ~9,800 with 50 TEST long); -5% of that is ~490,
    // i.e. a close of ~86.6: the first close below it is bar 27 (85). The flatten fills at the next open.
    expect(trip.time).toBe(crash.openTime[27])
    const flatten = output.fills.filter((f) => f.tag === 'ess-flatten')
    expect(flatten).toHaveLength(1)
    expect(flatten[0]).toMatchObject({ reduceOnly: true, side: 'SELL', time: crash.openTime[28] })
    expect(exchange.account.getPositions()).toEqual([])
    const denied = events.filter((e) => e.type === 'risk' && e.plugin === 'risk:ess')
    expect(denied).toEqual([expect.objectContaining({ verdict: expect.objectContaining({ action: 'deny' }) })])
  })

  it('should come back TRIPPED after a restart and block entries from the first bar', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ess-run-')), 'ess.json')
    const first = new EmergencyStop({ store: 'file', file })
    first.trip('operator stop', { time: Date.UTC(2024, 7, 3) })
    const ess = new EmergencyStop({ store: 'file', file })
    const { output, events } = await runOn(seriesOf('TESTUSDT', [100, 101, 102, 103]), [
      scripted({ buy: [0, 1, 2] }),
      fixedNotional({ notional: 1000 }),
      ...emergencyStopPlugins(ess),
    ])
    expect(output.fills).toEqual([])
    expect(events.filter((e) => e.type === 'risk')).toHaveLength(3)
    expect(fileEssStore(file).load()).toMatchObject({ state: 'TRIPPED', reason: 'operator stop' })
    // Not silent: the run announces the restored trip once, as a risk-state event (alerts, metrics, dashboard).
    expect(output.riskStates).toEqual([
      expect.objectContaining({
        source: 'ess',
        state: 'TRIPPED',
        trigger: 'restored',
        reason: 'TRIPPED at start: operator stop',
      }),
    ])
  })

  it('should not interfere while ARMED and the limits hold', async () => {
    const ess = new EmergencyStop({}, { store: memoryEssStore() })
    const calm = seriesOf(
      'TESTUSDT',
      Array.from({ length: 30 }, (_, i) => 100 + (i % 3)),
    )
    const { output } = await runOn(calm, [
      scripted({ buy: [2], sell: [20] }),
      fixedNotional({ notional: 1000 }),
      ...emergencyStopPlugins(ess),
    ])
    expect(ess.state).toBe('ARMED')
    expect(output.riskStates).toEqual([])
    expect(output.trades.length).toBeGreaterThan(0)
  })
})
