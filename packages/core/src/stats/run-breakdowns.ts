import type { CandleSeries } from '../data/candle-series.js'
import type { TradeRecord } from '../result.js'
import type { Decision } from '../schemas.js'
import { attributeTrades, type TradeAttribution } from './agent-attribution.js'
import { buyAndHold, type BuyAndHold } from './buy-and-hold.js'
import { monthlyReturns, type MonthlyReturn } from './monthly-returns.js'
import { groupTrades, type TradeGroup } from './trade-groups.js'
import { summarizeDurations, type DurationSummary } from './trade-durations.js'
import { summarizeExcursions, tradeExcursions, type ExcursionSummary } from './trade-excursions.js'

/** Input of {@link runBreakdowns}: the parts of a run result the breakdowns read. */
export interface RunBreakdownsInput {
  readonly trades: readonly TradeRecord[]
  readonly equity: { readonly time: ArrayLike<number>; readonly equity: ArrayLike<number> }
  readonly series: readonly CandleSeries[]
  readonly startBalance: number
  /** Every BUY/SELL decision of the run, for the per-agent attribution. @default none (no `byAgent`) */
  readonly decisions?: readonly Decision[]
}

/** Where a run's result came from: per symbol, side, exit reason, agent and month, and the benchmark. */
export interface RunBreakdowns {
  readonly bySymbol: readonly TradeGroup[]
  /** `LONG` and `SHORT`. */
  readonly bySide: readonly TradeGroup[]
  readonly byExitReason: readonly TradeGroup[]
  /** Present when the decisions were given. */
  readonly byAgent?: TradeAttribution
  readonly monthly: readonly MonthlyReturn[]
  readonly durations: DurationSummary
  readonly excursions: ExcursionSummary
  readonly buyAndHold: BuyAndHold
  /** The run's total return minus the buy-and-hold return. */
  readonly excessReturn: number
}

/**
 * Every breakdown of a run in one object: {@link groupTrades} by symbol, side and exit reason,
 * {@link attributeTrades} by agent, {@link monthlyReturns}, {@link summarizeDurations},
 * {@link summarizeExcursions} and the {@link buyAndHold} benchmark.
 * @example const b = runBreakdowns({ ...result, startBalance: result.summary.startBalance, decisions })
 */
export function runBreakdowns(input: RunBreakdownsInput): RunBreakdowns {
  const { trades, equity, startBalance } = input
  const bench = buyAndHold(input.series, startBalance)
  const n = equity.equity.length
  const total = n === 0 ? 0 : (equity.equity[n - 1] as number) / startBalance - 1
  return {
    bySymbol: groupTrades(trades, (t) => t.symbol),
    bySide: groupTrades(trades, (t) => t.side),
    byExitReason: groupTrades(trades, (t) => t.exitReason),
    ...(input.decisions === undefined ? {} : { byAgent: attributeTrades(trades, input.decisions) }),
    monthly: monthlyReturns(equity.time, equity.equity, startBalance),
    durations: summarizeDurations(trades),
    excursions: summarizeExcursions(trades, tradeExcursions(trades, input.series)),
    buyAndHold: bench,
    excessReturn: total - bench.return,
  }
}
