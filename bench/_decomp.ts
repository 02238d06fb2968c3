import { createPaperExchange, generateCandles, runEngine, definePlugin, fixedNotional } from '@quantum/core'
import { emaCross } from '@quantum/agents'
import { atrStopTarget } from '@quantum/exit-brain'
import { z } from 'zod'
const series = generateCandles({ bars: 1_000_000, seed: 42, symbol: 'SYNTHUSDT' })
const silent = definePlugin({ name: 'b:silent', kind: 'agent', options: z.strictObject({}), create: () => ({ onBar: () => undefined }) })
const ex = () => createPaperExchange({ balance: 100000, takerFee: 0.0004, instruments: { SYNTHUSDT: { tickSize: 0, stepSize: 0, minQty: 0, minNotional: 0 } } })
const cases: [string, () => any[]][] = [
  ['silent agent', () => [silent()]],
  ['emaCross only (no sizer)', () => [emaCross()]],
  ['emaCross + atr exit (no sizer)', () => [emaCross(), atrStopTarget()]],
  ['emaCross + sizer', () => [emaCross(), fixedNotional({ notional: 1000 })]],
  ['full reference', () => [emaCross(), fixedNotional({ notional: 1000 }), atrStopTarget()]],
]
for (const [name, plugins] of cases) {
  let best = Infinity, trades = 0
  for (let k = 0; k < 3; k++) { const o = await runEngine({ series: [series], exchange: ex(), plugins: plugins() }); best = Math.min(best, o.durationMs); trades = o.trades.length }
  console.log(name.padEnd(34), (best).toFixed(0).padStart(6), 'ms', Math.round(1e6 / best * 1000).toLocaleString().padStart(12), 'bars/s', trades, 'trades')
}
