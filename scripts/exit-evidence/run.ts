/**
 * Exit Brain evidence: the SAME entries (EMA cross 12/26, 1000 USDT per position, one position per
 * symbol, longs and shorts) on the shared BTC/ETH/BNB 1h futures data with different exits — the seed's
 * static TP 5% / SL 2%, each Exit Brain profile fixed, the adaptive Exit Brain, and the adaptive brain
 * with PIL + PAL, and no exit at all (the entry rule alone) — then writes docs/guides/exit-brain-evidence.md and its SVG equity charts.
 *
 *   node --conditions=@quantum/source --import tsx scripts/exit-evidence/run.ts [--data /work/shared/data]
 *
 * The agent sees market data only and emits a signal on each cross, and every cross opens a position
 * (closing the opposite one if it is still open), so every variant gets the very same entries: the
 * `Entries` column checks it. Data is cut at 2025-10-01 00:00 UTC (none later is used).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { emaCross } from '@quantum/agents'
import { fixedNotional, QuantumConfigSchema, runBacktest } from '@quantum/core'
import type { BacktestRun, QuantumPlugin, TradeRecord } from '@quantum/core'
import { createPositionBook, exitBrain, positionIntelligence, profitAmplifier, staticTpSl } from '@quantum/exit-brain'
import { markdownTable, rowOf, sumCurves, fmt, type Curve, type Row } from './metrics.js'
import { equityChart } from './svg.js'
import { writePage } from './page.js'

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT'] as const
const END = Date.UTC(2025, 9, 1) // exclusive: nothing after 2025-09-30 is ever read
const BALANCE = 10_000

/** An exit variant: a label and the exit plugins it adds to the shared entries. */
interface Variant {
  readonly label: string
  readonly exits: () => QuantumPlugin[]
}

const VARIANTS: readonly Variant[] = [
  { label: 'static TP 5% / SL 2%', exits: () => [staticTpSl({ takeProfitPct: 0.05, stopLossPct: 0.02 })] },
  { label: 'conservative', exits: () => [exitBrain({ profile: 'conservative' })] },
  { label: 'balanced', exits: () => [exitBrain({ profile: 'balanced' })] },
  { label: 'aggressive', exits: () => [exitBrain({ profile: 'aggressive' })] },
  { label: 'adaptive', exits: () => [exitBrain({ profile: 'adaptive' })] },
  {
    label: 'adaptive + PIL + PAL',
    exits: () => {
      const book = createPositionBook()
      return [exitBrain({ profile: 'adaptive' }), positionIntelligence({ book }), profitAmplifier({ book })]
    },
  },
  { label: 'no exit (reverse only)', exits: () => [] },
]

/** One variant on one symbol. */
async function runOne(dataDir: string, symbol: string, variant: Variant): Promise<BacktestRun> {
  const config = QuantumConfigSchema.parse({
    name: `${variant.label} ${symbol}`,
    data: {
      candles: `${symbol}-1h.csv`,
      funding: `funding/${symbol}-funding-8h.csv`,
      to: END,
      cache: false,
    },
    exchange: { balance: BALANCE, leverage: 1 },
    plugins: [emaCross({ fast: 12, slow: 26 }), fixedNotional({ notional: 1000 }), ...variant.exits()],
  })
  return runBacktest(config, { baseDir: dataDir })
}

const entriesOf = (run: BacktestRun): number => run.fills.filter((f) => f.tag === 'entry').length

/** Every variant on every symbol: table rows (per symbol, then all symbols) and curves. */
async function runAll(
  dataDir: string,
): Promise<{ rows: Row[]; curves: Map<string, Map<string, Curve>>; tags: Map<string, Map<string, number>> }> {
  const rows: Row[] = []
  const tags = new Map<string, Map<string, number>>()
  const curves = new Map<string, Map<string, Curve>>()
  for (const variant of VARIANTS) {
    const bySymbol = new Map<string, Curve>()
    const trades: TradeRecord[] = []
    let entries = 0
    for (const symbol of SYMBOLS) {
      const run = await runOne(dataDir, symbol, variant)
      bySymbol.set(symbol, run.equity)
      trades.push(...run.trades)
      entries += entriesOf(run)
      countTags(tags, variant.label, run)
      rows.push(rowOf({ variant: variant.label, symbol, entries: entriesOf(run) }, run.trades, run.equity, BALANCE))
      console.log(`${variant.label.padEnd(22)} ${symbol}: pnl ${fmt(run.summary.pnl)} trades ${run.trades.length}`)
    }
    const total = sumCurves(
      [...bySymbol.values()],
      SYMBOLS.map(() => BALANCE),
    )
    bySymbol.set('ALL', total)
    rows.push(rowOf({ variant: variant.label, symbol: 'ALL', entries }, trades, total, BALANCE * SYMBOLS.length))
    curves.set(variant.label, bySymbol)
  }
  return { rows, curves, tags }
}

/** Counts the fills of each tag per variant (how often PAL added, PIL time-stopped, stops hit...). */
function countTags(tags: Map<string, Map<string, number>>, variant: string, run: BacktestRun): void {
  let byTag = tags.get(variant)
  if (byTag === undefined) tags.set(variant, (byTag = new Map()))
  for (const f of run.fills) byTag.set(f.tag ?? 'untagged', (byTag.get(f.tag ?? 'untagged') ?? 0) + 1)
}

/** Generated notes: what PIL and PAL actually did, and where exits came from. */
function notesOf(tags: Map<string, Map<string, number>>, rows: readonly Row[]): string[] {
  const amplified = tags.get('adaptive + PIL + PAL')
  const fees = rows.filter((r) => r.symbol === 'ALL').map((r) => `${r.variant} ${fmt(r.fees, 0)}`)
  const notes = [`Fees paid over the three symbols (USDT): ${fees.join(', ')}.`]
  if (amplified !== undefined) {
    const n = (tag: string): number => amplified.get(tag) ?? 0
    notes.push(
      `In the PIL + PAL variant, PAL added ${n('pal-add')} times and PIL closed ${n('pil-time-stop')} stale ` +
        `positions with a time stop (fills by tag).`,
    )
  }
  return notes
}

/** Writes one SVG per symbol (and one for the three together); returns their file names. */
async function writeCharts(mediaDir: string, curves: Map<string, Map<string, Curve>>): Promise<string[]> {
  await mkdir(mediaDir, { recursive: true })
  const files: string[] = []
  for (const symbol of [...SYMBOLS, 'ALL']) {
    const lines = [...curves].map(([label, bySymbol]) => ({ label, curve: bySymbol.get(symbol)! }))
    const title = symbol === 'ALL' ? 'Equity, BTC + ETH + BNB (3 × 10,000 USDT)' : `Equity, ${symbol} 1h (10,000 USDT)`
    const file = `exit-evidence-${symbol.toLowerCase()}.svg`
    await writeFile(join(mediaDir, file), equityChart(title, lines))
    files.push(file)
  }
  return files
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { data: { type: 'string', default: '/work/shared/data' } } })
  const dataDir = resolve(values.data)
  const root = resolve(import.meta.dirname, '../..')
  const { rows, curves, tags } = await runAll(dataDir)
  const charts = await writeCharts(join(root, 'docs/guides/media'), curves)
  const page = join(root, 'docs/guides/exit-brain-evidence.md')
  await writePage(page, {
    rows,
    charts,
    table: markdownTable,
    baseline: VARIANTS[0]!.label,
    notes: notesOf(tags, rows),
  })
  console.log(`wrote ${page} and ${charts.length} charts`)
}

await main()
