/**
 * Exit Brain evidence: the SAME entries on the shared BTC/ETH/BNB 1h futures data with different exits —
 * the seed's static TP 5% / SL 2% (and the same with a resting limit target), each Exit Brain profile
 * fixed, the adaptive Exit Brain, the adaptive brain with PIL + PAL, and no exit at all — for three entry
 * families (trend: EMA cross; mean reversion: RSI; random timing, a control) over two windows (the whole
 * 1h history, and 2025 with 5m detail candles for the fills), then writes docs/guides/exit-brain-evidence.md
 * and its SVG equity charts.
 *
 *   node --conditions=@quantum/source --import tsx scripts/exit-evidence/run.ts [--data /work/shared/data]
 *
 * Every entry agent alternates BUY and SELL per symbol, and every signal opens a position (closing the
 * opposite one if it is still open), so every variant gets the very same entries: the `Entries` column
 * checks it. Data is cut at 2025-10-01 00:00 UTC (none later is used).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { fixedNotional, QuantumConfigSchema, runBacktest } from '@quantum/core'
import type { BacktestRun, TradeRecord } from '@quantum/core'
import { rowOf, sumCurves, fmt, type Curve, type Row } from './metrics.js'
import { equityChart } from './svg.js'
import { writePage, type Study } from './page.js'
import { BASELINE, BASELINE_LIMIT, ENTRIES, VARIANTS, type Entry, type Variant } from './variants.js'

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT'] as const
const END = Date.UTC(2025, 9, 1) // exclusive: nothing after 2025-09-30 is ever read
const BALANCE = 10_000

/** A data window: the bars the strategy sees, and whether fills use 5m detail candles. */
interface Window {
  readonly key: string
  readonly label: string
  readonly from?: number
  readonly detail: boolean
}

const WINDOWS: readonly Window[] = [
  { key: 'full', label: '2023-12-01 → 2025-09-30, 1h bars (fills on 1h bars, stop first)', detail: false },
  {
    key: '2025',
    label: '2025-01-01 → 2025-09-30, 1h bars, fills on 5m detail candles',
    from: Date.UTC(2025, 0, 1),
    detail: true,
  },
]

/** One variant on one symbol. */
async function runOne(dataDir: string, job: { symbol: string; variant: Variant; entry: Entry; window: Window }) {
  const { symbol, variant, entry, window } = job
  const config = QuantumConfigSchema.parse({
    name: `${variant.label} ${entry.key} ${window.key} ${symbol}`,
    data: {
      candles: `${symbol}-1h.csv`,
      funding: `funding/${symbol}-funding-8h.csv`,
      ...(window.detail ? { detail: `${symbol}-5m.csv.gz` } : {}),
      ...(window.from === undefined ? {} : { from: window.from }),
      to: END,
      cache: false,
    },
    exchange: { balance: BALANCE, leverage: 1 },
    plugins: [entry.agent(), fixedNotional({ notional: 1000 }), ...variant.exits()],
  })
  return runBacktest(config, { baseDir: dataDir })
}

const entriesOf = (run: BacktestRun): number => run.fills.filter((f) => f.tag === 'entry').length

/** Every variant on every symbol for one entry family and window. */
async function runStudy(dataDir: string, entry: Entry, window: Window): Promise<Study> {
  const rows: Row[] = []
  const curves = new Map<string, Curve>()
  const tags = new Map<string, Map<string, number>>()
  for (const variant of VARIANTS) {
    const bySymbol: Curve[] = []
    const trades: TradeRecord[] = []
    let entries = 0
    for (const symbol of SYMBOLS) {
      const run = await runOne(dataDir, { symbol, variant, entry, window })
      bySymbol.push(run.equity)
      trades.push(...run.trades)
      entries += entriesOf(run)
      countTags(tags, variant.label, run)
      rows.push(rowOf({ variant: variant.label, symbol, entries: entriesOf(run) }, run.trades, run.equity, BALANCE))
    }
    const total = sumCurves(
      bySymbol,
      SYMBOLS.map(() => BALANCE),
    )
    curves.set(variant.label, total)
    const all = rowOf({ variant: variant.label, symbol: 'ALL', entries }, trades, total, BALANCE * SYMBOLS.length)
    rows.push(all)
    console.log(`${window.key} ${entry.key.padEnd(9)} ${variant.label.padEnd(22)} pnl ${fmt(all.pnl)}`)
  }
  return {
    entry: entry.label,
    entryText: entry.text,
    window: window.label,
    key: `${window.key}-${entry.key}`,
    rows,
    curves,
    tags,
  }
}

/** Counts the fills of each tag per variant (how often PAL added, PIL time-stopped, stops hit...). */
function countTags(tags: Map<string, Map<string, number>>, variant: string, run: BacktestRun): void {
  let byTag = tags.get(variant)
  if (byTag === undefined) tags.set(variant, (byTag = new Map()))
  for (const f of run.fills) byTag.set(f.tag ?? 'untagged', (byTag.get(f.tag ?? 'untagged') ?? 0) + 1)
}

/** Writes one SVG per study (the three symbols together); returns their file names. */
async function writeCharts(mediaDir: string, studies: readonly Study[]): Promise<Map<string, string>> {
  await mkdir(mediaDir, { recursive: true })
  const files = new Map<string, string>()
  for (const study of studies) {
    const lines = [...study.curves].map(([label, curve]) => ({ label, curve }))
    const title = `${study.entry}, ${study.window.split(',')[0]} (3 × 10,000 USDT)`
    const file = `exit-evidence-${study.key}.svg`
    await writeFile(join(mediaDir, file), equityChart(title, lines))
    files.set(study.key, file)
  }
  return files
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { data: { type: 'string', default: '/work/shared/data' } } })
  const dataDir = resolve(values.data)
  const root = resolve(import.meta.dirname, '../..')
  const studies: Study[] = []
  for (const window of WINDOWS) for (const entry of ENTRIES) studies.push(await runStudy(dataDir, entry, window))
  const media = join(root, 'docs/guides/media')
  for (const old of ['btcusdt', 'ethusdt', 'bnbusdt', 'all'])
    await rm(join(media, `exit-evidence-${old}.svg`), { force: true })
  const charts = await writeCharts(media, studies)
  const page = join(root, 'docs/guides/exit-brain-evidence.md')
  await writePage(page, { studies, charts, baseline: BASELINE, baselineLimit: BASELINE_LIMIT })
  console.log(`wrote ${page} and ${charts.size} charts`)
}

await main()
