import { definePlugin } from '@quantum/core'
import type { OrderIntent, PluginContext, RiskVerdict } from '@quantum/core'
import { z } from 'zod'
import { APPROVE, deny } from '../intent.js'

const options = z.strictObject({
  /** Highest leverage an entry may ask for (the seed's floor: 10). @default 10 */
  max: z.number().positive().max(125).default(10),
})

/**
 * Denies entries that trade at more leverage than `max`: the intent's own leverage, else the open
 * position's. Reduce-only intents always pass.
 * @example maxLeverage({ max: 10 })
 */
export const maxLeverage = definePlugin({
  name: 'risk:max-leverage',
  kind: 'risk',
  options,
  create: ({ max }) => ({
    check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict => {
      if (intent.reduceOnly === true) return APPROVE
      const position = ctx.account.getPosition(intent.symbol)
      const leverage = intent.leverage ?? (position.side === 'FLAT' ? undefined : position.leverage)
      if (leverage === undefined || leverage <= max) return APPROVE
      return deny(`leverage ${leverage}x above the limit ${max}x`)
    },
  }),
})
