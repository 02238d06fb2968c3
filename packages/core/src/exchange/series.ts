/**
 * Funding-rate and mark-price series supplied to the paper exchange: validation at construction and
 * forward-only cursors for the per-bar path.
 * @packageDocumentation
 */
import type { ValidationIssue } from '../errors.js'
import type { BarLike } from '../types.js'

/** A numeric column (typed array or plain array). */
export type NumberColumn = Float64Array | readonly number[]

/** Funding history of one symbol, column-wise (the format of `data/funding/*.csv` and `readFundingCsv`). */
export interface FundingRateSeries {
  /** Funding times, epoch ms UTC, strictly ascending. */
  readonly time: NumberColumn
  /** Rate per funding period as a fraction (0.0001 = 0.01%); longs pay positive rates. */
  readonly rate: NumberColumn
}

/** Mark-price candles of one symbol, column-wise (the format of `data/mark/*.csv`). */
export interface MarkPriceSeries {
  /** Candle open times, epoch ms UTC, strictly ascending; matched to trade bars by equal open time. */
  readonly time: NumberColumn
  readonly open: NumberColumn
  readonly high: NumberColumn
  readonly low: NumberColumn
  readonly close: NumberColumn
}

function checkTimes(time: NumberColumn, path: string, issues: ValidationIssue[]): void {
  for (let i = 0; i < time.length; i++) {
    const t = time[i]!
    if (!Number.isFinite(t) || (i > 0 && !(t > time[i - 1]!))) {
      issues.push({ path: `${path}.time.${i}`, message: `must be finite and strictly ascending, got ${t}` })
      return
    }
  }
}

function checkColumn(column: NumberColumn, at: { path: string; length: number }, issues: ValidationIssue[]): void {
  if (column.length !== at.length) {
    issues.push({ path: at.path, message: `has ${column.length} values, time has ${at.length}` })
    return
  }
  for (let i = 0; i < column.length; i++) {
    if (!Number.isFinite(column[i])) {
      issues.push({ path: `${at.path}.${i}`, message: `must be a finite number, got ${column[i]}` })
      return
    }
  }
}

/** Collects the problems of one funding series (paths under `funding.<SYMBOL>`). @internal */
export function fundingIssues(symbol: string, series: FundingRateSeries): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  const path = `funding.${symbol}`
  checkTimes(series.time, path, issues)
  checkColumn(series.rate, { path: `${path}.rate`, length: series.time.length }, issues)
  return issues
}

/** Collects the problems of one mark-price series (paths under `markPrices.<SYMBOL>`). @internal */
export function markIssues(symbol: string, series: MarkPriceSeries): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  const path = `markPrices.${symbol}`
  checkTimes(series.time, path, issues)
  for (const key of ['open', 'high', 'low', 'close'] as const) {
    checkColumn(series[key], { path: `${path}.${key}`, length: series.time.length }, issues)
  }
  return issues
}

/** Walks a funding series forward. @internal */
export class FundingCursor {
  private index = 0

  constructor(private readonly series: FundingRateSeries) {}

  /** Time of the next unapplied funding, Infinity when none is left. */
  get nextTime(): number {
    return this.index < this.series.time.length ? this.series.time[this.index]! : Number.POSITIVE_INFINITY
  }

  /** Rate of the next unapplied funding (call only while `nextTime` is finite). */
  get nextRate(): number {
    return this.series.rate[this.index]!
  }

  /** Moves past the next funding. */
  advance(): void {
    this.index++
  }
}

/** Looks up mark candles by open time, forward only, into one reused object. @internal */
export class MarkCursor {
  private index = 0
  private readonly bar = { openTime: 0, open: 0, high: 0, low: 0, close: 0 }

  constructor(private readonly series: MarkPriceSeries) {}

  /** The mark candle opening at `time`, or undefined when the series has none (read it before the next call). */
  at(time: number): BarLike | undefined {
    const s = this.series
    while (this.index < s.time.length && s.time[this.index]! < time) this.index++
    if (this.index >= s.time.length || s.time[this.index] !== time) return undefined
    const b = this.bar
    b.openTime = time
    b.open = s.open[this.index]!
    b.high = s.high[this.index]!
    b.low = s.low[this.index]!
    b.close = s.close[this.index]!
    return b
  }
}
