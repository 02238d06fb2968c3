import { Atr, bundledLeverageBrackets, FALLBACK_BRACKETS, definePlugin, liquidationPriceUnchecked } from '@quantum/core'
import { parseLeverageBrackets } from '@quantum/core'
import type { LeverageBracket, MarketBar, OrderIntent, PluginContext, RiskVerdict } from '@quantum/core'
import { z } from 'zod'
import { APPROVE, deny, effectiveLeverage, intentEffect, isEffect } from '../intent.js'

const StopSchema = z.union([
  z.strictObject({
    /** The stop lies `multiple` ATRs from the entry (match the exit policy, e.g. `atrStopTarget({ stopAtr: 2 })`). */
    atr: z.strictObject({ period: z.number().int().min(1).max(1000).default(14), multiple: z.number().positive() }),
  }),
  /** The stop lies `pct` (a fraction) from the entry (match e.g. `stopLossFloor({ pct })`). */
  z.strictObject({ pct: z.number().gt(0).lt(1) }),
])

const options = z.strictObject({
  /** Where the strategy's stop lies, so that the guard knows what the liquidation price must stay beyond. */
  stop: StopSchema,
  /**
   * How far beyond the stop the liquidation price must lie, as a fraction of the stop distance
   * (0.5: a 2% stop needs the liquidation price at least 3% away). Covers the stop's slippage and the
   * gap between the mark price (liquidation) and the last price (the stop's trigger). @default 0.5
   */
  margin: z.number().min(0).max(10).default(0.5),
  /** `resize`: lower the intent's leverage to the largest whole leverage that is safe; `deny`: refuse it. @default 'resize' */
  action: z.enum(['resize', 'deny']).default('resize'),
  /**
   * Leverage brackets (Binance `leverageBracket`, ccxt `fetchLeverageTiers`, or a typed table).
   * @default the bundled BTCUSDT / ETHUSDT / BNBUSDT table, Binance's first BTC tier for other symbols
   */
  leverageBrackets: z.unknown().optional(),
})

/** What the guard judges an entry by. */
interface Entry {
  readonly side: 1 | -1
  readonly price: number
  readonly quantity: number
  readonly stopDistance: number
}

function bracketOf(brackets: readonly LeverageBracket[], notional: number): LeverageBracket {
  for (const b of brackets) if (notional < b.notionalCap) return b
  return brackets[brackets.length - 1]!
}

/** The isolated liquidation price of `entry` at `leverage` (Trading Mathematician, bracket of the notional). */
function liquidationAt(entry: Entry, leverage: number, brackets: readonly LeverageBracket[]): number {
  const notional = entry.quantity * entry.price
  const b = bracketOf(brackets, notional)
  return liquidationPriceUnchecked({
    side: entry.side > 0 ? 'LONG' : 'SHORT',
    entry: entry.price,
    quantity: entry.quantity,
    walletBalance: notional / leverage,
    maintenanceMarginRate: b.maintMarginRatio,
    maintenanceAmount: b.cum,
  })
}

/** True when the liquidation price at `leverage` lies at least `(1 + margin)` stop distances from the entry. */
function safeAt(
  entry: Entry,
  leverage: number,
  ctx: { brackets: readonly LeverageBracket[]; margin: number },
): boolean {
  const lp = liquidationAt(entry, leverage, ctx.brackets)
  const need = entry.stopDistance * (1 + ctx.margin)
  if (entry.side > 0) return lp <= 0 || lp <= entry.price - need
  return lp >= entry.price + need
}

/**
 * Keeps the liquidation price of every entry beyond its stop: from the stop the strategy will place
 * (`stop`: so many ATRs, or a fraction, from the entry), the intent's leverage and the maintenance
 * bracket of its notional it computes the isolated liquidation price (the Trading Mathematician's
 * formula, as Binance computes it on the mark price). When that price lies inside the stop, or within
 * `margin` stop distances beyond it, the guard lowers the leverage to the largest whole leverage that
 * is safe (`action: 'resize'`, the quantity is kept, so the risk to the stop is unchanged) or denies the
 * entry (`action: 'deny'`, or when not even 1x is safe). Entries before the ATR is known, reduce-only
 * intents and intents without a known price pass.
 * @example liquidationGuard({ stop: { atr: { period: 14, multiple: 2 } }, margin: 0.5 })
 */
export const liquidationGuard = definePlugin({
  name: 'risk:liquidation-guard',
  kind: 'risk',
  options,
  create: ({ stop, margin, action, leverageBrackets }) => {
    const table = leverageBrackets === undefined ? bundledLeverageBrackets() : parseLeverageBrackets(leverageBrackets)
    const atrs = new Map<string, Atr>()
    const bracketsOf = (symbol: string): readonly LeverageBracket[] => table[symbol] ?? FALLBACK_BRACKETS
    const stopDistance = (symbol: string, price: number): number => {
      if ('pct' in stop) return price * stop.pct
      return (atrs.get(symbol)?.value ?? Number.NaN) * stop.atr.multiple
    }
    return {
      onBar: (bar: MarketBar): void => {
        if ('pct' in stop) return
        let atr = atrs.get(bar.symbol)
        if (atr === undefined) atrs.set(bar.symbol, (atr = new Atr(stop.atr.period)))
        atr.update(bar.high, bar.low, bar.close)
      },
      check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict => {
        if (intent.reduceOnly === true) return APPROVE
        const effect = intentEffect(intent, ctx)
        if (!isEffect(effect) || !effect.increases) return APPROVE
        const distance = stopDistance(intent.symbol, effect.price)
        if (!(distance > 0)) return APPROVE
        const leverage = effectiveLeverage(intent, ctx, 1)
        const entry: Entry = {
          side: effect.sign,
          price: effect.price,
          quantity: Math.abs(effect.after),
          stopDistance: distance,
        }
        const limits = { brackets: bracketsOf(intent.symbol), margin }
        if (safeAt(entry, leverage, limits)) return APPROVE
        const lp = liquidationAt(entry, leverage, limits.brackets)
        const stopPrice = entry.price - entry.side * distance
        const why =
          `liquidation price ${lp.toFixed(2)} at ${leverage}x lies within ${margin} stop distances beyond the stop ` +
          `${stopPrice.toFixed(2)}`
        if (action === 'deny') return deny(why)
        for (let l = Math.min(Math.ceil(leverage) - 1, Math.floor(leverage)); l >= 1; l--) {
          if (safeAt(entry, l, limits))
            return { action: 'resize', leverage: l, reason: `${why}; leverage lowered to ${l}x` }
        }
        return deny(`${why}; no leverage down to 1x is safe`)
      },
    }
  },
})
