import { definePlugin } from '@quantum/core'
import type { OrderIntent, PluginContext, RiskVerdict } from '@quantum/core'
import { z } from 'zod'
import { APPROVE, deny, effectiveLeverage, intentEffect, isEffect, resizeTo } from '../intent.js'

const options = z.strictObject({
  /** Share of the available balance kept free (for fees, funding and adverse fills). @default 0.05 */
  buffer: z.number().min(0).lt(1).default(0.05),
  /** Fee rate charged on the opening notional (taker). @default 0.0005 */
  feeRate: z.number().min(0).max(0.01).default(0.0005),
  /** Leverage assumed for a flat symbol when the intent names none. @default 1 */
  defaultLeverage: z.number().positive().max(125).default(1),
})

/**
 * Real-time balance check: the initial margin (`notional / leverage`) plus the opening fee of the part
 * of an entry that grows the position must fit in the available balance minus a buffer. Larger entries
 * are resized down to what fits (rounded to the step) or denied. Lowering the leverage of a held position
 * counts the extra margin the held part then needs. Intents that do not grow a position
 * always pass.
 * @example availableMargin({ buffer: 0.05 })
 */
export const availableMargin = definePlugin({
  name: 'risk:available-margin',
  kind: 'risk',
  options,
  create: ({ buffer, feeRate, defaultLeverage }) => ({
    check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict => {
      const effect = intentEffect(intent, ctx)
      if (!isEffect(effect)) return intent.reduceOnly === true ? APPROVE : effect
      if (!effect.increases) return APPROVE
      const leverage = effectiveLeverage(intent, ctx, defaultLeverage)
      const perUnit = effect.price * (1 / leverage + feeRate)
      const opposite = Math.sign(effect.before) !== 0 && Math.sign(effect.before) !== Math.sign(effect.after)
      // Closing the opposite position frees its margin rather than using any: only the opening part counts.
      const closing = opposite ? Math.abs(effect.before) : Math.sign(effect.after) === 0 ? effect.quantity : 0
      const opening = effect.quantity - closing
      // A lower leverage re-margins the part already held (the venue applies it to the whole position).
      const position = ctx.account.getPosition(intent.symbol)
      const held = opposite || position.side === 'FLAT' ? 0 : position.quantity * position.entryPrice
      const remargin = Math.max(0, held * (1 / leverage - 1 / position.leverage))
      const free = ctx.account.getBalance().available * (1 - buffer) - remargin
      if (opening * perUnit <= free) return APPROVE
      const why = `margin ${(opening * perUnit + remargin).toFixed(2)} above the available ${(free + remargin).toFixed(2)} (after a ${buffer * 100}% buffer)`
      if (free <= 0) return deny(`${why}; no room left`)
      return resizeTo({ intent, effect, maxQuantity: closing + free / perUnit, why }, ctx)
    },
  }),
})
