import { definePlugin } from '@quantum/core'
import { z } from 'zod'

/**
 * A custom agent: BUY when the close breaks above the highest close of the last `lookback` bars, SELL
 * when it breaks below the lowest. Options are validated by the zod schema: a bad value is a ConfigError
 * naming the option.
 */
export const breakout = definePlugin({
  name: 'my:breakout',
  kind: 'agent',
  options: z.strictObject({
    /** Bars of history the breakout is measured against. */
    lookback: z.number().int().min(2).max(500).default(24),
  }),
  create: ({ lookback }) => {
    const closes: number[] = []
    return {
      warmup: lookback,
      onBar: (bar) => {
        const ready = closes.length >= lookback
        const high = Math.max(...closes)
        const low = Math.min(...closes)
        closes.push(bar.close)
        if (closes.length > lookback) closes.shift()
        if (!ready) return undefined
        const action = bar.close > high ? 'BUY' : bar.close < low ? 'SELL' : undefined
        if (action === undefined) return undefined
        return { agent: 'my:breakout', symbol: bar.symbol, time: bar.openTime, action, confidence: 1 }
      },
    }
  },
})
