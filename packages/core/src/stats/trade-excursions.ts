import type { CandleSeries } from '../data/candle-series.js'
import { lowerBound } from '../data/candle-series.js'
import type { TradeRecord } from '../result.js'

/** How far price went against (MAE) and for (MFE) one trade while it was open. */
export interface TradeExcursion {
  /** The trade's id. */
  readonly id: number
  /** Maximum adverse excursion as a fraction of the entry price (>= 0). */
  readonly maePct: number
  /** Maximum favourable excursion as a fraction of the entry price (>= 0). */
  readonly mfePct: number
  /** MAE in USDT at the trade's largest size (maePct x entry price x quantity). */
  readonly mae: number
  /** MFE in USDT at the trade's largest size. */
  readonly mfe: number
}

/** Means of {@link TradeExcursion} over all trades, the winners and the losers. */
export interface ExcursionSummary {
  readonly trades: number
  readonly meanMaePct: number
  readonly meanMfePct: number
  /** Mean MAE of winning trades (how much heat a winner took). */
  readonly winnersMeanMaePct: number
  /** Mean MFE of losing trades (how much a loser had been up). */
  readonly losersMeanMfePct: number
  /** meanMfePct / meanMaePct (> 1: price moved further for the entries than against them). */
  readonly edgeRatio: number
}

/** Index of the bar whose open time is the latest <= `time` (0 when `time` precedes the series). */
function barAt(openTime: Float64Array, time: number): number {
  return Math.max(0, lowerBound(openTime, time + 1) - 1)
}

/**
 * The MAE and MFE of each trade from the bars of its symbol, over the bars from the one holding the entry
 * fill to the one holding the exit fill (both whole: on those two bars the extreme may lie before the entry
 * or after the exit, so the figures are upper bounds there). Trades of symbols without series are skipped.
 * @example tradeExcursions(result.trades, result.series)[0] // { id: 1, maePct: 0.012, mfePct: 0.034, ... }
 */
export function tradeExcursions(trades: readonly TradeRecord[], series: readonly CandleSeries[]): TradeExcursion[] {
  const bySymbol = new Map(series.map((s) => [s.symbol, s]))
  const out: TradeExcursion[] = []
  for (const t of trades) {
    const s = bySymbol.get(t.symbol)
    if (s === undefined || s.openTime.length === 0) continue
    const from = barAt(s.openTime, t.entryTime)
    const to = Math.max(from, barAt(s.openTime, t.exitTime))
    let high = -Infinity
    let low = Infinity
    for (let i = from; i <= to; i++) {
      if ((s.high[i] as number) > high) high = s.high[i] as number
      if ((s.low[i] as number) < low) low = s.low[i] as number
    }
    const up = Math.max(0, high / t.entryPrice - 1)
    const down = Math.max(0, 1 - low / t.entryPrice)
    const maePct = t.side === 'LONG' ? down : up
    const mfePct = t.side === 'LONG' ? up : down
    const notional = t.entryPrice * t.quantity
    out.push({ id: t.id, maePct, mfePct, mae: maePct * notional, mfe: mfePct * notional })
  }
  return out
}

function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN
  let sum = 0
  for (const v of values) sum += v
  return sum / values.length
}

/**
 * Means of the excursions over all trades, the winners' MAE and the losers' MFE, and the edge ratio.
 * @example summarizeExcursions(trades, tradeExcursions(trades, series)).edgeRatio // 1.4
 */
export function summarizeExcursions(
  trades: readonly TradeRecord[],
  excursions: readonly TradeExcursion[],
): ExcursionSummary {
  const pnl = new Map(trades.map((t) => [t.id, t.netPnl]))
  const meanMaePct = mean(excursions.map((e) => e.maePct))
  const meanMfePct = mean(excursions.map((e) => e.mfePct))
  return {
    trades: excursions.length,
    meanMaePct,
    meanMfePct,
    winnersMeanMaePct: mean(excursions.filter((e) => (pnl.get(e.id) ?? 0) > 0).map((e) => e.maePct)),
    losersMeanMfePct: mean(excursions.filter((e) => (pnl.get(e.id) ?? 0) < 0).map((e) => e.mfePct)),
    edgeRatio: meanMaePct === 0 ? NaN : meanMfePct / meanMaePct,
  }
}
