import { z } from 'zod'
import { definePlugin } from '../define-plugin.js'
import type { Decision, OrderSide, Position } from '../schemas.js'
import type { OrderIntent, PluginContext } from '../types.js'

const options = z.strictObject({
  /** USDT notional of each new position. @default 1000 */
  notional: z.number().positive().default(1000),
  /** Leverage to set on entries; omit to keep the exchange's. @default undefined */
  leverage: z.number().positive().max(125).optional(),
  /** Open shorts on SELL decisions (otherwise SELL only closes longs). @default true */
  allowShort: z.boolean().default(true),
})

/**
 * The reduce-only market order that closes `position` before an entry on `side`, when the position is
 * on the other side (none when flat). Sizers use it so that a reversal is two fills: exit, then entry.
 * @example const intents = closeOpposite(ctx.account.getPosition(symbol), 'BUY')
 */
export function closeOpposite(position: Position, side: OrderSide): OrderIntent[] {
  if (position.side === 'FLAT' || (position.side === 'LONG') === (side === 'BUY')) return []
  return [
    {
      symbol: position.symbol,
      side,
      type: 'MARKET',
      quantity: position.quantity,
      reduceOnly: true,
      tag: 'reverse',
      reason: 'reverse',
    },
  ]
}

/**
 * Sizer that holds at most one position per symbol of a fixed USDT notional: BUY goes long (closing a
 * short first, as two fills), SELL goes short (closing a long first); a decision in the direction of
 * the current position does nothing. Entries are market orders sized by `quoteQuantity`, so the
 * quantity is `notional / fill price` at the fill.
 * @example fixedNotional({ notional: 1000, leverage: 2 })
 */
export const fixedNotional = definePlugin({
  name: 'core:fixed-notional',
  kind: 'sizer',
  options,
  create: (opts) => ({
    size: (decision: Decision, ctx: PluginContext): OrderIntent[] => {
      const position = ctx.account.getPosition(decision.symbol)
      const want = decision.action === 'BUY' ? 'LONG' : decision.action === 'SELL' ? 'SHORT' : 'FLAT'
      if (want === 'FLAT' || position.side === want) return []
      const side: OrderSide = want === 'LONG' ? 'BUY' : 'SELL'
      const intents: OrderIntent[] = closeOpposite(position, side)
      if (want === 'SHORT' && !opts.allowShort) return intents
      intents.push({
        symbol: decision.symbol,
        side,
        type: 'MARKET',
        quoteQuantity: opts.notional,
        tag: 'entry',
        reason: 'entry',
        ...(opts.leverage === undefined ? {} : { leverage: opts.leverage }),
      })
      return intents
    },
  }),
})
