import { definePlugin } from '@quantum/core'
import type { OrderIntent, PluginContext, RiskVerdict } from '@quantum/core'
import { z } from 'zod'
import { APPROVE, deny, roomFor, intentEffect, isEffect, resizeTo } from '../intent.js'

const options = z.strictObject({
  /** Largest USDT notional one position may reach (the seed's floor: 1000). @default 1000 */
  max: z.number().positive().default(1000),
})

/**
 * Caps the notional of each position at the last price: an entry that would take a position beyond
 * `max` USDT is resized down to what is left (truncated to the instrument's step), or denied when what
 * is left is below the instrument's minimum. Intents that do not grow the position always pass.
 * @example maxPositionNotional({ max: 1000 })
 */
export const maxPositionNotional = definePlugin({
  name: 'risk:max-position-notional',
  kind: 'risk',
  options,
  create: ({ max }) => ({
    check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict => {
      if (intent.reduceOnly === true) return APPROVE
      const effect = intentEffect(intent, ctx)
      if (!isEffect(effect)) return effect
      if (!effect.increases || Math.abs(effect.after) * effect.price <= max) return APPROVE
      const held = Math.abs(effect.before) * effect.price
      if (Math.sign(effect.before) === Math.sign(effect.after) && held >= max) {
        return deny(`position notional ${held.toFixed(2)} already at the cap ${max}`)
      }
      const wanted = Math.abs(effect.after) * effect.price
      return resizeTo(
        {
          intent,
          effect,
          maxQuantity: roomFor(effect, max),
          why: `position notional ${wanted.toFixed(2)} above the cap ${max}`,
        },
        ctx,
      )
    },
  }),
})
