import { definePlugin } from '@quantum/core'
import type { ExitActions, Fill, PluginContext, Position } from '@quantum/core'
import { z } from 'zod'
import { bracketOrders, rebracket, TargetTypeSchema, workingExitIds } from '../bracket.js'

const options = z.strictObject({
  /** Take-profit distance from the average entry, as a fraction (0.05 = 5%). @default 0.05 */
  takeProfitPct: z.number().positive().max(10).default(0.05),
  /** Stop-loss distance from the average entry, as a fraction (0.02 = 2%). @default 0.02 */
  stopLossPct: z.number().positive().lt(1).default(0.02),
  /** Take-profit as a TAKE_PROFIT_MARKET (`market`, the seed's) or a resting reduce-only LIMIT (`limit`). @default 'market' */
  target: TargetTypeSchema.default('market'),
})

/**
 * The seed's static exit, the baseline the Exit Brain is measured against: when a position opens (or
 * grows) a reduce-only STOP_MARKET at `entry ∓ stopLossPct` and a TAKE_PROFIT_MARKET at
 * `entry ± takeProfitPct` for the whole quantity (a new stop is accepted before the old one is
 * cancelled); when the position goes flat, the other leg is cancelled.
 * @example staticTpSl({ takeProfitPct: 0.05, stopLossPct: 0.02 })
 */
export const staticTpSl = definePlugin({
  name: 'exit-brain:static-tp-sl',
  kind: 'exit',
  options,
  create: (opts) => ({
    onFill: (fill: Fill, position: Position, ctx: PluginContext): ExitActions | undefined => {
      const working = workingExitIds(ctx, fill.symbol)
      if (position.side === 'FLAT') return working.length > 0 ? { cancel: working } : undefined
      if (fill.reduceOnly) return undefined
      const entry = position.entryPrice
      const distances = { stop: entry * opts.stopLossPct, target: entry * opts.takeProfitPct }
      return rebracket(ctx, fill.symbol, bracketOrders(position, distances, opts.target))
    },
  }),
})
