/**
 * Writes the evidence page: a generated summary, the method, one table + chart + findings per study
 * (entry family × window). Every sentence about the results is generated from the numbers, so the text
 * can never claim more than the tables show.
 */
import { writeFile } from 'node:fs/promises'
import { fmt, type Curve, type Row } from './metrics.js'

/** One entry family on one window: every variant's rows (per symbol and ALL) and summed curves. */
export interface Study {
  readonly entry: string
  readonly entryText: string
  readonly window: string
  readonly key: string
  readonly rows: readonly Row[]
  readonly curves: ReadonlyMap<string, Curve>
  readonly tags: ReadonlyMap<string, ReadonlyMap<string, number>>
}

/** What the page is made of. */
export interface PageInput {
  readonly studies: readonly Study[]
  readonly charts: ReadonlyMap<string, string>
  readonly baseline: string
  readonly baselineLimit: string
}

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT'] as const
const CAPITAL = 30_000

const total = (study: Study, variant: string): Row | undefined =>
  study.rows.find((r) => r.variant === variant && r.symbol === 'ALL')

const symbolPnl = (study: Study, variant: string, symbol: string): number =>
  study.rows.find((r) => r.variant === variant && r.symbol === symbol)?.pnl ?? Number.NaN

/** The study's table: one row per variant, PnL per symbol then the three together. */
function table(study: Study): string {
  const head =
    '| Variant | BTC PnL | ETH PnL | BNB PnL | **PnL (USDT)** | Win rate | Profit factor | Max DD (USDT) | Avg hold (h) | Trades | Entries | Fees (USDT) |\n' +
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  const lines = study.rows
    .filter((r) => r.symbol === 'ALL')
    .map(
      (r) =>
        `| ${r.variant} | ${SYMBOLS.map((s) => fmt(symbolPnl(study, r.variant, s))).join(' | ')} | **${fmt(r.pnl)}** | ` +
        `${fmt(r.winRate * 100, 1)}% | ${fmt(r.profitFactor)} | ${fmt(r.maxDrawdown)} | ${fmt(r.avgHoldHours, 1)} | ` +
        `${r.trades} | ${r.entries} | ${fmt(r.fees)} |`,
    )
  return [head, ...lines].join('\n')
}

/** "beats … (by x)" / "does not beat … (x less)" / "is about even with …" — even = within 0.25 % of capital. */
function verdict(diff: number, other: string): string {
  if (Math.abs(diff) < 0.0025 * CAPITAL) return `is about even with **${other}** (${fmt(diff)} USDT)`
  return diff > 0
    ? `**beats** **${other}** (by ${fmt(diff)} USDT)`
    : `does **not** beat **${other}** (${fmt(-diff)} USDT less)`
}

function compare(study: Study, a: string, b: string): string | undefined {
  const x = total(study, a)
  const y = total(study, b)
  if (x === undefined || y === undefined) return undefined
  const perSymbol = SYMBOLS.filter((s) => symbolPnl(study, a, s) > symbolPnl(study, b, s))
  return (
    `**${a}** ${verdict(x.pnl - y.pnl, b)}: PnL ${fmt(x.pnl)} vs ${fmt(y.pnl)} USDT, profit factor ` +
    `${fmt(x.profitFactor)} vs ${fmt(y.profitFactor)}, win rate ${fmt(x.winRate * 100, 1)}% vs ${fmt(y.winRate * 100, 1)}%, ` +
    `max drawdown ${fmt(x.maxDrawdown)} vs ${fmt(y.maxDrawdown)} USDT, average hold ${fmt(x.avgHoldHours, 1)} h vs ` +
    `${fmt(y.avgHoldHours, 1)} h; higher PnL on ${perSymbol.length} of 3 symbols${perSymbol.length > 0 ? ` (${perSymbol.join(', ')})` : ''}.`
  )
}

function findings(study: Study, input: PageInput): string {
  const totals = study.rows.filter((r) => r.symbol === 'ALL').sort((a, b) => b.pnl - a.pnl)
  const out = [`Ranking by PnL: ${totals.map((r) => `${r.variant} (${fmt(r.pnl)})`).join(', ')}.`]
  for (const line of [
    compare(study, 'adaptive', input.baseline),
    compare(study, 'adaptive', input.baselineLimit),
    compare(study, 'adaptive + MSC regimes', input.baseline),
    compare(study, 'adaptive + PIL + PAL', 'adaptive'),
  ])
    if (line !== undefined) out.push(line)
  const perSymbol = new Set(study.rows.map((r) => `${r.symbol}:${r.entries}`))
  out.push(
    perSymbol.size === SYMBOLS.length + 1
      ? 'Every variant had exactly the same entries per symbol (the `Entries` column), as designed.'
      : 'Entry counts differ between variants (see `Entries`): the comparison is not like for like.',
  )
  const amplified = study.tags.get('adaptive + PIL + PAL')
  if (amplified !== undefined) {
    out.push(
      `With PIL + PAL, PAL added ${amplified.get('pal-add') ?? 0} times and PIL closed ${amplified.get('pil-time-stop') ?? 0} ` +
        'stale positions with a time stop (fills by tag).',
    )
  }
  return out.join('\n\n')
}

