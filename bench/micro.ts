/**
 * Per-signal and per-order micro benchmarks: the SDK path against a bare baseline in the same run.
 */
import { createPaperExchange, definePlugin, fixedNotional, runEngine, type CandleSeries } from '@quantum/core'
import { maxLeverage, maxPositionNotional } from '@quantum/risk'
import { z } from 'zod'

/** An agent that flips its opinion on every bar: every bar is a signal, a decision and two orders. */
const flipper = definePlugin({
  name: 'bench:flipper',
  kind: 'agent',
  options: z.strictObject({}),
  create: () => {
    let n = 0
    return {
      onBar: (bar) => ({
        agent: 'bench:flipper',
        symbol: bar.symbol,
        time: bar.openTime,
        action: n++ % 2 === 0 ? 'BUY' : 'SELL',
        confidence: 1,
      }),
    }
  },
})

/** Signals per second through agents -> decision -> sizing -> risk (2 guards) -> execution -> fills. */
export async function benchSignals(series: CandleSeries): Promise<{ signalsPerSec: number; signals: number }> {
  const exchange = createPaperExchange({
    balance: 1e12,
    instruments: { [series.symbol]: { tickSize: 0, stepSize: 0, minQty: 0, minNotional: 0 } },
  })
  const out = await runEngine({
    series: [series],
    exchange,
    plugins: [
      flipper(),
      fixedNotional({ notional: 1000 }),
      maxPositionNotional({ max: 5000 }),
      maxLeverage({ max: 10 }),
    ],
  })
  return { signalsPerSec: series.close.length / (out.durationMs / 1000), signals: series.close.length }
}

/** Orders per second on the paper exchange: place a market order, fill it on the next bar. */
export function benchOrders(series: CandleSeries, orders: number): { ordersPerSec: number; barePerSec: number } {
  const exchange = createPaperExchange({
    balance: 1e12,
    instruments: { [series.symbol]: { tickSize: 0, stepSize: 0, minQty: 0, minNotional: 0 } },
  })
  const n = Math.min(orders, series.close.length)
  const bar = { openTime: 0, open: 0, high: 0, low: 0, close: 0 }
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    void exchange.placeOrder({
      symbol: series.symbol,
      side: i % 2 === 0 ? 'BUY' : 'SELL',
      type: 'MARKET',
      quantity: 0.01,
    })
    bar.openTime = series.openTime[i]!
    bar.open = series.open[i]!
    bar.high = series.high[i]!
    bar.low = series.low[i]!
    bar.close = series.close[i]!
    exchange.onBar(series.symbol, bar)
  }
  const sdk = performance.now() - t0
  // Baseline: the same fills as bare arithmetic (position, entry, realised PnL, fee, wallet).
  const t1 = performance.now()
  let pos = 0
  let entry = 0
  let wallet = 1e12
  for (let i = 0; i < n; i++) {
    const price = series.open[i]!
    const q = i % 2 === 0 ? 0.01 : -0.01
    if (pos !== 0 && Math.sign(q) !== Math.sign(pos)) wallet += pos * (price - entry)
    else entry = price
    pos += q
    wallet -= 0.0005 * 0.01 * price
  }
  const bare = performance.now() - t1
  if (!Number.isFinite(wallet)) throw new Error('unreachable')
  return { ordersPerSec: n / (sdk / 1000), barePerSec: n / (bare / 1000) }
}
