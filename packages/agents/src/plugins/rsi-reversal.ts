import { Rsi, definePlugin } from '@quantum/core'
import type { MarketBar, Signal } from '@quantum/core'
import { z } from 'zod'

const options = z
  .strictObject({
    /** RSI period (Wilder, TA-Lib-exact). @default 14 */
    period: z.number().int().min(2).max(10_000).default(14),
    /** Oversold level: BUY when RSI crosses back above it. @default 30 */
    oversold: z.number().min(0).max(100).default(30),
    /** Overbought level: SELL when RSI crosses back below it. @default 70 */
    overbought: z.number().min(0).max(100).default(70),
    /** Confidence attached to signals. @default 1 */
    confidence: z.number().min(0).max(1).default(1),
  })
  .refine((o) => o.oversold < o.overbought, { message: 'oversold must be below overbought', path: ['oversold'] })

interface SymbolState {
  readonly rsi: Rsi
  previous: number
  last: 'BUY' | 'SELL' | undefined
}

/**
 * RSI mean-reversion agent: BUY on the bar whose RSI crosses back above `oversold` (from below), SELL
 * on a cross back below `overbought`. Signals alternate per symbol (a BUY is not repeated before a
 * SELL), so with a one-position sizer every signal opens or reverses a position.
 * @example rsiReversal({ period: 14, oversold: 30, overbought: 70 })
 */
export const rsiReversal = definePlugin({
  name: 'agents:rsi-reversal',
  kind: 'agent',
  options,
  create: (opts) => {
    const states = new Map<string, SymbolState>()
    return {
      warmup: opts.period + 1,
      onBar: (bar: MarketBar): Signal | undefined => {
        let s = states.get(bar.symbol)
        if (s === undefined) states.set(bar.symbol, (s = { rsi: new Rsi(opts.period), previous: NaN, last: undefined }))
        const value = s.rsi.update(bar.close)
        const previous = s.previous
        s.previous = value
        const action =
          previous < opts.oversold && value >= opts.oversold
            ? 'BUY'
            : previous > opts.overbought && value <= opts.overbought
              ? 'SELL'
              : undefined
        if (action === undefined || action === s.last) return undefined
        s.last = action
        return {
          agent: 'agents:rsi-reversal',
          symbol: bar.symbol,
          time: bar.openTime,
          action,
          confidence: opts.confidence,
        }
      },
    }
  },
})
