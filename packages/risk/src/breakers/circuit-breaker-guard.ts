import { definePlugin } from '@quantum/core'
import type { MarketBar, OrderIntent, PluginContext, RiskGuardPlugin, RiskVerdict } from '@quantum/core'
import { z } from 'zod'
import { APPROVE, deny } from '../intent.js'
import type { CircuitBreakers } from './circuit-breakers.js'

/**
 * The guard `risk:circuit-breakers` for a {@link CircuitBreakers}: at setup it subscribes to the
 * engine's events (closing fills, errors); each bar it lets expired cool-downs close; while a breaker
 * is open it denies every intent that is not reduce-only.
 * @example
 * const breakers = new CircuitBreakers()
 * export default defineConfig({ plugins: [...strategy, circuitBreakerGuard(breakers)] })
 */
export function circuitBreakerGuard(breakers: CircuitBreakers): RiskGuardPlugin {
  return definePlugin({
    name: 'risk:circuit-breakers',
    kind: 'risk',
    options: z.record(z.string(), z.unknown()),
    create: () => {
      let sub: { unsubscribe(): void } | undefined
      return {
        enforce: 'pre' as const,
        setup: (ctx: PluginContext): void => {
          breakers.board.attach(ctx.bus)
          sub = ctx.bus.events$.subscribe((event) => breakers.onEvent(event, ctx.clock.now()))
        },
        dispose: (): void => sub?.unsubscribe(),
        onBar: (bar: MarketBar): void => void breakers.tradingState(bar.openTime),
        check: (intent: OrderIntent, ctx: PluginContext): RiskVerdict => {
          if (intent.reduceOnly === true) return APPROVE
          const now = ctx.clock.now()
          if (breakers.tradingState(now) === 'active') return APPROVE
          const open = breakers.status(now).filter((b) => b.state === 'OPEN')
          return deny(
            `circuit breaker open (${open.map((b) => `${b.name}: ${b.reason ?? ''}`).join('; ')}): reduce-only`,
          )
        },
      }
    },
  })({ ...breakers.options })
}
