/**
 * The risk hot path: one intent through the whole STRICT chain (ESS gate, breakers, leverage, order
 * rate, daily drawdown, open loss, correlation, portfolio balance, position, exposure, margin, min
 * notional) against a bare baseline in the same run: the seed's two floor checks (position notional
 * and leverage) written inline against the same paper account.
 */
import { createEventBus, createPaperExchange, SimulatedClock, silentLogger } from '@quantum/core'
import type { OrderIntent, PluginContext } from '@quantum/core'
import { riskPolicy } from '@quantum/risk'

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT'] as const
const PRICES = [60_000, 3_000, 550] as const

/** Intents per second through the STRICT chain and through the bare baseline. */
export async function benchRisk(
  intents: number,
): Promise<{ strictPerSec: number; barePerSec: number; allowed: number }> {
  const exchange = createPaperExchange({ balance: 100_000 })
  const clock = new SimulatedClock(Date.UTC(2025, 0, 1))
  for (let k = 0; k < SYMBOLS.length; k++) {
    const p = PRICES[k]!
    exchange.onBar(SYMBOLS[k]!, { openTime: clock.now(), open: p, high: p, low: p, close: p })
  }
  // One open position so that exposure, balance and correlation have something to look at.
  exchange.placeOrderSync({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.05 })
  exchange.onBar('BTCUSDT', {
    openTime: clock.now() + 3_600_000,
    open: 60_000,
    high: 60_000,
    low: 60_000,
    close: 60_000,
  })
  const ctx: PluginContext = {
    mode: 'backtest',
    clock,
    logger: silentLogger,
    exchange,
    account: exchange.account,
    bus: createEventBus(),
  }
  const policy = riskPolicy('STRICT', {}, { env: {} })
  for (const plugin of policy) await plugin.setup?.(ctx)
  const make = (i: number): OrderIntent => ({
    symbol: SYMBOLS[i % 3]!,
    side: i % 2 === 0 ? 'BUY' : 'SELL',
    type: 'MARKET',
    quoteQuantity: 500 + (i % 7) * 1000,
    leverage: 1 + (i % 12),
  })
  const pool = Array.from({ length: 1024 }, (_, i) => make(i))
  let allowed = 0
  const t0 = performance.now()
  for (let i = 0; i < intents; i++) if (policy.validate(pool[i & 1023]!, ctx).allowed) allowed++
  const strictMs = performance.now() - t0
  let bareAllowed = 0
  const t1 = performance.now()
  for (let i = 0; i < intents; i++) {
    const intent = pool[i & 1023]!
    const price = exchange.account.getLastPrice(intent.symbol)
    const held = exchange.account.getPosition(intent.symbol).quantity * price
    if (held + (intent.quoteQuantity ?? 0) <= 5000 && (intent.leverage ?? 1) <= 10) bareAllowed++
  }
  const bareMs = performance.now() - t1
  for (const plugin of policy) await plugin.dispose?.()
  if (bareAllowed === 0) throw new Error('baseline allowed nothing')
  return { strictPerSec: intents / (strictMs / 1000), barePerSec: intents / (bareMs / 1000), allowed }
}
