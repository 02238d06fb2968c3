import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { BacktestRunner } from './run-cli.js'
import { runCli } from './run-cli.js'
import { CaptureStream, fixture, jitiOptions, tempDir } from '../test/helpers.js'
import { makeResult } from '../test/make-result.js'

async function runTwo() {
  const cwd = await tempDir()
  const stdout = new CaptureStream()
  const stderr = new CaptureStream()
  const a = makeResult({ bars: 400, trades: 10 })
  const b = makeResult({ bars: 400, trades: 6, symbols: ['BTCUSDT', 'ETHUSDT'] })
  // The runner announces a BUY decision before every long entry, as the engine does.
  const runner =
    (result: typeof a): BacktestRunner =>
    (_config, options) => {
      for (const t of result.trades) {
        const action = t.side === 'LONG' ? 'BUY' : 'SELL'
        const votes = [
          { agent: 'agents:one', symbol: t.symbol, time: t.entryTime, action, confidence: 1 },
          { agent: 'agents:two', symbol: t.symbol, time: t.entryTime, action: 'HOLD', confidence: 0.5 },
        ] as const
        options.onEvent?.({
          type: 'decision',
          decision: {
            symbol: t.symbol,
            time: t.entryTime,
            action,
            confidence: 1,
            votes: [...votes],
            price: t.entryPrice,
          },
        })
      }
      return Promise.resolve(result)
    }
  const deps = (result: typeof a) => ({ run: runner(result), stdout, stderr, cwd, env: {}, jitiOptions })
  expect(await runCli([fixture('valid.config.ts'), '--out', 'a', '--quiet'], deps(a))).toBe(0)
  expect(await runCli([fixture('valid.config.ts'), '--out', 'b', '--quiet'], deps(b))).toBe(0)
  return { cwd, stdout, stderr, a, b, deps: deps(a) }
}

describe('breakdowns in the run folder', () => {
  it('should write per-symbol, per-agent, monthly and buy-and-hold breakdowns to summary.json and the report', async () => {
    const { cwd, a } = await runTwo()
    const summary = JSON.parse(await readFile(join(cwd, 'a', 'summary.json'), 'utf8')) as {
      breakdowns: {
        bySymbol: { key: string; trades: number; netPnl: number }[]
        byAgent: { attributed: number; agents: { agent: string; tradesFor: number; pnlFor: number }[] }
        monthly: { month: string }[]
        buyAndHold: { return: number }
      }
    }
    const b = summary.breakdowns
    const net = a.trades.reduce((s, t) => s + t.netPnl, 0)
    expect(b.bySymbol).toHaveLength(1)
    expect(b.bySymbol[0]!.trades).toBe(a.trades.length)
    expect(b.bySymbol[0]!.netPnl).toBeCloseTo(net, 9)
    expect(b.byAgent.attributed).toBe(a.trades.length)
    // HOLD votes are credited with nothing.
    expect(b.byAgent.agents.map((x) => x.agent)).toEqual(['agents:one'])
    expect(b.byAgent.agents[0]!.pnlFor).toBeCloseTo(net, 9)
    const s = a.series[0]!
    expect(b.buyAndHold.return).toBeCloseTo(s.close[s.close.length - 1]! / s.open[0]! - 1, 12)
    expect(b.monthly.map((m) => m.month)).toEqual(['2024-01'])
    const html = await readFile(join(cwd, 'a', 'report.html'), 'utf8')
    expect(html).toContain('id="breakdowns"')
    expect(html).toContain('agents:one')
  })
})

describe('quantum-run compare', () => {
  it('should print two runs side by side, one column each', async () => {
    const { cwd, stdout, stderr, a, b, deps } = await runTwo()
    expect(await runCli(['compare', 'a', 'b'], deps)).toBe(0)
    expect(stderr.text).toBe('')
    const lines = stdout.text.split('\n')
    const trades = lines.find((l) => l.includes('Trades'))!
    expect(trades.split('│').map((c) => c.trim())).toEqual([
      '',
      'Trades',
      String(a.trades.length),
      String(b.trades.length),
      '',
    ])
    expect(stdout.text).toContain('Symbol ETHUSDT')
    expect(stdout.text).toContain(`#2 ${join(cwd, 'b')}`)
  })

  it('should print JSON with --json', async () => {
    const { stdout, deps, a } = await runTwo()
    expect(await runCli(['compare', 'a', 'b', '--json'], deps)).toBe(0)
    const out = JSON.parse(stdout.text) as { summary: { trades: number } }[]
    expect(out.map((r) => r.summary.trades)).toEqual([a.trades.length, 6])
  })

  it('should refuse fewer than two folders, and name a folder without a valid summary', async () => {
    const { cwd, stderr, deps } = await runTwo()
    expect(await runCli(['compare', 'a'], deps)).toBe(2)
    expect(stderr.text).toContain('expected at least two run folders')
    await mkdir(join(cwd, 'broken'))
    await writeFile(join(cwd, 'broken', 'summary.json'), '{"name": 3}')
    expect(await runCli(['compare', 'a', 'broken'], deps)).toBe(2) // bad input: exit 2, as documented
    expect(stderr.text).toContain(join(cwd, 'broken', 'summary.json'))
    expect(stderr.text).toContain('not a quantum-run summary')
    expect(await runCli(['compare', 'a', 'missing'], deps)).toBe(2)
    expect(stderr.text).toContain('ENOENT')
  })
})
