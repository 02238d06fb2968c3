import type { NumericSeries } from './types.js'

/**
 * Share of trades with a net PnL `> 0`, over **all** closed trades: a zero-PnL trade counts as a
 * non-win (the reference strategy's definition); `NaN` without trades.
 * @example winRate([10, -5, 0, 3]) // 0.5
 */
export function winRate(tradePnls: NumericSeries): number {
  if (tradePnls.length === 0) return NaN
  let wins = 0
  for (let i = 0; i < tradePnls.length; i++) if ((tradePnls[i] as number) > 0) wins++
  return wins / tradePnls.length
}

/**
 * Profit factor: sum of winning PnL / |sum of losing PnL|. Zero-PnL trades count on neither side;
 * `Infinity` with wins and no losses, `NaN` with neither (no trades, or only zero-PnL ones), 0 with
 * only losses.
 * @example profitFactor([10, -5, 0, 3]) // 2.6
 */
export function profitFactor(tradePnls: NumericSeries): number {
  let gross = 0
  let loss = 0
  for (let i = 0; i < tradePnls.length; i++) {
    const p = tradePnls[i] as number
    if (p > 0) gross += p
    else if (p < 0) loss -= p
  }
  if (loss === 0) return gross > 0 ? Infinity : NaN
  return gross / loss
}

/**
 * Expectancy: mean net PnL per closed trade (= winRate·avgWin − lossRate·avgLoss, zero-PnL trades
 * included in the count); `NaN` without trades.
 * @example expectancy([10, -5, 0, 3]) // 2
 */
export function expectancy(tradePnls: NumericSeries): number {
  if (tradePnls.length === 0) return NaN
  let sum = 0
  for (let i = 0; i < tradePnls.length; i++) sum += tradePnls[i] as number
  return sum / tradePnls.length
}

/**
 * Exposure: fraction of bars with an open position, from a per-bar position series (signed
 * quantity, or a boolean); `0`, `false` and `NaN` mean flat. `NaN` for an empty series.
 * @example exposure([0, 1, 1, -2, 0]) // 0.6
 */
export function exposure(positions: ArrayLike<number | boolean>): number {
  if (positions.length === 0) return NaN
  let open = 0
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]
    if (p === true || (typeof p === 'number' && p !== 0 && p === p)) open++
  }
  return open / positions.length
}

/** Trade statistics from {@link summarizeTrades}. */
export interface TradeSummary {
  /** Closed trades. */
  readonly trades: number
  /** Trades with PnL > 0. */
  readonly wins: number
  /** Trades with PnL < 0. */
  readonly losses: number
  /** Trades with PnL = 0 (non-wins for the win rate, on neither side of the profit factor). */
  readonly breakeven: number
  /** See {@link winRate}. */
  readonly winRate: number
  /** See {@link profitFactor}. */
  readonly profitFactor: number
  /** See {@link expectancy}. */
  readonly expectancy: number
  /** Sum of all trade PnLs. */
  readonly netProfit: number
  /** Sum of winning PnLs (≥ 0). */
  readonly grossProfit: number
  /** Sum of losing PnLs, as a positive number. */
  readonly grossLoss: number
  /** Mean winning PnL; `NaN` without wins. */
  readonly averageWin: number
  /** Mean losing PnL, as a positive number; `NaN` without losses. */
  readonly averageLoss: number
  /** averageWin / averageLoss; `NaN` when either is missing. */
  readonly payoffRatio: number
  /** Largest PnL; `NaN` without trades. */
  readonly largestWin: number
  /** Smallest PnL (most negative); `NaN` without trades. */
  readonly largestLoss: number
}

/**
 * Summarizes closed-trade net PnLs (fees included) in one pass; conventions of {@link winRate},
 * {@link profitFactor} and {@link expectancy}.
 * @example summarizeTrades([10, -5, 0, 3]).profitFactor // 2.6
 */
export function summarizeTrades(tradePnls: NumericSeries): TradeSummary {
  let wins = 0
  let losses = 0
  let net = 0
  let grossProfit = 0
  let grossLoss = 0
  let largestWin = -Infinity
  let largestLoss = Infinity
  for (let i = 0; i < tradePnls.length; i++) {
    const p = tradePnls[i] as number
    net += p
    if (p > 0) {
      wins++
      grossProfit += p
    } else if (p < 0) {
      losses++
      grossLoss -= p
    }
    if (p > largestWin) largestWin = p
    if (p < largestLoss) largestLoss = p
  }
  const trades = tradePnls.length
  const averageWin = wins > 0 ? grossProfit / wins : NaN
  const averageLoss = losses > 0 ? grossLoss / losses : NaN
  return {
    trades,
    wins,
    losses,
    breakeven: trades - wins - losses,
    winRate: winRate(tradePnls),
    profitFactor: profitFactor(tradePnls),
    expectancy: trades > 0 ? net / trades : NaN,
    netProfit: net,
    grossProfit,
    grossLoss,
    averageWin,
    averageLoss,
    payoffRatio: averageWin / averageLoss,
    largestWin: trades > 0 ? largestWin : NaN,
    largestLoss: trades > 0 ? largestLoss : NaN,
  }
}
