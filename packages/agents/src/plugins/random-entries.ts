import { definePlugin, sfc32 } from '@quantum/core'
import type { MarketBar, RandomSource, Signal } from '@quantum/core'
import { z } from 'zod'

const options = z.strictObject({
  /** Probability of a signal on each bar. @default 0.05 */
  probability: z.number().gt(0).max(1).default(0.05),
  /** Seed; each symbol draws from its own generator seeded from this and the symbol's name. @default 1 */
  seed: z.number().int().default(1),
})

/** FNV-1a hash of a symbol, mixed into the seed so each symbol gets its own sequence. */
function hashSymbol(symbol: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < symbol.length; i++) h = Math.imul(h ^ symbol.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/**
 * Seeded random entries, a control for exit research: on each bar a signal with `probability`,
 * alternating BUY and SELL per symbol (the first is a BUY). The entries have no edge by construction,
 * so what an exit policy earns on them is the exit's own doing (and the fees). Deterministic: the same
 * seed and bars give the same signals.
 * @example randomEntries({ probability: 0.05, seed: 1 })
 */
export const randomEntries = definePlugin({
  name: 'agents:random-entries',
  kind: 'agent',
  options,
  create: (opts) => {
    const states = new Map<string, { readonly random: RandomSource; next: 'BUY' | 'SELL' }>()
    return {
      onBar: (bar: MarketBar): Signal | undefined => {
        let s = states.get(bar.symbol)
        if (s === undefined) {
          s = { random: sfc32(opts.seed * 0x100000000 + hashSymbol(bar.symbol)), next: 'BUY' }
          states.set(bar.symbol, s)
        }
        if (s.random() >= opts.probability) return undefined
        const action = s.next
        s.next = action === 'BUY' ? 'SELL' : 'BUY'
        return { agent: 'agents:random-entries', symbol: bar.symbol, time: bar.openTime, action, confidence: 1 }
      },
    }
  },
})
