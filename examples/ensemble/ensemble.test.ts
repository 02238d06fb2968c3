import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cliBuilt, runQuantum } from '../../test-utils/cli.js'

describe.skipIf(!cliBuilt)('examples/ensemble (quantum-run end to end)', () => {
  it('should run the four bundled models through the ensemble out of sample and report every vote', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ens-')), 'run')
    const run = runQuantum(['examples/ensemble/quantum.config.ts', '--out', out, '--no-progress', '--quiet'])
    expect(run.status).toBe(0)
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))
    expect(summary.from).toBe('2025-07-01T00:00:00.000Z') // after the models' training data
    expect(summary.symbols).toEqual(['BTCUSDT', 'ETHUSDT', 'BNBUSDT'])
    expect(summary.decisions.total).toBeGreaterThan(1000)
    expect(summary.decisions.byAction.BUY + summary.decisions.byAction.SELL).toBeGreaterThan(10)
    expect(summary.trades).toBeGreaterThan(0)
    expect(summary.pluginErrors).toBe(0)
    // The liquidation guard lowered the RL sizer's leverage on 5 entries (recorded run); none was liquidated.
    expect(summary.riskByGuard['risk:liquidation-guard']).toEqual({ resized: 5, denied: 0 })
    expect(summary.liquidations).toBe(0)
    const l = summary.ledger
    expect(Math.round((l.startBalance + l.realizedPnl - l.fees + l.funding) * 100)).toBe(Math.round(l.endBalance * 100))
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    expect(html).toMatch(/ENSEMBLE (BTC|ETH|BNB)USDT: (BUY|SELL) \d+\.\d\d%/)
    expect(html).toContain('├─ XGB:')
    expect(html).toContain('└─ PT:')
  })
})
