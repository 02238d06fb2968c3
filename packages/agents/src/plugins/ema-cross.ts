import { CrossOver, Ema, definePlugin } from '@quantum/core'
import type { MarketBar, Signal } from '@quantum/core'
import { z } from 'zod'

const options = z
  .strictObject({
    /** Fast EMA period. @default 12 */
    fast: z.number().int().min(1).max(10_000).default(12),
    /** Slow EMA period. @default 26 */
    slow: z.number().int().min(2).max(10_000).default(26),
    /** Confidence attached to cross signals. @default 1 */
    confidence: z.number().min(0).max(1).default(1),
  })
  .refine((o) => o.fast < o.slow, { message: 'fast must be shorter than slow', path: ['fast'] })

interface SymbolState {
  readonly fast: Ema
  readonly slow: Ema
  readonly cross: CrossOver
}

/**
 * EMA-cross agent: BUY on the bar whose close makes the fast EMA cross above the slow one, SELL on a
 * cross below (backtrader `CrossOver` rule: the last non-zero difference changes sign), no opinion on
 * other bars. EMAs are seeded with the SMA of the first `period` closes (TA-Lib convention).
 * @example emaCross({ fast: 12, slow: 26 })
 */
export const emaCross = definePlugin({
  name: 'agents:ema-cross',
  kind: 'agent',
  options,
  create: (opts) => {
    const states = new Map<string, SymbolState>()
    let lastSymbol = ''
    let last: SymbolState | undefined
    const stateOf = (symbol: string): SymbolState => {
      if (symbol === lastSymbol && last !== undefined) return last
      let state = states.get(symbol)
      if (state === undefined) {
        state = { fast: new Ema(opts.fast), slow: new Ema(opts.slow), cross: new CrossOver() }
        states.set(symbol, state)
      }
      lastSymbol = symbol
      last = state
      return state
    }
    return {
      warmup: opts.slow,
      onBar: (bar: MarketBar): Signal | undefined => {
        const s = stateOf(bar.symbol)
        const cross = s.cross.update(s.fast.update(bar.close), s.slow.update(bar.close))
        if (cross !== 1 && cross !== -1) return undefined
        return {
          agent: 'agents:ema-cross',
          symbol: bar.symbol,
          time: bar.openTime,
          action: cross === 1 ? 'BUY' : 'SELL',
          confidence: opts.confidence,
        }
      },
    }
  },
})
