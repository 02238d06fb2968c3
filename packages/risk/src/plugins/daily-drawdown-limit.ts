import { definePlugin } from '@quantum/core'
import type { MarketBar, OrderIntent, PluginContext, RiskVerdict } from '@quantum/core'
import { z } from 'zod'
import { APPROVE, deny } from '../intent.js'
import { DailyEquity } from '../monitors.js'

const options = z.strictObject({
  /** Largest loss since the start of the UTC day, as a fraction of that day's starting equity. @default 0.05 */
  maxPct: z.number().gt(0).lt(1).default(0.05),
})

/**
 * Daily drawdown limit: once equity has fallen `maxPct` below the day's starting equity (UTC day,
 * equity marked at every bar's close), new entries are denied until the next day. Reduce-only intents
 * always pass. (The emergency stop's daily-drawdown trigger goes further: it flattens and halts.)
 * @example dailyDrawdownLimit({ maxPct: 0.05 })
 */
export const dailyDrawdownLimit = definePlugin({
  name: 'risk:daily-drawdown-limit',
  kind: 'risk',
  options,
  create: ({ maxPct }) => {
    const day = new DailyEquity()
    return {
      onBar: (bar: MarketBar, ctx: PluginContext): void => day.mark(bar.openTime, ctx.account.getEquity()),
      check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict => {
        if (intent.reduceOnly === true) return APPROVE
        day.mark(ctx.clock.now(), ctx.account.getEquity())
        const dd = day.drawdown()
        if (dd < maxPct) return APPROVE
        return deny(`daily drawdown ${(dd * 100).toFixed(2)}% at or above the limit ${(maxPct * 100).toFixed(2)}%`)
      },
    }
  },
})
