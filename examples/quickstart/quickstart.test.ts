import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cliBuilt, runQuantum } from '../../test-utils/cli.js'
import { repoDir } from '../../test-utils/shared.js'

describe.skipIf(!cliBuilt)('examples/quickstart (quantum-run end to end)', () => {
  it('should backtest the bundled BTCUSDT year and write a reconciling run folder', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'qs-')), 'run')
    const run = runQuantum(['examples/quickstart/quantum.config.ts', '--out', out, '--no-progress'])
    // The bundled funding file has a known gap: it is reported, never filled.
    expect(run.stderr.trim()).toBe(
      'warn  funding gaps (not filled) symbol=BTCUSDT file=' +
        join(repoDir, 'examples/data/BTCUSDT-funding-8h.csv') +
        ' gaps=1',
    )
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('Trades')
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))
    expect(summary.bars).toBe(8760)
    expect(summary.trades).toBeGreaterThan(50)
    const l = summary.ledger
    expect(Math.round((l.startBalance + l.realizedPnl - l.fees + l.funding) * 100)).toBe(Math.round(l.endBalance * 100))
    expect(l.funding).not.toBe(0) // the bundled funding file is applied
    const funding = summary.data.find((d: { kind: string }) => d.kind === 'funding')
    expect(funding.gaps).toEqual([{ from: Date.UTC(2024, 11, 4), to: Date.UTC(2024, 11, 31), missing: 80 }])
    const trades = readFileSync(join(out, 'trades.csv'), 'utf8').trimEnd().split('\n')
    expect(trades.length - 1).toBe(summary.trades)
    const equity = readFileSync(join(out, 'equity.csv'), 'utf8').trimEnd().split('\n')
    expect(equity.length - 1).toBe(8760)
    const html = readFileSync(join(out, 'report.html'), 'utf8')
    expect(html).not.toMatch(/(src|href)=["']https?:/)
  })

  it('should narrow the run with --from/--to and --symbols', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'qs-')), 'run')
    const run = runQuantum([
      'examples/quickstart/quantum.config.ts',
      '--from',
      '2025-01-01',
      '--to',
      '2025-02-01',
      '--symbols',
      'BTCUSDT',
      '--out',
      out,
      '--json',
      '--no-report',
    ])
    expect(run.status).toBe(0)
    expect(run.stderr).toBe('') // the funding gap (December 2024) is outside this window: not reported
    const summary = JSON.parse(run.stdout)
    expect(summary.bars).toBe(31 * 24)
    expect(summary.from).toBe('2025-01-01T00:00:00.000Z')
  })

  it('should refuse live trading without --confirm-live and a STRICT risk policy, plainly', () => {
    const run = runQuantum(['examples/quickstart/quantum.config.ts', '--mode', 'live'])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/Refusing to start live trading/)
    expect(run.stderr).toMatch(/--confirm-live/)
  })

  it('should run the same config in paper mode through the live engine and its order queue', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'qs-')), 'paper')
    const run = runQuantum([
      'examples/quickstart/quantum.config.ts',
      '--mode',
      'paper',
      '--from',
      '2025-01-01',
      '--to',
      '2025-03-01',
      '--out',
      out,
      '--json',
      '--no-report',
    ])
    expect(run.status).toBe(0)
    const summary = JSON.parse(run.stdout)
    expect(summary.bars).toBe(59 * 24)
    expect(summary.trades).toBeGreaterThan(5)
    const l = summary.ledger
    expect(Math.round((l.startBalance + l.realizedPnl - l.fees + l.funding) * 100)).toBe(Math.round(l.endBalance * 100))
  })
})
