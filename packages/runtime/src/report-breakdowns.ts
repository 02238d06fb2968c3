/**
 * The breakdowns section of `report.html`: per symbol, side, exit reason and agent, monthly returns,
 * durations, excursions and the buy-and-hold benchmark.
 * @packageDocumentation
 */
import type { RunBreakdowns, TradeGroup } from '@quantum/core'
import { formatCount, formatNumber, formatPct, formatRatio, formatUsd } from './format.js'

function esc(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}

function tone(value: number): string {
  return value > 0 ? ' class="good"' : value < 0 ? ' class="bad"' : ''
}

function hours(ms: number): string {
  return Number.isFinite(ms) ? `${formatNumber(ms / 3_600_000, 1)} h` : '-'
}

function table(head: readonly string[], rows: readonly string[]): string {
  const th = head.map((h, i) => `<th${i === 0 ? ' class="l"' : ''}>${esc(h)}</th>`).join('')
  return `<div class="table-wrap"><table><thead><tr>${th}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`
}

function groupsTable(title: string, groups: readonly TradeGroup[]): string {
  if (groups.length === 0) return ''
  const rows = groups.map(
    (g) =>
      `<tr><td class="l">${esc(g.key)}</td><td>${formatCount(g.trades)}</td><td>${formatPct(g.winRate)}</td>` +
      `<td${tone(g.netPnl)}>${formatUsd(g.netPnl)}</td><td>${formatRatio(g.profitFactor)}</td>` +
      `<td>${formatUsd(g.expectancy)}</td><td>${formatNumber(g.fees)}</td><td>${hours(g.meanDurationMs)}</td></tr>`,
  )
  return `<h3>${esc(title)}</h3>${table([title, 'Trades', 'Win rate', 'Net PnL', 'PF', 'Expectancy', 'Fees', 'Mean duration'], rows)}`
}

function agentsTable(b: RunBreakdowns): string {
  const a = b.byAgent
  if (a === undefined) return ''
  const rows = a.agents.map(
    (x) =>
      `<tr><td class="l">${esc(x.agent)}</td><td>${formatCount(x.tradesFor)}</td><td class="good">${formatUsd(x.made)}</td>` +
      `<td class="bad">${formatUsd(-x.lost)}</td><td${tone(x.pnlFor)}>${formatUsd(x.pnlFor)}</td>` +
      `<td>${formatCount(x.tradesAgainst)}</td><td${tone(-x.pnlAgainst)}>${formatUsd(x.pnlAgainst)}</td></tr>`,
  )
  const note =
    `<p class="note">Each trade is credited to the agents whose vote in its entry decision matched its direction. ` +
    `${formatCount(a.attributed)} trades attributed, ${formatCount(a.unattributed)} without a decision.</p>`
  return `<h3>Agents</h3>${note}${table(['Agent', 'Voted for', 'Made', 'Lost', 'Net', 'Voted against', 'Net of opposed'], rows)}`
}

function monthlyTable(b: RunBreakdowns): string {
  if (b.monthly.length === 0) return ''
  const rows = b.monthly.map(
    (m) =>
      `<tr><td class="l">${esc(m.month)}</td><td${tone(m.return)}>${formatPct(m.return, true)}</td>` +
      `<td${tone(m.pnl)}>${formatUsd(m.pnl)}</td><td>${formatNumber(m.endEquity)}</td></tr>`,
  )
  return `<h3>Monthly returns</h3>${table(['Month', 'Return', 'PnL', 'End equity'], rows)}`
}

function kvList(rows: readonly (readonly [string, string])[]): string {
  return `<dl class="kv">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`
}

/** Renders the breakdowns of a run as HTML (tables and key-value lists, classes of the report's CSS). */
export function breakdownsHtml(b: RunBreakdowns): string {
  const bh = b.buyAndHold
  const d = b.durations
  const x = b.excursions
  const bench = kvList([
    ['Buy and hold (equal weight, no fees)', formatPct(bh.return, true)],
    ...bh.symbols.map((s): [string, string] => [`  ${s.symbol}`, formatPct(s.return, true)]),
    ['Buy and hold max drawdown', formatPct(bh.maxDrawdownPct)],
    ['Strategy minus buy and hold', formatPct(b.excessReturn, true)],
  ])
  const shape = kvList([
    ['Duration mean / median', `${hours(d.meanMs)} / ${hours(d.medianMs)}`],
    ['Duration min / max', `${hours(d.minMs)} / ${hours(d.maxMs)}`],
    ['Winners / losers mean duration', `${hours(d.winnersMeanMs)} / ${hours(d.losersMeanMs)}`],
    ['Mean MAE / MFE', `${formatPct(x.meanMaePct)} / ${formatPct(x.meanMfePct)}`],
    ["Winners' mean MAE", formatPct(x.winnersMeanMaePct)],
    ["Losers' mean MFE", formatPct(x.losersMeanMfePct)],
    ['Edge ratio (MFE / MAE)', formatRatio(x.edgeRatio)],
  ])
  return (
    `<h2>Breakdowns</h2><h3>Benchmark</h3>${bench}<h3>Trade shape</h3>${shape}` +
    groupsTable('Symbol', b.bySymbol) +
    groupsTable('Side', b.bySide) +
    groupsTable('Exit reason', b.byExitReason) +
    agentsTable(b) +
    monthlyTable(b)
  )
}
