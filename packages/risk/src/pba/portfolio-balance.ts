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
import { APPROVE, deny, roomFor, instrumentOf, intentEffect, isEffect, resizeTo } from '../intent.js'
import { BalanceLimitsSchema } from '../policy/policy-schema.js'
import { imbalance, proposeTrims, readBook, withChange } from './book.js'

/** Options of {@link portfolioBalance}. */
export type PortfolioBalanceOptions = z.input<typeof BalanceLimitsSchema>

/**
 * The Portfolio Balance Agent (PBA) as two plugins:
 * - `risk:portfolio-balance` (guard): denies an entry on the heavy side when the book's long/short imbalance
 *   would then be beyond `maxImbalance` (once the book is at least `minBook`; entries that improve the
 *   balance pass), and resizes an entry that takes one asset beyond `maxAssetShare` times equity;
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
        const book = readBook(ctx)
        const after = withChange(book, intent.symbol, (effect.after - effect.before) * effect.price)
        const gross = after.long + after.short
        const imbBefore = imbalance(book.long, book.short)
        const imbAfter = imbalance(after.long, after.short)
        const heavier = imbAfter > caps.maxImbalance && imbAfter >= imbBefore - 1e-12
        if (gross >= caps.minBook && heavier && book.long + book.short > 0) {
          return deny(
            `book imbalance would be ${(100 * imbAfter).toFixed(1)}% (cap ${(100 * caps.maxImbalance).toFixed(0)}%)`,
          )
        }
        const equity = ctx.account.getEquity()
        const cap = caps.maxAssetShare * equity
        const asset = Math.abs(after.symbolNotional)
        if (asset <= cap) return APPROVE
        return resizeTo(
          {
            intent,
            effect,
            maxQuantity: roomFor(effect, cap),
            why: `${intent.symbol} would be ${(asset / equity).toFixed(2)}x equity (cap ${caps.maxAssetShare}x)`,
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
        const trim = proposeTrims(readBook(ctx), caps, ctx.account.getEquity()).find((t) => t.symbol === bar.symbol)
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
