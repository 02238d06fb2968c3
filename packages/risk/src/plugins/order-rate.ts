import { definePlugin } from '@quantum/core'
import type { OrderIntent, PluginContext, RiskVerdict } from '@quantum/core'
import { z } from 'zod'
import { APPROVE, deny } from '../intent.js'

const options = z.strictObject({
  /** Most new orders (entries) accepted in any window. @default 10 */
  max: z.number().int().positive().default(10),
  /** Length of the rolling window, ms of clock time. @default 60000 */
  windowMs: z.number().int().positive().default(60_000),
})

/**
 * Limits the rate of new entries: at most `max` orders placed (counted from the exchange's `order`
 * events with status NEW, not from checks, so a dry-run check does not use up the budget) in any
 * rolling window of `windowMs` of clock time. Reduce-only intents always pass.
 * @example orderRate({ max: 10, windowMs: 60_000 })
 */
export const orderRate = definePlugin({
  name: 'risk:order-rate',
  kind: 'risk',
  options,
  create: ({ max, windowMs }) => {
    const times: number[] = []
    let sub: { unsubscribe(): void } | undefined
    const prune = (now: number): void => {
      let drop = 0
      while (drop < times.length && times[drop]! <= now - windowMs) drop++
      if (drop > 0) times.splice(0, drop)
    }
    return {
      setup: (ctx: PluginContext): void => {
        sub = ctx.bus.events$.subscribe((event) => {
          if (event.type === 'order' && event.order.status === 'NEW' && !event.order.reduceOnly) {
            times.push(ctx.clock.now())
          }
        })
      },
      dispose: (): void => sub?.unsubscribe(),
      check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict => {
        if (intent.reduceOnly === true) return APPROVE
        prune(ctx.clock.now())
        if (times.length < max) return APPROVE
        return deny(`order rate: ${times.length} entries in the last ${windowMs} ms (limit ${max})`)
      },
    }
  },
})
