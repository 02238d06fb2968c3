import { definePlugin } from '@quantum/core'
import type {
  ExitActions,
  ExitPolicyPlugin,
  MarketBar,
  OrderIntent,
  PluginContext,
  RiskGuardPlugin,
  RiskVerdict,
} from '@quantum/core'
import { z } from 'zod'
import { APPROVE, deny } from '../intent.js'
import type { EmergencyStop } from './emergency-stop.js'

const described = z.record(z.string(), z.unknown())

/**
 * The two plugins that put an {@link EmergencyStop} into a strategy:
 * - `risk:ess` (guard, tier `pre`): loads the saved state at setup, checks the triggers on every bar,
 *   counts exchange and plugin errors, and while TRIPPED denies every intent that is not reduce-only;
 * - `risk:ess-flatten` (exit, tier `pre`, so it wins first-exit-wins): while TRIPPED, on each bar of a
 *   symbol, cancels the symbol's working orders and closes its position with a reduce-only market order
 *   (sent directly: closing is never blocked by a guard).
 * @example
 * const ess = new EmergencyStop({ dailyDrawdownPct: 0.05 })
 * export default defineConfig({ plugins: [...strategy, ...emergencyStopPlugins(ess)] })
 */
export function emergencyStopPlugins(ess: EmergencyStop): [RiskGuardPlugin, ExitPolicyPlugin] {
  const options = { ...ess.options }
  const guard = definePlugin({
    name: 'risk:ess',
    kind: 'risk',
    options: described,
    create: () => {
      let sub: { unsubscribe(): void } | undefined
      // A run that starts TRIPPED (a saved trip, or a refused state file) says so: an error line at
      // setup and, on the first bar (every observer, e.g. the notifier, is set up by then), a
      // `risk-state` event with trigger `restored`, so metrics, the dashboard and alerts see it.
      let startTripped = false
      return {
        enforce: 'pre' as const,
        setup: (ctx: PluginContext): void => {
          ess.open(ctx.mode, ctx.logger)
          ess.board.attach(ctx.bus)
          sub = ctx.bus.events$.subscribe((event) => ess.onEvent(event, ctx.clock.now()))
          startTripped = ess.state === 'TRIPPED'
          if (startTripped) {
            ctx.logger.error('emergency stop is TRIPPED at start: no entries until it is reset', {
              reason: ess.status().reason ?? 'no reason',
            })
          }
        },
        dispose: (): void => sub?.unsubscribe(),
        onBar: (bar: MarketBar, ctx: PluginContext): void => {
          if (startTripped) {
            startTripped = false
            if (ess.state === 'TRIPPED') {
              const reason = `TRIPPED at start: ${ess.status().reason ?? 'no reason'}`
              ess.board.emit({ time: ctx.clock.now(), source: 'ess', state: 'TRIPPED', reason, trigger: 'restored' })
            }
          }
          ess.onBar(bar, ctx.account)
        },
        check: (intent: OrderIntent): RiskVerdict => {
          if (intent.reduceOnly === true || ess.state !== 'TRIPPED') return APPROVE
          return deny(`emergency stop TRIPPED (${ess.status().reason ?? 'no reason'}): entries blocked until reset`)
        },
      }
    },
  })(options)
  const flatten = definePlugin({
    name: 'risk:ess-flatten',
    kind: 'exit',
    options: described,
    create: () => ({
      enforce: 'pre' as const,
      onBar: (bar: MarketBar, ctx: PluginContext): ExitActions | undefined =>
        ess.state === 'TRIPPED' ? flattenActions(bar.symbol, ctx) : undefined,
    }),
  })(options)
  return [guard, flatten]
}

/** Cancel every working order of `symbol` and close its position at market, reduce-only. */
export function flattenActions(symbol: string, ctx: PluginContext): ExitActions | undefined {
  const position = ctx.account.getPosition(symbol)
  if (position.side === 'FLAT') return ctx.account.getOpenOrders(symbol).length > 0 ? { cancelAll: true } : undefined
  return {
    cancelAll: true,
    place: [
      {
        symbol,
        side: position.side === 'LONG' ? 'SELL' : 'BUY',
        type: 'MARKET',
        quantity: position.quantity,
        reduceOnly: true,
        tag: 'ess-flatten',
      },
    ],
  }
}
