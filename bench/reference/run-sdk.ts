/**
 * The reference strategy through the whole SDK pipeline (the same plugins as
 * examples/reference-strategy/quantum.config.ts), on an in-memory series.
 */
import { emaCross } from '@quantum/agents'
import { createPaperExchange, fixedNotional, runEngine, type CandleSeries, type EngineOutput } from '@quantum/core'
import { atrStopTarget } from '@quantum/exit-brain'

/** The reference strategy's plugins. */
export function referencePlugins() {
  return [
    emaCross({ fast: 12, slow: 26 }),
    fixedNotional({ notional: 1000 }),
    atrStopTarget({ period: 14, stopAtr: 2, targetAtr: 3 }),
  ]
}

/** Runs the reference strategy on `series` through the engine and the paper exchange. */
export async function runReferenceSdk(
  series: CandleSeries,
): Promise<{ output: EngineOutput; endEquity: number; startBalance: number }> {
  const exchange = createPaperExchange({
    balance: 100_000,
    takerFee: 0.0004,
    makerFee: 0.0004,
    leverage: 1,
    instruments: { [series.symbol]: { tickSize: 0, stepSize: 0, minQty: 0, minNotional: 0 } },
  })
  const output = await runEngine({ series: [series], exchange, plugins: referencePlugins() })
  return { output, endEquity: exchange.account.getBalance().equity, startBalance: 100_000 }
}
