/**
 * Results regression: every example's backtest must give exactly the trades, equity curve, ledger,
 * summary, risk states and decision counts recorded in `results.golden.json` (recorded on the engine
 * before the kernel refactor of issue 11), and a paper replay of the recorded candles must give the
 * backtest's trades and equity (one kernel, two drivers). Re-record only for an intended change of
 * results: `QUANTUM_WRITE_GOLDEN=1 npx vitest run examples/results.test.ts`.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { QuantumConfigSchema, resolveConfigExport, runBacktest, runPaper, type RunMode } from '@quantum/core'
import type { BacktestRun } from '@quantum/core'
import { describe, expect, it, vi } from 'vitest'
import { repoDir } from '../test-utils/shared.js'

const GOLDEN_FILE = join(repoDir, 'examples/results.golden.json')
const write = process.env.QUANTUM_WRITE_GOLDEN === '1'
const golden = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as Record<string, Fingerprint>
const cacheDir = mkdtempSync(join(tmpdir(), 'golden-cache-'))

interface Fingerprint {
  readonly trades: number
  readonly endEquity: number
  readonly sha256: string
}

/** Everything a run decides, without timings and file paths. */
function fingerprint(run: BacktestRun): Fingerprint {
  const { durationMs: _d, barsPerSecond: _b, ...summary } = run.summary
  const content = JSON.stringify({
    trades: run.trades,
    equityTime: Array.from(run.equity.time),
    equity: Array.from(run.equity.equity),
    ledger: run.ledger,
    summary,
    riskStates: run.riskStates,
    decisions: run.decisions,
  })
  return {
    trades: run.trades.length,
    endEquity: run.ledger.endEquity,
    sha256: createHash('sha256').update(content).digest('hex'),
  }
}

/** A fresh instance of an example's config (plugins keep state, so every run imports it anew). */
async function configOf(name: string, mode: RunMode) {
  vi.resetModules()
  const module = (await import(`./${name}/quantum.config.ts`)) as { default: unknown }
  return QuantumConfigSchema.parse(await resolveConfigExport(module.default, mode))
}

const EXAMPLES = ['quickstart', 'risk-ess', 'exit-brain', 'reference-strategy', 'ensemble'] as const
const recorded: Record<string, Fingerprint> = {}

describe('example results (regression against the recorded runs)', () => {
  for (const name of EXAMPLES) {
    it(`should give the recorded backtest of examples/${name}`, async () => {
      const baseDir = join(repoDir, 'examples', name)
      const run = await runBacktest(await configOf(name, 'backtest'), { baseDir, cacheDir })
      const print = fingerprint(run)
      recorded[name] = print
      if (write) writeFileSync(GOLDEN_FILE, `${JSON.stringify({ ...golden, ...recorded }, null, 2)}\n`)
      else expect(print).toEqual(golden[name])
    })
  }

  // The ESS persists its state in paper mode: the replay comparison covers the examples whose plugins
  // run the same way in both modes (the ensemble's model agents answer through the kernel's onBlock in both).
  for (const name of ['quickstart', 'exit-brain', 'reference-strategy', 'ensemble'] as const) {
    it(`should give the backtest's trades and equity when examples/${name} is replayed in paper mode`, async () => {
      const baseDir = join(repoDir, 'examples', name)
      const backtest = await runBacktest(await configOf(name, 'backtest'), { baseDir, cacheDir })
      const paper = await runPaper(await configOf(name, 'paper'), { baseDir })
      expect(paper.trades).toEqual(backtest.trades)
      expect(paper.fills).toEqual(backtest.fills)
      expect(paper.equity).toEqual(backtest.equity)
      expect(paper.ledger).toEqual(backtest.ledger)
      expect(paper.summary.exposure).toBe(backtest.summary.exposure)
    })
  }
})
