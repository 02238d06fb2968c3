import { definePlugin, Rsi } from '@quantum/core'
import type { MarketBar, Signal } from '@quantum/core'
import { z } from 'zod'

/**
 * A deliberately naive mean-reversion agent for the emergency stop example: BUY when the RSI says
 * "oversold", SELL when it has recovered. On a crash day it keeps buying a falling market, which is
 * exactly what a production risk policy must stop.
 * @example dipBuyer({ period: 14, buyBelow: 30, sellAbove: 60 })
 */
export const dipBuyer = definePlugin({
  name: 'example:dip-buyer',
  kind: 'agent',
  options: z
    .strictObject({
      /** RSI period. @default 14 */
      period: z.number().int().min(2).default(14),
      /** BUY below this RSI. @default 30 */
      buyBelow: z.number().min(0).max(100).default(30),
      /** SELL above this RSI. @default 60 */
      sellAbove: z.number().min(0).max(100).default(60),
    })
    .refine((o) => o.buyBelow < o.sellAbove, { message: 'buyBelow must be below sellAbove', path: ['buyBelow'] }),
  create: ({ period, buyBelow, sellAbove }) => {
    const rsi = new Map<string, Rsi>()
    return {
      warmup: period + 1,
      onBar: (bar: MarketBar): Signal | undefined => {
        let r = rsi.get(bar.symbol)
        if (r === undefined) rsi.set(bar.symbol, (r = new Rsi(period)))
        const value = r.update(bar.close)
        if (!(value < buyBelow || value > sellAbove)) return undefined
        const action = value < buyBelow ? 'BUY' : 'SELL'
        return { agent: 'example:dip-buyer', symbol: bar.symbol, time: bar.openTime, action, confidence: 1 }
      },
    }
  },
})
