import { definePlugin } from '@quantum/core'
import type { OrderIntent, PluginContext, RiskVerdict } from '@quantum/core'
import { z } from 'zod'
import { APPROVE, deny } from '../intent.js'
import { openLossFraction } from '../monitors.js'

const options = z.strictObject({
  /** Largest unrealised loss of the open positions, as a fraction of equity before that loss. @default 0.03 */
  maxPct: z.number().gt(0).lt(1).default(0.03),
})

/**
 * Open-loss monitoring: while the open positions' unrealised loss is at or above `maxPct` of equity,
 * new entries are denied (adding to a losing book is how small losses become large). Reduce-only
 * intents always pass.
 * @example openLossLimit({ maxPct: 0.03 })
 */
export const openLossLimit = definePlugin({
  name: 'risk:open-loss-limit',
  kind: 'risk',
  options,
  create: ({ maxPct }) => ({
    check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict => {
      if (intent.reduceOnly === true) return APPROVE
      const loss = openLossFraction(ctx.account)
      if (loss < maxPct) return APPROVE
      return deny(`open loss ${(loss * 100).toFixed(2)}% at or above the limit ${(maxPct * 100).toFixed(2)}%`)
    },
  }),
})
