import { loadCandles } from '@quantum/core'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runBareLoop } from '../../bench/reference/bare-loop.js'
import { cliBuilt, runQuantum } from '../../test-utils/cli.js'
import { repoDir, sharedFile } from '../../test-utils/shared.js'

async function expectCliMatchesBareLoop(csv: string): Promise<void> {
  const out = join(mkdtempSync(join(tmpdir(), 'ref-')), 'run')
  const run = runQuantum([
    'examples/reference-strategy/quantum.config.ts',
    '--data',
    csv,
    '--out',
    out,
    '--no-progress',
    '--quiet',
  ])
  expect(run.stderr).toBe('')
  expect(run.status).toBe(0)
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))
  const bare = runBareLoop((await loadCandles(csv, { cache: false })).series)
  expect(summary.trades).toBe(bare.trades.length)
  expect(summary.winRate).toBe(bare.winRate)
  expect(Math.abs(summary.pnl - bare.pnl)).toBeLessThan(1e-6)
  expect(Math.abs(summary.maxDrawdown - bare.maxDrawdown)).toBeLessThan(1e-6)
  const rows = readFileSync(join(out, 'trades.csv'), 'utf8').trimEnd().split('\n').slice(1)
  expect(rows).toHaveLength(bare.trades.length)
  rows.forEach((row, i) => {
    const c = row.split(',')
    const b = bare.trades[i]!
    expect([c[2], Number(c[3]), Number(c[5]), c[14]]).toEqual([b.side, b.entryTime, b.exitTime, b.exitReason])
    expect(Number(c[7])).toBeCloseTo(b.entryPrice, 9)
    expect(Number(c[8])).toBeCloseTo(b.exitPrice, 9)
    expect(Number(c[13])).toBeCloseTo(b.netPnl, 9)
  })
}

describe.skipIf(!cliBuilt)('examples/reference-strategy through quantum-run --data', () => {
  it('should yield exactly the bare loop trades on the bundled BTCUSDT 1h year', async () => {
    await expectCliMatchesBareLoop(join(repoDir, 'examples/data/BTCUSDT-1h.csv'))
  })

  for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
    const file = sharedFile(`data/${symbol}-1h.csv`)
    it.skipIf(file === undefined)(`should yield exactly the bare loop trades on shared ${symbol} 1h`, async () => {
      await expectCliMatchesBareLoop(file!)
    })
  }

  it('should report a broken candle file as a typed error naming the line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-'))
    const csv = join(dir, 'BTCUSDT-1h.csv')
    writeFileSync(csv, 'open_time,open,high,low,close,volume\n1,10,11,9,10,1\n3600001,10,11,9,NaN,1\n')
    const run = runQuantum(['examples/reference-strategy/quantum.config.ts', '--data', csv, '--out', join(dir, 'run')])
    expect(run.status).toBe(2) // bad input, like a bad config
    expect(run.stderr).toContain('BTCUSDT-1h.csv')
    expect(run.stderr).toMatch(/line 3/)
  })

  it('should name every bad plugin option of a config at once', () => {
    const dir = mkdtempSync(join(repoDir, 'examples/.tmp-'))
    const config = join(dir, 'quantum.config.ts')
    writeFileSync(
      config,
      `import { emaCross } from '@quantum/agents'\nimport { defineConfig } from '@quantum/core'\nexport default defineConfig({ data: { candles: '../data/BTCUSDT-1h.csv' }, plugins: [emaCross({ fast: -1, slow: 'x' } as never)] })\n`,
    )
    const run = runQuantum([config])
    rmSync(dir, { recursive: true, force: true })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('options.fast')
    expect(run.stderr).toContain('options.slow')
  })
})
