/**
 * Renders `report.html`: one self-contained file (inline CSS, inline script, canvas charts, data embedded
 * as JSON) that makes no network request.
 * @packageDocumentation
 */
import { formatEnsembleTree } from '@quantum/core'
import type { BacktestResult, RunBreakdowns, TradeRecord } from '@quantum/core'
import { describeEvent } from './events.js'
import type { WarningEntry } from './warning-log.js'
import { summaryFigures } from './figures.js'
import { formatCount, formatNumber, formatPrice, formatTime, formatUsd } from './format.js'
import { breakdownsHtml } from './report-breakdowns.js'
import { buildReportData, embedJson } from './report-data.js'
import type { ReportLimits } from './report-data.js'
import { REPORT_SCRIPT } from './report-script.js'
import { REPORT_CSS } from './report-style.js'
import type { RunInfo } from './run-info.js'
import { jsonReplacer } from './serialize.js'

/** Options of {@link renderReportHtml}. */
export interface ReportOptions {
  /** The config side of the run (plugins, files). @default not shown */
  readonly info?: RunInfo
  /** Limits of the embedded chart data. @default see {@link ReportLimits} */
  readonly limits?: ReportLimits
  /** Rows of the trade table. @default 500 */
  readonly maxTradeRows?: number
  /** Notable events listed. @default 200 */
  readonly maxEvents?: number
  /** Shown in the footer. @default new Date() */
  readonly generatedAt?: Date
  /** The run's breakdowns (per symbol, side, exit reason, agent, month; benchmark). @default not shown */
  readonly breakdowns?: RunBreakdowns
  /** The run's warnings and errors, grouped (Model Supervisor findings among them). @default none */
  readonly warnings?: readonly WarningEntry[]
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

function pnlClass(value: number): string {
  return value > 0 ? ' good' : value < 0 ? ' bad' : ''
}

function cardsHtml(result: BacktestResult): string {
  return summaryFigures(result.summary)
    .map(
      (f) =>
        `<div class="card"><div class="label">${escapeHtml(f.label)}</div>` +
        `<div class="value${f.tone === 'neutral' ? '' : ` ${f.tone}`}">${escapeHtml(f.value)}` +
        `${f.unit === '' ? '' : ` <span class="unit">${escapeHtml(f.unit)}</span>`}</div></div>`,
    )
    .join('')
}

function tradeRowHtml(t: TradeRecord): string {
  const side = t.side === 'LONG' ? '<span class="tag long">LONG</span>' : '<span class="tag short">SHORT</span>'
  return (
    `<tr><td>${t.id}</td><td class="l">${escapeHtml(t.symbol)}</td><td class="l">${side}</td>` +
    `<td class="l">${formatTime(t.entryTime)}</td><td>${formatPrice(t.entryPrice)}</td>` +
    `<td class="l">${formatTime(t.exitTime)}</td><td>${formatPrice(t.exitPrice)}</td>` +
    `<td>${formatNumber(t.quantity, 4)}</td><td class="${pnlClass(t.grossPnl).trim()}">${formatUsd(t.grossPnl)}</td>` +
    `<td>${formatNumber(t.fees)}</td><td>${formatUsd(t.funding)}</td>` +
    `<td class="${pnlClass(t.netPnl).trim()}">${formatUsd(t.netPnl)}</td><td class="l">${escapeHtml(t.exitReason)}</td></tr>`
  )
}

function tradesHtml(trades: readonly TradeRecord[], max: number): string {
  if (trades.length === 0) return '<p class="empty">No closed trades.</p>'
  const shown = trades.slice(0, max)
  const note =
    trades.length > max
      ? `Showing the first ${formatCount(max)} of ${formatCount(trades.length)} trades (all of them are in trades.csv).`
      : `${formatCount(trades.length)} trades. Times in UTC.`
  const head = [
    '#',
    'Symbol',
    'Side',
    'Entry time',
    'Entry',
    'Exit time',
    'Exit',
    'Qty',
    'Gross',
    'Fees',
    'Funding',
    'Net',
    'Exit reason',
  ]
  const left = new Set([1, 2, 3, 5, 12])
  const th = head.map((h, i) => `<th${left.has(i) ? ' class="l"' : ''}>${h}</th>`).join('')
  return (
    `<p class="note">${note}</p><div class="table-wrap"><table><thead><tr>${th}</tr></thead>` +
    `<tbody>${shown.map(tradeRowHtml).join('')}</tbody></table></div>`
  )
}

function eventsHtml(result: BacktestResult, max: number): string {
  const events = result.notableEvents
  if (events.length === 0) return '<p class="empty">No plugin errors, risk verdicts or rejected orders.</p>'
  const rows = events
    .slice(0, max)
    .map((event, i) => describeEvent(event, result.notableEventTimes?.[i]))
    .map(
      (e) =>
        `<tr><td class="l">${e.time === undefined ? '' : formatTime(e.time)}</td>` +
        `<td class="l">${escapeHtml(e.type)}</td><td class="l">${escapeHtml(e.text)}</td></tr>`,
    )
  const note = events.length > max ? `<p class="note">Showing ${max} of ${events.length} events.</p>` : ''
  return (
    `${note}<div class="table-wrap"><table><thead><tr><th class="l">Time</th><th class="l">Type</th>` +
    `<th class="l">Details</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`
  )
}

function warningsHtml(warnings: readonly WarningEntry[]): string {
  if (warnings.length === 0)
    return '<p class="empty">No warnings: no Model Supervisor findings, no plugin warnings.</p>'
  const time = (t: number | undefined): string => (t === undefined ? '' : formatTime(t))
  const rows = warnings.map(
    (w) =>
      `<tr><td class="l"><span class="tag ${w.level === 'error' ? 'short' : 'long'}">${w.level}</span></td>` +
      `<td class="l">${escapeHtml(w.message)}</td><td class="l">${escapeHtml(w.subject ?? '')}</td>` +
      `<td class="l">${escapeHtml(w.kind ?? '')}</td><td>${formatCount(w.count)}</td>` +
      `<td class="l">${time(w.first)}</td><td class="l">${time(w.last)}</td><td class="l">${escapeHtml(w.detail)}</td></tr>`,
  )
  return (
    `<p class="note">${warnings.length} kind(s) of warning, grouped; the first record's details shown. Times in UTC.</p>` +
    '<div class="table-wrap" id="warnings"><table><thead><tr><th class="l">Level</th><th class="l">Message</th>' +
    '<th class="l">Agent / plugin</th><th class="l">Kind</th><th>Count</th><th class="l">First</th>' +
    `<th class="l">Last</th><th class="l">Details</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`
  )
}

function riskStatesHtml(result: BacktestResult): string {
  const states = result.riskStates ?? []
  if (states.length === 0) return '<p class="note">No emergency stop trips or circuit breaker changes.</p>'
  const rows = states.map(
    (e) =>
      `<tr><td class="l">${formatTime(e.time)}</td><td class="l">${escapeHtml(e.source)}</td>` +
      `<td class="l"><span class="tag ${e.tradingState === 'active' ? 'long' : 'short'}">${escapeHtml(e.state)}</span></td>` +
      `<td class="l">${escapeHtml(e.tradingState)}</td><td class="l">${escapeHtml(e.trigger ?? '')}</td>` +
      `<td class="l">${escapeHtml(e.reason)}</td></tr>`,
  )
  return (
    `<p class="note">${states.length} change(s). Times in UTC.</p><div class="table-wrap" id="risk-states"><table><thead><tr>` +
    '<th class="l">Time</th><th class="l">Component</th><th class="l">State</th><th class="l">Trading</th>' +
    `<th class="l">Trigger</th><th class="l">Reason</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`
  )
}

function kv(rows: readonly (readonly [string, string])[]): string {
  return `<dl class="kv">${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`
}

function decisionsHtml(result: BacktestResult, max: number): string {
  const log = result.decisions
  if (log === undefined || log.total === 0) return '<p class="note">No decisions.</p>'
  const { BUY, SELL, HOLD } = log.byAction
  const shown = log.recent.slice(-max).reverse()
  const trees = shown.map(
    (d) => `${new Date(d.time).toISOString().slice(0, 16).replace('T', ' ')}  ${formatEnsembleTree(d)}`,
  )
  return (
    `<p class="note">${log.total} decisions: ${BUY} BUY, ${SELL} SELL, ${HOLD} HOLD. ` +
    `The latest ${shown.length} BUY/SELL decisions with every agent's vote (newest first):</p>` +
    `<pre class="trees">${escapeHtml(trees.join('\n\n'))}</pre>`
  )
}

function runHtml(result: BacktestResult, info: RunInfo | undefined): string {
  const l = result.ledger
  const ledger: [string, string][] = [
    ['Start balance', `${formatNumber(l.startBalance)} USDT`],
    ['Realised PnL', `${formatUsd(l.realizedPnl)} USDT`],
    ['Fees', `${formatNumber(l.fees)} USDT`],
    ['Funding', `${formatUsd(l.funding)} USDT`],
    ['End balance', `${formatNumber(l.endBalance)} USDT`],
    ['Unrealised PnL', `${formatUsd(l.unrealizedPnl)} USDT`],
    ['End equity', `${formatNumber(l.endEquity)} USDT`],
  ]
  const config: [string, string][] =
    info === undefined
      ? []
      : [
          ['Mode', info.mode],
          ...(info.configFile === undefined ? [] : [['Config', info.configFile] as [string, string]]),
          ...(info.configHash === undefined ? [] : [['Config hash', info.configHash] as [string, string]]),
          ['Candles', info.data.candles.join(', ')],
          ...(info.data.funding.length > 0 ? [['Funding', info.data.funding.join(', ')] as [string, string]] : []),
          ...info.plugins.map((p): [string, string] => [
            `plugin (${p.kind})`,
            `${p.name} ${JSON.stringify(p.options, jsonReplacer)}`,
          ]),
        ]
  return `<h2>Run</h2>${kv([...config, ...dataRows(result), ...ledger])}`
}

function dataRows(result: BacktestResult): [string, string][] {
  return (result.data ?? []).map((d): [string, string] => {
    const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ')
    const gaps =
      d.gaps.length === 0
        ? 'no gaps'
        : `${d.gaps.length} gap(s), not filled: ${d.gaps
            .slice(0, 5)
            .map((g) => `${iso(g.from)} → ${iso(g.to)} (${g.missing} missing)`)
            .join('; ')}${d.gaps.length > 5 ? '; …' : ''}`
    const cache = d.kind === 'funding' ? '' : d.fromCache ? ', from cache' : ', parsed'
    const covered = d.coveredBars === undefined ? '' : `; fills inside ${d.coveredBars} strategy bars`
    return [`${d.kind} ${d.symbol} ${d.timeframe}`, `${d.used} of ${d.rows} rows${cache}${covered}; ${gaps}`]
  })
}

function symbolSelect(result: BacktestResult): string {
  if (result.series.length <= 1) return ''
  const options = result.series.map((s, i) => `<option value="${i}">${escapeHtml(s.symbol)}</option>`).join('')
  return `<select id="symbol" aria-label="Symbol">${options}</select>`
}

/** Renders the self-contained HTML report of a backtest result. */
export function renderReportHtml(result: BacktestResult, options: ReportOptions = {}): string {
  const s = result.summary
  const data = buildReportData(result, options.limits)
  const period = `${formatTime(Date.parse(s.from))} → ${formatTime(Date.parse(s.to))} UTC`
  const sub = `${s.symbols.join(', ')} · ${s.timeframe} · ${period} · ${formatCount(s.bars)} bars`
  const generated = (options.generatedAt ?? new Date()).toISOString().slice(0, 19).replace('T', ' ')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(s.name)} · backtest report</title><style>${REPORT_CSS}</style></head>
<body><main>
<header><h1>${escapeHtml(s.name)}</h1><p class="sub">${escapeHtml(sub)}</p></header>
<section class="cards">${cardsHtml(result)}</section>
<section class="panel"><h2>Equity (USDT)</h2><canvas id="equity-chart" class="chart" style="height:260px"></canvas></section>
<section class="panel"><h2>Drawdown (% below peak)</h2><canvas id="drawdown-chart" class="chart" style="height:150px"></canvas></section>
<section class="panel"><div class="panel-head"><h2>Price and trades</h2>${symbolSelect(result)}</div>
<p class="note" id="candle-note"></p><canvas id="candle-chart" class="chart" style="height:420px"></canvas>
<div class="legend"><span><i style="background:#16a34a"></i>long entry ▲ / exit ○</span><span><i style="background:#dc2626"></i>short entry ▼ / exit ○</span><span>dashed line: entry to exit</span></div></section>
${options.breakdowns === undefined ? '' : `<section class="panel" id="breakdowns">${breakdownsHtml(options.breakdowns)}</section>`}
<section class="panel"><h2>Trades</h2>${tradesHtml(result.trades, options.maxTradeRows ?? 500)}</section>
<section class="panel"><h2>Decisions</h2>${decisionsHtml(result, 20)}</section>
<section class="panel"><h2>Risk state</h2>${riskStatesHtml(result)}</section>
<section class="panel"><h2>Notable events</h2>${eventsHtml(result, options.maxEvents ?? 200)}</section>
<section class="panel"><h2>Warnings and model findings</h2>${warningsHtml(options.warnings ?? [])}</section>
<section class="panel">${runHtml(result, options.info)}</section>
<footer>Generated by quantum-run on ${generated} UTC · a self-contained file: it loads nothing from the network.</footer>
</main><div id="tip" class="tip" hidden></div>
<script type="application/json" id="report-data">${embedJson(data)}</script>
<script>${REPORT_SCRIPT}</script>
</body></html>
`
}
