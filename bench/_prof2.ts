import { createPaperExchange, generateCandles, runEngine, fixedNotional } from '@quantum/core'
import { emaCross } from '@quantum/agents'
import { atrStopTarget } from '@quantum/exit-brain'
const series = generateCandles({ bars: 1_000_000, seed: 42, symbol: 'SYNTHUSDT' })
const ex = () =>
  createPaperExchange({
    balance: 100000,
    takerFee: 0.0004,
    instruments: { SYNTHUSDT: { tickSize: 0, stepSize: 0, minQty: 0, minNotional: 0 } },
  })
for (let k = 0; k < 3; k++) {
  const o = await runEngine({
    series: [series],
    exchange: ex(),
    plugins: [emaCross(), fixedNotional({ notional: 1000 }), atrStopTarget()],
  })
  console.log(o.durationMs)
}
