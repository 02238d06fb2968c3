/**
 * The simulation-fidelity table of docs/guides/backtesting.md: every example's backtest as recorded,
 * then with stops filled a quarter of the way from the trigger to the bar's extreme
 * (`exchange.stopSlippage: { type: 'range', fraction: 0.25 }`), then with Binance mark-price candles
 * (`data.mark`, from shared/data/mark, where they cover the window) for liquidation and marking.
 * Run: `node --import tsx bench/fidelity.ts` (needs ../shared/data for the mark rows).
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { QuantumConfigSchema, resolveConfigExport, runBacktest } from '@quantum/core'
import type { QuantumConfig } from '@quantum/core'

const repo = resolve(fileURLToPath(import.meta.url), '../..')
const markDir = resolve(repo, '../shared/data/mark')
const EXAMPLES = ['quickstart', 'risk-ess', 'exit-brain', 'reference-strategy', 'ensemble'] as const

async function configOf(name: string): Promise<QuantumConfig> {
  const url = `${join(repo, 'examples', name, 'quantum.config.ts')}?t=${Date.now()}-${Math.random()}`
  const module = (await import(url)) as { default: unknown }
  return QuantumConfigSchema.parse(await resolveConfigExport(module.default, 'backtest'))
}

function markFiles(config: QuantumConfig, baseDir: string): string[] {
  const candles = Array.isArray(config.data.candles) ? config.data.candles : [config.data.candles]
  return candles
    .map((c) => /([A-Z0-9]+)-(\w+?)\.csv/.exec(c))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => join(markDir, `${m[1]}-${m[2]}-mark.csv`))
    .filter((f) => existsSync(f) && existsSync(baseDir))
}

async function row(name: string, variant: 'recorded' | 'stop range 0.25' | 'mark'): Promise<string> {
  const baseDir = join(repo, 'examples', name)
  const config = await configOf(name)
  let changed: QuantumConfig = config
  if (variant === 'stop range 0.25') {
    changed = { ...config, exchange: { ...config.exchange, stopSlippage: { type: 'range', fraction: 0.25 } } }
  } else if (variant === 'mark') {
    const mark = markFiles(config, baseDir)
    if (mark.length === 0) return `| ${name} | mark | (no mark candles for this window) | | | | |`
    changed = { ...config, data: { ...config.data, mark } }
  }
  const run = await runBacktest(changed, { baseDir }).catch((e: unknown) => e as Error)
  if (run instanceof Error) return `| ${name} | ${variant} | error: ${run.message.split('\n')[0]} | | | | |`
  const s = run.summary
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`
  return `| ${name} | ${variant} | ${s.trades} | ${s.pnl.toFixed(2)} | ${pct(s.maxDrawdownPct)} | ${s.liquidations} | ${s.fees.toFixed(2)} |`
}

/** The ensemble without its liquidation guard from 2025-01-01 (mark candles start 2024-12-31): last vs mark. */
async function unguarded(mark: boolean): Promise<string> {
  const baseDir = join(repo, 'examples', 'ensemble')
  const config = await configOf('ensemble')
  const plugins = config.plugins.filter((p) => p.name !== 'risk:liquidation-guard')
  const data = { ...config.data, from: '2025-01-01', ...(mark ? { mark: markFiles(config, baseDir) } : {}) }
  const run = await runBacktest({ ...config, plugins, data }, { baseDir })
  const s = run.summary
  const variant = `no guard, from 2025-01-01, ${mark ? 'mark' : 'last price'}`
  return `| ensemble | ${variant} | ${s.trades} | ${s.pnl.toFixed(2)} | ${(s.maxDrawdownPct * 100).toFixed(2)}% | ${s.liquidations} | ${s.fees.toFixed(2)} |`
}

const lines = [
  '| example | variant | trades | PnL (USDT) | max DD | liquidations | fees |',
  '|---|---|---:|---:|---:|---:|---:|',
]
for (const name of EXAMPLES) {
  for (const variant of ['recorded', 'stop range 0.25', 'mark'] as const) lines.push(await row(name, variant))
}
lines.push(await unguarded(false), await unguarded(true))
process.stdout.write(`${lines.join('\n')}\n`)
