import { definePlugin } from '@quantum/core'
import type { OrderIntent, PluginContext, RiskVerdict } from '@quantum/core'
import { z } from 'zod'
import { APPROVE, deny, roomFor, grossExposure, intentEffect, isEffect, resizeTo } from '../intent.js'

const options = z
  .strictObject({
    /** Largest USDT notional of one symbol's position. @default 5000 */
    perSymbol: z.number().positive().default(5000),
    /** Largest sum of the USDT notionals of every open position (gross: longs plus shorts). @default 15000 */
    total: z.number().positive().default(15_000),
  })
  .refine((o) => o.perSymbol <= o.total, {
    message: 'perSymbol must not exceed total',
    path: ['perSymbol'],
  })

/**
 * Caps exposure per symbol and in total (gross notional of every open position at the last prices).
 * An entry beyond either cap is resized down to the room left (rounded to the step) or denied when
 * the room is below the instrument's minimum. Intents that do not grow a position always pass.
 * @throws {ConfigError} when `perSymbol` exceeds `total`.
 * @example maxExposure({ perSymbol: 5000, total: 15000 })
 */
export const maxExposure = definePlugin({
  name: 'risk:max-exposure',
  kind: 'risk',
  options,
  create: ({ perSymbol, total }) => ({
    check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict => {
      const effect = intentEffect(intent, ctx)
      if (!isEffect(effect)) return intent.reduceOnly === true ? APPROVE : effect
      if (!effect.increases) return APPROVE
      const others = grossExposure(ctx, intent.symbol)
      const symbolCap = Math.min(perSymbol, total - others)
      const after = Math.abs(effect.after) * effect.price
      if (after <= symbolCap) return APPROVE
      const which = perSymbol <= total - others ? `per-symbol cap ${perSymbol}` : `total cap ${total}`
      if (symbolCap <= 0) return deny(`exposure ${(others + after).toFixed(2)} above the ${which}; no room left`)
      return resizeTo(
        {
          intent,
          effect,
          maxQuantity: roomFor(effect, symbolCap),
          why: `exposure of ${intent.symbol} ${after.toFixed(2)} above the ${which}`,
        },
        ctx,
      )
    },
  }),
})
