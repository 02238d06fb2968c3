import { fixedNotional } from '@quantum/core'
import type { QuantumPlugin } from '@quantum/core'
import { riskPolicy } from '@quantum/risk'
import { dipBuyer } from './dip-buyer.js'

/**
 * The emergency stop example's plugins: a naive dip buyer (long only, 5,000 USDT at 3x per entry)
 * under the STRICT risk policy with its defaults.
 */
export function crashDayStrategy(): QuantumPlugin[] {
  return [
    dipBuyer({ period: 14, buyBelow: 30, sellAbove: 60 }),
    fixedNotional({ notional: 5000, leverage: 3, allowShort: false }),
    ...riskPolicy('STRICT'),
  ]
}
