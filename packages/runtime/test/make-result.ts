/**
 * Hand-made backtest results for tests: a deterministic random walk of candles, trades spread over it,
 * and an equity curve, shaped exactly like `@quantum/core`'s BacktestResult.
 */
import type { BacktestResult, EngineEvent, ResultSeries, TradeRecord } from '@quantum/core'

/** What {@link makeResult} builds. */
export interface MakeResultOptions {
  /** Bars per symbol. @default 2000 */
  readonly bars?: number
  /** Closed trades (spread over every symbol). @default 30 */
  readonly trades?: number
  /** Symbols. @default ['BTCUSDT'] */
  readonly symbols?: readonly string[]
  /** Bar length in ms. @default one hour */
  readonly stepMs?: number
  /** Exit reason of every trade (to test escaping). @default alternating stop / take-profit */
  readonly exitReason?: string
}

const START = Date.UTC(2024, 0, 1)

function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function timeframeOf(stepMs: number): string {
  return stepMs % 3_600_000 === 0 ? `${stepMs / 3_600_000}h` : `${stepMs / 60_000}m`
}

function makeSeries(symbol: string, bars: number, stepMs: number, seed: number): ResultSeries {
  const rnd = prng(seed)
  const f = () => new Float64Array(bars)
  const s = {
    symbol,
    timeframe: timeframeOf(stepMs),
    openTime: f(),
    open: f(),
    high: f(),
    low: f(),
    close: f(),
    volume: f(),
  }
  let price = symbol.startsWith('BTC') ? 42_000 : 2_300
  // Keep long walks in a realistic range: the per-bar move shrinks with the number of bars.
  const vol = 0.01 * Math.min(1, Math.sqrt(4000 / bars))
  const drift = 0.3 / bars
  for (let i = 0; i < bars; i++) {
    const open = price
    const close = open * (1 + (rnd() - 0.5) * vol + drift)
    s.openTime[i] = START + i * stepMs
    s.open[i] = open
    s.close[i] = close
    s.high[i] = Math.max(open, close) * (1 + rnd() * 0.003)
    s.low[i] = Math.min(open, close) * (1 - rnd() * 0.003)
    s.volume[i] = 100 + rnd() * 50
    price = close
  }
  return s
}

function makeTrades(series: readonly ResultSeries[], count: number, exitReason?: string): TradeRecord[] {
  const trades: TradeRecord[] = []
  const bars = series[0]?.openTime.length ?? 0
  const span = Math.max(2, Math.floor(bars / Math.max(1, count)))
  for (let i = 0; i < count; i++) {
    const s = series[i % series.length]
    if (s === undefined) break
    const a = Math.min(bars - 2, i * span + 1)
    const b = Math.min(bars - 1, a + Math.max(1, Math.floor(span / 2)))
    const side = i % 3 === 0 ? 'SHORT' : 'LONG'
    const entryPrice = s.open[a] ?? 1
    const exitPrice = s.open[b] ?? 1
    const quantity = 0.1
    const grossPnl = (side === 'LONG' ? exitPrice - entryPrice : entryPrice - exitPrice) * quantity
    const fees = (entryPrice + exitPrice) * quantity * 0.0005
    const funding = -0.01 * (i % 2)
    trades.push({
      id: i + 1,
      symbol: s.symbol,
      side,
      entryTime: s.openTime[a] ?? 0,
      exitTime: s.openTime[b] ?? 0,
      entryPrice,
      exitPrice,
      quantity,
      grossPnl,
      fees,
      funding,
      netPnl: grossPnl - fees + funding,
      exitReason: exitReason ?? (i % 2 === 0 ? 'stop' : 'take-profit'),
    })
  }
  return trades
}

function makeEvents(): EngineEvent[] {
  return [
    { type: 'plugin-error', plugin: 'test:agent', hook: 'onBar', error: new Error('division by zero') },
    {
      type: 'risk',
      plugin: 'risk:max-leverage',
      verdict: { action: 'deny', reason: 'leverage 12 > max 5' },
      intent: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 1 },
    },
  ]
}

/** Builds a BacktestResult with `bars` candles per symbol and `trades` trades. */
export function makeResult(options: MakeResultOptions = {}): BacktestResult {
  const bars = options.bars ?? 2000
  const stepMs = options.stepMs ?? 3_600_000
  const symbols = options.symbols ?? ['BTCUSDT']
  const series = symbols.map((sym, i) => makeSeries(sym, bars, stepMs, 7 + i))
  const trades = makeTrades(series, options.trades ?? 30, options.exitReason)
  const time = new Float64Array(bars)
  const equity = new Float64Array(bars)
  const rnd = prng(99)
  let e = 10_000
  const vol = 0.004 * Math.min(1, Math.sqrt(4000 / bars))
  for (let i = 0; i < bars; i++) {
    time[i] = START + i * stepMs
    e *= 1 + (rnd() - 0.498) * vol
    equity[i] = e
  }
  const net = trades.reduce((sum, t) => sum + t.netPnl, 0)
  const last = series[0]?.openTime[bars - 1] ?? START
  const result: BacktestResult = {
    summary: {
      name: 'fixture-run',
      symbols,
      timeframe: timeframeOf(stepMs),
      from: new Date(START).toISOString(),
      to: new Date(last).toISOString(),
      bars: bars * symbols.length,
      trades: trades.length,
      openPositionAtEnd: false,
      winRate: trades.filter((t) => t.netPnl > 0).length / Math.max(1, trades.length),
      pnl: e - 10_000,
      pnlPct: (e - 10_000) / 10_000,
      maxDrawdown: 812.5,
      maxDrawdownPct: 0.0781,
      sharpe: 1.23,
      sortino: 1.87,
      cagr: 0.12,
      volatility: 0.2,
      calmar: 1.5,
      profitFactor: Number.POSITIVE_INFINITY,
      expectancy: net / Math.max(1, trades.length),
      exposure: 0.42,
      fees: trades.reduce((sum, t) => sum + t.fees, 0),
      funding: -0.15,
      startBalance: 10_000,
      endEquity: e,
      pluginErrors: 0,
      ordersRejected: 0,
      riskEvents: 1,
      liquidations: 0,
      riskByGuard: {},
      durationMs: 1234,
      barsPerSecond: Number.NaN,
    },
    trades,
    fills: [],
    equity: { time, equity },
    series,
    ledger: {
      startBalance: 10_000,
      realizedPnl: net,
      fees: 12.3,
      funding: -0.15,
      endBalance: 10_000 + net,
      unrealizedPnl: 0,
      endEquity: e,
    },
    notableEvents: makeEvents(),
  }
  return result
}
