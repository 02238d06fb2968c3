/** Small engine fixtures for the risk package's integration tests: hand-made candles and a scripted agent. */
import { createPaperExchange, definePlugin, runEngine } from '@quantum/core'
import type { CandleSeries, EngineEvent, QuantumPlugin } from '@quantum/core'
import { z } from 'zod'

/** Hourly candles of `symbol` from `start` whose closes are `closes` (open = previous close). */
export function seriesOf(symbol: string, closes: readonly number[], start = Date.UTC(2024, 7, 4)): CandleSeries {
  const n = closes.length
  const s = {
    symbol,
    timeframe: '1h',
    openTime: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n).fill(1),
  }
  for (let i = 0; i < n; i++) {
    const c = closes[i]!
    const o = i === 0 ? c : closes[i - 1]!
    s.openTime[i] = start + i * 3_600_000
    s.open[i] = o
    s.close[i] = c
    s.high[i] = Math.max(o, c)
    s.low[i] = Math.min(o, c)
  }
  return s
}

/** An agent that says `action` on the listed bar indices. */
export const scripted = definePlugin({
  name: 'test:scripted',
  kind: 'agent',
  options: z.strictObject({ buy: z.array(z.number()).default([]), sell: z.array(z.number()).default([]) }),
  create: ({ buy, sell }) => ({
    onBar: (bar) => {
      const action = buy.includes(bar.index) ? 'BUY' : sell.includes(bar.index) ? 'SELL' : undefined
      return action === undefined
        ? undefined
        : { agent: 'test:scripted', symbol: bar.symbol, time: bar.openTime, action, confidence: 1 }
    },
  }),
})

/** Runs the engine on `series` with a 10,000 USDT paper account (TESTUSDT: step 0.001, min notional 5). */
export async function runOn(series: CandleSeries, plugins: QuantumPlugin[], mode: 'backtest' | 'live' = 'backtest') {
  const exchange = createPaperExchange({
    balance: 10_000,
    instruments: { TESTUSDT: { tickSize: 0.01, stepSize: 0.001, minNotional: 5 } },
  })
  const events: EngineEvent[] = []
  const output = await runEngine({ series: [series], exchange, plugins, mode, onEvent: (e) => events.push(e) })
  return { output, events, exchange }
}
