import { definePlugin } from '@quantum/core'
import type { MarketBar, OrderIntent, PluginContext, RiskVerdict } from '@quantum/core'
import { z } from 'zod'
import { APPROVE, deny, intentEffect, isEffect } from '../intent.js'
import { ReturnWindow } from '../monitors.js'

const options = z
  .strictObject({
    /** Highest correlation of returns allowed between a new entry and an open position on the same side. @default 0.8 */
    cap: z.number().gt(0).lte(1).default(0.8),
    /** Bars of returns the rolling correlation uses. @default 72 */
    window: z.number().int().min(3).max(10_000).default(72),
    /** Fewest common bars needed before the cap applies (fewer: the entry passes). @default 24 */
    minSamples: z.number().int().min(3).default(24),
  })
  .refine((o) => o.minSamples <= o.window, { message: 'minSamples must not exceed window', path: ['minSamples'] })

/**
 * Correlation check: denies an entry that adds a position on the same side as an open position of
 * another symbol whose returns correlate above `cap` over the last `window` bars (from the candles the
 * guard sees in `onBar`), since two such positions are one bet twice. Opposite-side entries (hedges)
 * and intents that do not grow a position always pass.
 * @example correlationCap({ cap: 0.8, window: 72 })
 */
export const correlationCap = definePlugin({
  name: 'risk:correlation-cap',
  kind: 'risk',
  options,
  create: ({ cap, window, minSamples }) => {
    const returns = new ReturnWindow(window)
    return {
      onBar: (bar: MarketBar): void => returns.push(bar.symbol, bar.openTime, bar.close),
      check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict => {
        const effect = intentEffect(intent, ctx)
        if (!isEffect(effect)) return intent.reduceOnly === true ? APPROVE : effect
        if (!effect.increases) return APPROVE
        const side = Math.sign(effect.after)
        for (const p of ctx.account.getPositions()) {
          if (p.symbol === intent.symbol || (p.side === 'LONG' ? 1 : -1) !== side) continue
          const rho = returns.correlation(intent.symbol, p.symbol, minSamples)
          if (rho !== undefined && rho > cap) {
            return deny(
              `${intent.symbol} correlates ${rho.toFixed(2)} with the open ${p.side} ${p.symbol} (cap ${cap})`,
            )
          }
        }
        return APPROVE
      },
    }
  },
})
