import type { BacktestSummary, TradeRecord } from '../result.js'
import type { LedgerSnapshot } from '../exchange/ledger.js'
import { annualReturn } from '../stats/annual-return.js'
import { annualVolatility } from '../stats/annual-volatility.js'
import { maxDrawdownFromEquity } from '../stats/max-drawdown.js'
import { sharpeRatio } from '../stats/sharpe-ratio.js'
import { sortinoRatio } from '../stats/sortino-ratio.js'
import { summarizeTrades } from '../stats/summarize-trades.js'
import type { EngineOutput } from '../engine/run-engine.js'

const YEAR_MS = 365 * 24 * 3600 * 1000

/** Inputs of {@link summarizeRun}. */
export interface SummarizeInput {
  readonly name: string
  readonly symbols: readonly string[]
  readonly timeframe: string
  readonly stepMs: number
  readonly output: EngineOutput
  readonly ledger: LedgerSnapshot
  readonly endEquity: number
}

/**
 * Computes the headline figures of a run from the per-bar equity curve (returns per bar, annualised
 * with the bar's periods per year, 24/7) and the closed trades (net PnL; a zero-PnL trade is a non-win).
 */
export function summarizeRun(input: SummarizeInput): BacktestSummary {
  const { output, ledger } = input
  const equity = output.equity.equity
  const returns = barReturns(equity, ledger.startBalance)
  const annualization = YEAR_MS / input.stepMs
  const dd = maxDrawdownFromEquity(equity, ledger.startBalance)
  const trades = summarizeTrades(output.trades.map((t: TradeRecord) => t.netPnl))
  const cagr = annualReturn(returns, { annualization })
  const times = output.equity.time
  const pnl = input.endEquity - ledger.startBalance
  return {
    name: input.name,
    symbols: input.symbols,
    timeframe: input.timeframe,
    from: times.length > 0 ? new Date(times[0] as number).toISOString() : '',
    to: times.length > 0 ? new Date(times[times.length - 1] as number).toISOString() : '',
    bars: output.counts.bars,
    trades: output.trades.length,
    openPositionAtEnd: output.openAtEnd,
    winRate: trades.trades === 0 ? 0 : trades.winRate,
    pnl,
    pnlPct: pnl / ledger.startBalance,
    maxDrawdown: dd.abs,
    maxDrawdownPct: dd.pct,
    sharpe: sharpeRatio(returns, { annualization }),
    sortino: sortinoRatio(returns, { annualization }),
    cagr,
    volatility: annualVolatility(returns, { annualization }),
    calmar: dd.pct === 0 ? NaN : cagr / dd.pct,
    profitFactor: trades.profitFactor,
    expectancy: trades.trades === 0 ? 0 : trades.expectancy,
    exposure: output.exposure,
    fees: ledger.fees,
    funding: ledger.funding,
    startBalance: ledger.startBalance,
    endEquity: input.endEquity,
    pluginErrors: output.counts.pluginErrors,
    ordersRejected: output.counts.ordersRejected,
    riskEvents: output.counts.riskEvents,
    liquidations: output.counts.liquidations,
    riskByGuard: output.counts.riskByGuard,
    durationMs: output.durationMs,
    barsPerSecond: output.durationMs > 0 ? output.counts.bars / (output.durationMs / 1000) : 0,
  }
}

function barReturns(equity: Float64Array, start: number): Float64Array {
  const out = new Float64Array(equity.length)
  let prev = start
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i] as number
    out[i] = prev === 0 ? NaN : e / prev - 1
    prev = e
  }
  return out
}
