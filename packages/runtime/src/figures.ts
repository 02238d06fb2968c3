/**
 * The headline figures of a run, formatted once for both the terminal table and the HTML report cards.
 * @packageDocumentation
 */
import type { BacktestSummary } from '@quantum/core'
import { formatCount, formatDuration, formatNumber, formatPct, formatRatio, formatUsd } from './format.js'

/** Whether a figure is good news, bad news or neither (drives its colour). */
export type FigureTone = 'good' | 'bad' | 'neutral'

/** One labelled, formatted figure. */
export interface Figure {
  /** Short label, e.g. `Max DD %`. */
  readonly label: string
  /** The formatted value. */
  readonly value: string
  /** Unit shown after the value (e.g. `USDT`), or `''`. */
  readonly unit: string
  /** Colour hint. */
  readonly tone: FigureTone
}

function signTone(value: number): FigureTone {
  if (!Number.isFinite(value) || value === 0) return 'neutral'
  return value > 0 ? 'good' : 'bad'
}

function figure(label: string, value: string, tone: FigureTone = 'neutral'): Figure {
  return { label, value, tone, unit: '' }
}

function usdt(label: string, value: string, tone: FigureTone = 'neutral'): Figure {
  return { label, value, tone, unit: 'USDT' }
}

/** The figures of a summary, in display order. */
export function summaryFigures(s: BacktestSummary): Figure[] {
  return [
    figure('Trades', formatCount(s.trades)),
    figure('Win rate', formatPct(s.winRate)),
    usdt('PnL', formatUsd(s.pnl), signTone(s.pnl)),
    figure('PnL %', formatPct(s.pnlPct, true), signTone(s.pnlPct)),
    usdt('Max drawdown', formatNumber(s.maxDrawdown), s.maxDrawdown > 0 ? 'bad' : 'neutral'),
    figure('Max DD %', formatPct(s.maxDrawdownPct), s.maxDrawdownPct > 0 ? 'bad' : 'neutral'),
    figure('Sharpe', formatRatio(s.sharpe), signTone(s.sharpe)),
    figure('Sortino', formatRatio(s.sortino), signTone(s.sortino)),
    figure('CAGR', formatPct(s.cagr, true), signTone(s.cagr)),
    figure('Profit factor', formatRatio(s.profitFactor), signTone(s.profitFactor - 1)),
    usdt('Expectancy', formatUsd(s.expectancy), signTone(s.expectancy)),
    figure('Exposure', formatPct(s.exposure)),
    usdt('Fees', formatNumber(s.fees)),
    usdt('Funding', formatUsd(s.funding), signTone(s.funding)),
    figure('Liquidations', formatCount(s.liquidations ?? 0), (s.liquidations ?? 0) > 0 ? 'bad' : 'neutral'),
    figure('Bars', formatCount(s.bars)),
    figure('Bars/s', formatCount(s.barsPerSecond)),
    figure('Duration', formatDuration(s.durationMs)),
  ]
}
