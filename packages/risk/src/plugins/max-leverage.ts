import { definePlugin } from '@quantum/core'
import type { OrderIntent, RiskVerdict } from '@quantum/core'
import { z } from 'zod'

const options = z.strictObject({
  /** Highest leverage an entry may ask for (the seed's floor: 10). @default 10 */
  max: z.number().positive().max(125).default(10),
})

/**
 * Denies entries that ask for more leverage than `max`. Reduce-only intents always pass.
 * @example maxLeverage({ max: 10 })
 */
export const maxLeverage = definePlugin({
  name: 'risk:max-leverage',
  kind: 'risk',
  options,
  create: ({ max }) => ({
    check: (intent: OrderIntent): RiskVerdict => {
      if (intent.reduceOnly === true || intent.leverage === undefined || intent.leverage <= max)
        return { action: 'approve' }
      return { action: 'deny', reason: `leverage ${intent.leverage}x above the limit ${max}x` }
    },
  }),
})
