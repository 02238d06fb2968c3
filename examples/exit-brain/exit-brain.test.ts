import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cliBuilt, runQuantum } from '../../test-utils/cli.js'

describe.skipIf(!cliBuilt)('examples/exit-brain (quantum-run end to end)', () => {
  it('should manage RSI entries with multi-leg plans, fill BTC September on 5m detail and reconcile', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'eb-')), 'run')
    const run = runQuantum(['examples/exit-brain/quantum.config.ts', '--out', out, '--no-progress'])
    expect(run.status).toBe(0)
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))
    expect(summary.bars).toBe(3 * 8760)
    expect(summary.trades).toBeGreaterThan(100)
    // Every exit comes from the plan (a leg, the stop) or a reversal; take-profit legs fill as limit orders.
    const trades = readFileSync(join(out, 'trades.csv'), 'utf8').trimEnd().split('\n')
    const header = trades[0]!.split(',')
    const reasons = new Set(trades.slice(1).map((line) => line.split(',')[header.indexOf('exit_reason')]))
    for (const reason of reasons) expect(reason).toMatch(/^(stop|tp[1-4]|reverse|pil-time-stop|end)$/)
    expect([...reasons].some((r) => r?.startsWith('tp'))).toBe(true)
    // September's BTC bars were filled on the bundled 5m candles: all 720 hours covered.
    const detail = summary.data.find((d: { kind: string }) => d.kind === 'detail')
    expect(detail).toMatchObject({ symbol: 'BTCUSDT', timeframe: '5m', rows: 8640, coveredBars: 720 })
    const l = summary.ledger
    expect(Math.round((l.startBalance + l.realizedPnl - l.fees + l.funding) * 100)).toBe(Math.round(l.endBalance * 100))
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    expect(html).toContain('fills inside 720 strategy bars')
  })
})
