import { definePlugin, quantize } from '@quantum/core'
import type { OrderIntent, PluginContext, RiskVerdict } from '@quantum/core'
import { z } from 'zod'
import { APPROVE, deny, instrumentOf, referencePrice } from '../intent.js'

const options = z.strictObject({
  /** Deny symbols the exchange has no trading rules for (otherwise they pass unchecked). @default true */
  requireInstrument: z.boolean().default(true),
})

/**
 * Pre-trade precision check with the exchange's rules: a quantity off the instrument's step is resized
 * down to the step; an entry whose (rounded) quantity is below `minQty` or whose notional at the
 * reference price is below the min notional is denied with the reason, instead of being rejected by
 * the venue later. Quote-sized intents are checked on their notional only (the venue sizes them at the
 * fill). Reduce-only intents always pass (the venue exempts them from min notional).
 * @example minNotional()
 */
export const minNotional = definePlugin({
  name: 'risk:min-notional',
  kind: 'risk',
  options,
  create: ({ requireInstrument }) => ({
    check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict => {
      if (intent.reduceOnly === true) return APPROVE
      const instrument = instrumentOf(ctx, intent.symbol)
      if (instrument === undefined) {
        return requireInstrument ? deny(`no trading rules known for ${intent.symbol}`) : APPROVE
      }
      const price = referencePrice(intent, ctx)
      if (!(Number.isFinite(price) && price > 0)) return deny(`no price known for ${intent.symbol}`)
      if (intent.quantity === undefined) {
        const notional = intent.quoteQuantity ?? 0
        return notional < instrument.minNotional
          ? deny(`notional ${notional.toFixed(2)} below the min notional ${instrument.minNotional}`)
          : APPROVE
      }
      const rounded = quantize(intent.quantity, instrument.stepSize, 'truncate')
      const notional = rounded.value * price
      if (rounded.value <= 0 || rounded.value < instrument.minQty) {
        return deny(
          `quantity ${intent.quantity} below minQty ${instrument.minQty} after rounding to ${instrument.stepSize}`,
        )
      }
      if (notional < instrument.minNotional) {
        return deny(`notional ${notional.toFixed(2)} below the min notional ${instrument.minNotional}`)
      }
      if (rounded.exact) return APPROVE
      return {
        action: 'resize',
        quantity: rounded.value,
        reason: `quantity ${intent.quantity} rounded down to the step ${instrument.stepSize}`,
      }
    },
  }),
})