/** The generated matrix: adaptive minus the static baseline, per entry family and window. */
function summary(input: PageInput): string {
  const windows = [...new Set(input.studies.map((s) => s.window))]
  const entries = [...new Set(input.studies.map((s) => s.entry))]
  const cell = (entry: string, window: string): string => {
    const study = input.studies.find((s) => s.entry === entry && s.window === window)
    const a = study === undefined ? undefined : total(study, 'adaptive')
    const b = study === undefined ? undefined : total(study, input.baseline)
    if (study === undefined || a === undefined || b === undefined) return 'n/a'
    const best = study.rows.filter((r) => r.symbol === 'ALL').sort((x, y) => y.pnl - x.pnl)[0]
    return `${a.pnl - b.pnl >= 0 ? '+' : ''}${fmt(a.pnl - b.pnl)} (${fmt(a.pnl)} vs ${fmt(b.pnl)}; best: ${best?.variant ?? 'n/a'})`
  }
  const head = `| Entries | ${windows.join(' | ')} |\n|---|${windows.map(() => '---|').join('')}`
  const lines = entries.map((e) => `| ${e} | ${windows.map((w) => cell(e, w)).join(' | ')} |`)
  const wins = input.studies.filter(
    (s) => (total(s, 'adaptive')?.pnl ?? -Infinity) > (total(s, input.baseline)?.pnl ?? Infinity),
  )
  return (
    "Adaptive Exit Brain minus the seed's static TP 5% / SL 2%, PnL in USDT over the three symbols " +
    '(adaptive vs static; the best variant of the study):\n\n' +
    [head, ...lines].join('\n') +
    `\n\nThe adaptive brain has the higher PnL in ${wins.length} of ${input.studies.length} studies` +
    `${wins.length > 0 ? ` (${wins.map((s) => `${s.entry}, ${s.window.split(',')[0]}`).join('; ')})` : ''}.`
  )
}

/** Writes the markdown page to `path`. */
export async function writePage(path: string, input: PageInput): Promise<void> {
  const sections = input.studies
    .map((study) => {
      const chart = input.charts.get(study.key)
      return `### ${study.entry} — ${study.window}

${table(study)}

${findings(study, input)}
${chart === undefined ? '' : `\n![Equity curves, ${study.entry}, ${study.window}](media/${chart})\n`}`
    })
    .join('\n')
  const text = `---
title: Exit Brain evidence
---

# Exit Brain evidence

Generated by \`node --conditions=@quantum/source --import tsx scripts/exit-evidence/run.ts\` — do not edit
by hand; rerun the script. The out-of-sample test, with the exit chosen on the window before each one, is
[Exit Brain evidence, walk-forward](./exit-brain-walk-forward.md).

## Summary

${summary(input)}

An exit cannot create an edge the entries do not have: on a price path with no drift, every rule that
closes a position at a stopping time has the same expected gross PnL (zero), so exits differ by the
fees they pay and by how they meet the entries' own edge. Partial profit-taking with a stop that moves
to break-even (the Exit Brain) suits entries whose edge is short-lived (mean reversion); a wide,
fixed target (the static rule) or no exit at all suits entries whose edge lies in rare long moves
(trend following), where taking profits early cuts exactly the trades that pay for the others. The
studies below measure this on real data instead of assuming it.

## Method

- **Data**: \`../shared/data\` BTCUSDT, ETHUSDT, BNBUSDT 1h futures candles with their 8h funding, and the
  5m candles (2024-12-31 → 2025-09-30) as detail candles for the 2025 window; nothing after 2025-09-30 is
  read (and there is none).
- **Entries, identical in every variant of a study**: three entry families, each with
  \`fixedNotional({ notional: 1000 })\`, longs and shorts, one position per symbol, leverage 1, 10,000 USDT per
  symbol. The agents see market data only and alternate BUY and SELL, and every signal opens a position (closing
  an opposite one still open, exit reason \`reverse\`), so exits change only how and when positions close, never
  which entries happen — the \`Entries\` column checks it.
${ENTRY_LINES(input)}
- **Exits**: the seed's static TP 5% / SL 2% (\`staticTpSl\`, target as TAKE_PROFIT_MARKET like the seed's), the same
  with the target resting as a reduce-only limit order (maker fee, like the Exit Brain's legs: this row separates
  the fee saving from the exit logic); the Exit Brain with each profile fixed; the adaptive Exit Brain (profile from
  the rolling win rate with hysteresis, distances scaled by the symbol's ATR% relative to its own 30-day mean,
  break-even plus fees after TP1, ATR trailing after TP2, runner extension in trends); the same with the
  \`marketStateClassifier\`'s regimes (one profile level up when the market trends the position's way, one down
  against it or in a range); the adaptive brain plus PIL (\`positionIntelligence\`) and PAL (\`profitAmplifier\`) at their default policies; and **no exit**
  (positions close only at the next opposite signal), what the entries are worth on their own. Every option is
  at its default.
- **Windows**: the whole 1h history on 1h bars, where the paper exchange assumes the worst when one bar reaches
  both a stop and a target (stop first); and 2025 on 1h bars with \`data.detail\` 5m candles, where fills are
  decided inside each hour on twelve 5m candles, so the order of stop and target is mostly known (tight
  multi-leg plans suffer most from the worst-case rule).
- **Defaults were chosen on the whole shared history** (2023-12 → 2025-09); the SDK is evaluated on data held
  apart (later dates, other symbols), which this page does not and cannot show.
- **Paper exchange**: Binance fees (taker 0.05%, maker 0.02%), precision and funding; limit orders fill only when
  price trades through them. PnL is net of fees and funding; open positions at the end are marked at the last
  close. Max DD is the largest peak-to-trough fall of the summed equity curve. Trades are round trips from flat
  to flat; a multi-leg exit counts as one trade.

## Results

${sections}
## Caveats

Three symbols, one venue, 22 months; entry rules chosen as archetypes, not optimised; differences between
variants of a few hundred USDT over ~1,000 trades are within what a different seed or period would move.
`
  await writeFile(path, text)
}

function ENTRY_LINES(input: PageInput): string {
  const seen = new Map(input.studies.map((s) => [s.entry, s.entryText]))
  return [...seen].map(([label, text]) => `  - ${label}: ${text}.`).join('\n')
}
