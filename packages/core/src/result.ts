/**
 * What a backtest returns: the summary, the round-trip trades, the fills, the equity curve and the
 * accounting ledger. The runtime writes it to `summary.json`, `trades.csv`, `equity.csv` and `report.html`.
 * @packageDocumentation
 */
import type { CandleSeries } from './data/candle-series.js'
import type { Decision, Fill } from './schemas.js'
import type { EngineEvent, RiskStateEvent } from './types.js'

/** Columnar candles of one symbol as the result carries them (for charts). */
export type ResultSeries = CandleSeries

/** One round trip: from flat to flat (a flip closes one trade and opens the next). */
export interface TradeRecord {
  /** 1-based sequence number. */
  readonly id: number
  readonly symbol: string
  readonly side: 'LONG' | 'SHORT'
  /** Time of the first entry fill (epoch ms). */
  readonly entryTime: number
  /** Time of the last exit fill (epoch ms). */
  readonly exitTime: number
  /** Volume-weighted entry price. */
  readonly entryPrice: number
  /** Volume-weighted exit price. */
  readonly exitPrice: number
  /** Largest absolute size held during the trade (base asset). */
  readonly quantity: number
  /** Realised PnL before fees and funding (USDT). */
  readonly grossPnl: number
  /** Fees of every fill of the trade (USDT). */
  readonly fees: number
  /** Funding received (+) or paid (-) while the trade was open (USDT). */
  readonly funding: number
  /** grossPnl - fees + funding. */
  readonly netPnl: number
  /** Tag of the closing fill (`stop`, `take-profit`, `reverse`, `liquidation`...). */
  readonly exitReason: string
  /** Quantity-weighted entry slippage against the decision price, in bps (positive: worse); set when the execution manager (AELM) recorded decision prices. */
  readonly entrySlippageBps?: number
}

/** The account's accounting identity: start + realised - fees + funding = end wallet. */
export interface LedgerSummary {
  readonly startBalance: number
  readonly realizedPnl: number
  readonly fees: number
  readonly funding: number
  /** Wallet balance at the end. */
  readonly endBalance: number
  /** Unrealised PnL of positions still open at the end (marked at the last close). */
  readonly unrealizedPnl: number
  /** endBalance + unrealizedPnl. */
  readonly endEquity: number
}

/** Headline figures of a run (also `summary.json`). Ratios are fractions (0.1 = 10%). */
export interface BacktestSummary {
  readonly name: string
  readonly symbols: readonly string[]
  readonly timeframe: string
  /** First bar open time (ISO). */
  readonly from: string
  /** Last bar open time (ISO). */
  readonly to: string
  readonly bars: number
  /** Closed round trips. */
  readonly trades: number
  /** Whether a position was still open at the end (it is not counted in `trades`). */
  readonly openPositionAtEnd: boolean
  /** Winning closed trades (net PnL > 0) / closed trades; 0 when there are none. */
  readonly winRate: number
  /** Final equity - start balance (USDT), open positions marked at the last close without exit fee. */
  readonly pnl: number
  /** pnl / start balance. */
  readonly pnlPct: number
  /** Largest peak-to-trough fall of the per-bar equity curve (USDT). */
  readonly maxDrawdown: number
  /** The same as a fraction of the peak. */
  readonly maxDrawdownPct: number
  readonly sharpe: number
  readonly sortino: number
  readonly cagr: number
  readonly volatility: number
  readonly calmar: number
  readonly profitFactor: number
  /** Mean net PnL per closed trade (USDT). */
  readonly expectancy: number
  /** Fraction of bars with an open position. */
  readonly exposure: number
  readonly fees: number
  readonly funding: number
  readonly startBalance: number
  readonly endEquity: number
  readonly pluginErrors: number
  readonly ordersRejected: number
  readonly riskEvents: number
  /** Positions closed by liquidation. */
  readonly liquidations: number
  /** Risk verdicts per guard (plugin name): intents resized and denied. */
  readonly riskByGuard: Readonly<Record<string, { readonly resized: number; readonly denied: number }>>
  readonly durationMs: number
  readonly barsPerSecond: number
}

/** A gap in a data file: `missing` rows between `from` and `to` (epoch ms). */
export interface DataGap {
  readonly from: number
  readonly to: number
  readonly missing: number
}

/** What was read from one data file (shown in reports: gaps are reported, never filled). */
export interface DataSourceReport {
  readonly kind: 'candles' | 'funding' | 'detail' | 'mark'
  readonly symbol: string
  readonly file: string
  /** Candle timeframe, or the funding interval (e.g. `8h`). */
  readonly timeframe: string
  /** Rows in the file. */
  readonly rows: number
  /** Rows used after the symbol and time filters (candles). */
  readonly used: number
  readonly gaps: readonly DataGap[]
  /** Whether the candles came from the binary cache. */
  readonly fromCache: boolean
  /** Why the cache was not used, when it was not. */
  readonly cacheIssue?: string
  /** Detail candles: how many of the symbol's strategy bars had detail candles to fill against. */
  readonly coveredBars?: number
}

/** The decisions of a run: counts by action and the latest BUY/SELL decisions with their votes. */
export interface DecisionLog {
  /** Decisions taken (one per symbol and bar with at least one signal). */
  readonly total: number
  readonly byAction: Readonly<Record<'BUY' | 'SELL' | 'HOLD', number>>
  /** The latest BUY/SELL decisions, oldest first, each with every agent's vote (capped). */
  readonly recent: readonly Decision[]
}

/** Everything a backtest produced. */
export interface BacktestResult {
  readonly summary: BacktestSummary
  readonly trades: readonly TradeRecord[]
  readonly fills: readonly Fill[]
  /** Equity at each bar close (one point per distinct bar time). */
  readonly equity: { readonly time: Float64Array; readonly equity: Float64Array }
  readonly series: readonly ResultSeries[]
  readonly ledger: LedgerSummary
  /** Notable events kept for the report (plugin errors, risk verdicts, rejections), capped. */
  readonly notableEvents: readonly EngineEvent[]
  /**
   * The engine clock (epoch ms) when each notable event was recorded, parallel to `notableEvents`; the time
   * of events that carry none of their own (risk verdicts, rejections, plugin errors). @default []
   */
  readonly notableEventTimes?: readonly number[]
  /** Risk state changes (emergency stop trips and resets, circuit breakers), in order. @default [] */
  readonly riskStates?: readonly RiskStateEvent[]
  /** The data files read, with their gaps. @default [] */
  readonly data?: readonly DataSourceReport[]
  /** The decisions taken, with the votes behind the latest ones. */
  readonly decisions?: DecisionLog
}
