import { definePlugin } from '@quantum/core'
import type { ExitActions, Fill, PluginContext, Position } from '@quantum/core'
import { z } from 'zod'

const options = z.strictObject({
  /** Distance of the protective stop from the position's entry price, as a fraction (the seed's floor: 2%). @default 0.02 */
  pct: z.number().gt(0).lt(1).default(0.02),
})

/**
 * The seed's stop-loss floor as an exit policy: after every fill that leaves a position open, keeps one
 * reduce-only STOP_MARKET for the whole position `pct` beyond its average entry (below for longs, above
 * for shorts), replacing the previous one without a gap; when the position is flat, cancels it. It works
 * beside other exit policies (their stops may be tighter).
 * @example stopLossFloor({ pct: 0.02 })
 */
export const stopLossFloor = definePlugin({
  name: 'risk:stop-loss-floor',
  kind: 'exit',
  options,
  create: ({ pct }) => {
    let seq = 0
    const tagOf = (symbol: string): string => `floor-sl-${symbol}`
    return {
      onFill: (fill: Fill, position: Position, ctx: PluginContext): ExitActions | undefined => {
        const mine = ctx.account.getOpenOrders(fill.symbol).filter((o) => o.tag === tagOf(fill.symbol))
        if (position.side === 'FLAT') return mine.length === 0 ? undefined : { cancel: mine.map((o) => o.id) }
        const long = position.side === 'LONG'
        const stop = {
          symbol: fill.symbol,
          side: long ? ('SELL' as const) : ('BUY' as const),
          type: 'STOP_MARKET' as const,
          triggerPrice: position.entryPrice * (long ? 1 - pct : 1 + pct),
          quantity: position.quantity,
          reduceOnly: true,
          tag: tagOf(fill.symbol),
          clientOrderId: `floor-sl-${++seq}`,
        }
        const [first, ...rest] = mine
        if (first === undefined) return { place: [stop] }
        return { cancel: rest.map((o) => o.id), replace: [{ cancel: first.id, with: stop }] }
      },
    }
  },
})
