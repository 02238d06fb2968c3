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
 * - `risk:ess` (guard, tier `pre`): loads the saved state at setup, checks the triggers on every bar
 *   and, through `onSubBar`, the loss triggers on every detail candle (backtests with `data.detail`) or
 *   mark-price update (live), counts exchange and plugin errors, and while TRIPPED denies every intent
 *   that is not reduce-only;
 * - `risk:ess-flatten` (exit, tier `pre`, so it wins first-exit-wins): while TRIPPED, on each bar of a
 *   symbol, closes its position with a reduce-only market order first (sent directly: closing is never
 *   blocked by a guard), then cancels its other working orders; its stops stay until the position is
 *   flat (see {@link flattenActions}).
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
        onSubBar: (bar: MarketBar, ctx: PluginContext): void => ess.onPrice(bar.openTime, ctx.account),
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
      // Inside a bar only a position is closed (once: its close is then working); orders wait for onBar.
      onSubBar: (bar: MarketBar, ctx: PluginContext): ExitActions | undefined =>
        ess.state === 'TRIPPED' && !closeWorking(bar.symbol, ctx) ? flattenActions(bar.symbol, ctx) : undefined,
    }),
  })(options)
  return [guard, flatten]
}

/** True when a reduce-only market close of `symbol` is already working (sent on an earlier sub-bar). */
function closeWorking(symbol: string, ctx: PluginContext): boolean {
  return ctx.account.getOpenOrders(symbol).some((o) => o.tag === 'ess-flatten')
}

/**
 * Flattens `symbol`: closes its position at market (reduce-only) **first**, and only once the close is
 * accepted cancels the working orders that are not its stops (entries, targets); the stops stay until
 * the close has filled (a refused close, e.g. during an order-endpoint outage, leaves the position
 * protected). When flat, cancels whatever is left.
 */
export function flattenActions(symbol: string, ctx: PluginContext): ExitActions | undefined {
  const position = ctx.account.getPosition(symbol)
  const working = ctx.account.getOpenOrders(symbol)
  if (position.side === 'FLAT') return working.length > 0 ? { cancelAll: true } : undefined
  const closing = position.side === 'LONG' ? 'SELL' : 'BUY'
  const others = working.filter((o) => !(o.type === 'STOP_MARKET' && o.reduceOnly && o.side === closing))
  return {
    close: { symbol, side: closing, type: 'MARKET', quantity: position.quantity, reduceOnly: true, tag: 'ess-flatten' },
    ...(others.length > 0 ? { cancel: others.map((o) => o.id) } : {}),
  }
}
