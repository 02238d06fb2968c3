import { definePlugin, truncateToStep } from '@quantum/core'
import type {
  ExitActions,
  ExitPolicyPlugin,
  MarketBar,
  OrderIntent,
  PluginContext,
  RiskGuardPlugin,
  RiskVerdict,
} from '@quantum/core'
import type { z } from 'zod'
import { APPROVE, deny, instrumentOf, intentEffect, isEffect, resizeTo } from '../intent.js'
import { BalanceLimitsSchema } from '../policy/policy-schema.js'
import { imbalance, proposeTrims, readBook, withChange } from './book.js'

/** Options of {@link portfolioBalance}. */
export type PortfolioBalanceOptions = z.input<typeof BalanceLimitsSchema>

/**
 * The Portfolio Balance Agent (PBA) as two plugins:
 * - `risk:portfolio-balance` (guard): denies an entry on the heavy side when the book's long/short imbalance
 *   would then be beyond `maxImbalance` (entries that improve the balance pass), and resizes an entry that takes one asset beyond
 *   `maxAssetShare` of the gross book (both only once the book is at least `minBook`);
 * - `risk:portfolio-rebalance` (exit): when prices have pushed the book outside its caps, proposes
 *   reduce-only trims as intents, which the engine checks with the same guards before sending.
 * @throws {ConfigError} for invalid options.
 * @example plugins: [...strategy, ...portfolioBalance({ maxImbalance: 0.6, maxAssetShare: 0.5 })]
 */
export function portfolioBalance(options: PortfolioBalanceOptions = {}): [RiskGuardPlugin, ExitPolicyPlugin] {
  const guard = definePlugin({
    name: 'risk:portfolio-balance',
    kind: 'risk',
    options: BalanceLimitsSchema,
    create: (caps) => ({
      check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict => {
        const effect = intentEffect(intent, ctx)
        if (!isEffect(effect)) return intent.reduceOnly === true ? APPROVE : effect
        if (!effect.increases) return APPROVE
        const book = readBook(ctx.account)
        const after = withChange(book, intent.symbol, (effect.after - effect.before) * effect.price)
        const gross = after.long + after.short
        if (gross < caps.minBook) return APPROVE
        const imbBefore = imbalance(book.long, book.short)
        const imbAfter = imbalance(after.long, after.short)
        if (imbAfter > caps.maxImbalance && imbAfter >= imbBefore - 1e-12 && book.long + book.short > 0) {
          return deny(
            `book imbalance would be ${(100 * imbAfter).toFixed(1)}% (cap ${(100 * caps.maxImbalance).toFixed(0)}%)`,
          )
        }
        const share = Math.abs(after.bySymbol.get(intent.symbol) ?? 0) / gross
        const others = gross - Math.abs(after.bySymbol.get(intent.symbol) ?? 0)
        if (share <= caps.maxAssetShare || others === 0 || caps.maxAssetShare >= 1) return APPROVE
        // |a| <= s * (others + |a|)  <=>  |a| <= s * others / (1 - s)
        const cap = (caps.maxAssetShare * others) / (1 - caps.maxAssetShare)
        return resizeTo(
          {
            intent,
            effect,
            maxQuantity: effect.maxQuantityFor(cap),
            why: `${intent.symbol} would be ${(100 * share).toFixed(1)}% of the book (cap ${(100 * caps.maxAssetShare).toFixed(0)}%)`,
          },
          ctx,
        )
      },
    }),
  })(options)
  const rebalance = definePlugin({
    name: 'risk:portfolio-rebalance',
    kind: 'exit',
    options: BalanceLimitsSchema,
    create: (caps) => ({
      onBar: (bar: MarketBar, ctx: PluginContext): ExitActions | undefined => {
        if (!caps.rebalance) return undefined
        const trim = proposeTrims(readBook(ctx.account), caps).find((t) => t.symbol === bar.symbol)
        if (trim === undefined) return undefined
        const position = ctx.account.getPosition(bar.symbol)
        const step = instrumentOf(ctx, bar.symbol)?.stepSize ?? 0
        const quantity = Math.min(position.quantity, truncateToStep(trim.notional / bar.close, step))
        if (!(quantity > 0) || position.side === 'FLAT') return undefined
        const intent: OrderIntent = {
          symbol: bar.symbol,
          side: position.side === 'LONG' ? 'SELL' : 'BUY',
          type: 'MARKET',
          quantity,
          reduceOnly: true,
          tag: 'pba-rebalance',
          reason: `rebalance: ${trim.reason}`,
        }
        return { intents: [intent] }
      },
    }),
  })(options)
  return [guard, rebalance]
}
