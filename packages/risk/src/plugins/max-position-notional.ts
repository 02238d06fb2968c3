import { definePlugin } from '@quantum/core'
import type { OrderIntent, PluginContext, RiskVerdict } from '@quantum/core'
import { z } from 'zod'

const options = z.strictObject({
  /** Largest USDT notional one position may reach (the seed's floor: 1000). @default 1000 */
  max: z.number().positive().default(1000),
})

/**
 * Caps the notional of each position: an entry that would take a position beyond `max` USDT is resized
 * down to what is left, or denied when nothing is left. Reduce-only intents always pass.
 * @example maxPositionNotional({ max: 1000 })
 */
export const maxPositionNotional = definePlugin({
  name: 'risk:max-position-notional',
  kind: 'risk',
  options,
  create: ({ max }) => ({
    check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict => {
      if (intent.reduceOnly === true) return { action: 'approve' }
      const price = intent.price ?? ctx.account.getLastPrice(intent.symbol)
      if (!Number.isFinite(price)) return { action: 'deny', reason: `no price known for ${intent.symbol}` }
      const position = ctx.account.getPosition(intent.symbol)
      const sameSide = (position.side === 'LONG') === (intent.side === 'BUY') && position.side !== 'FLAT'
      const held = sameSide ? position.quantity * price : 0
      const wanted = intent.quoteQuantity ?? (intent.quantity ?? 0) * price
      const room = max - held
      if (room <= 0) return { action: 'deny', reason: `position notional ${held.toFixed(2)} already at the cap ${max}` }
      if (wanted <= room) return { action: 'approve' }
      const reason = `notional ${wanted.toFixed(2)} above the cap ${max}; resized to ${room.toFixed(2)}`
      return intent.quoteQuantity !== undefined
        ? { action: 'resize', quoteQuantity: room, reason }
        : { action: 'resize', quantity: room / price, reason }
    },
  }),
})
