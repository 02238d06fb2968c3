import { definePlugin } from '@quantum/core'
import type { EngineEvent, ObserverPlugin, PluginContext } from '@quantum/core'
import { z } from 'zod'
import { REDUCE_ONLY_SOURCE } from '../health/reduce-only.js'
import type { SupervisionEvent } from '../health/supervisor.js'
import type { TradingMetrics } from './trading-metrics.js'

const FINAL_STATUSES = new Set(['FILLED', 'CANCELED', 'REJECTED', 'EXPIRED'])

/**
 * Updates the runtime's metrics from one engine event. Pure bookkeeping: counters and cumulative
 * gauges only; account gauges are read at scrape time. Exported for drivers that see events without
 * a plugin context (a replay of a stored run).
 */
export function recordEvent(metrics: TradingMetrics, event: EngineEvent): void {
  switch (event.type) {
    case 'signal':
      metrics.signals.inc({ agent: event.signal.agent, action: event.signal.action })
      return
    case 'decision':
      metrics.decisions.inc({ symbol: event.decision.symbol, action: event.decision.action })
      return
    case 'order':
      if (event.order.status === 'NEW') metrics.submissions.inc({ outcome: 'accepted' })
      if (FINAL_STATUSES.has(event.order.status)) {
        metrics.orders.inc({ symbol: event.order.symbol, type: event.order.type, status: event.order.status })
      }
      return
    case 'order-rejected':
      metrics.submissions.inc({ outcome: 'rejected' })
      metrics.errors.inc({ type: event.error.name, source: 'order' })
      return
    case 'cancel-rejected':
      metrics.errors.inc({ type: event.error.name, source: 'cancel' })
      return
    case 'plugin-error':
      metrics.pluginErrors.inc({ plugin: event.plugin, hook: event.hook })
      metrics.errors.inc({ type: event.error.name, source: 'plugin' })
      return
    case 'fill':
    case 'liquidation':
      metrics.fills.inc({ symbol: event.fill.symbol, side: event.fill.side, liquidity: event.fill.liquidity })
      if (event.type === 'liquidation') metrics.liquidations.inc({ symbol: event.fill.symbol })
      metrics.realizedPnl.inc(event.fill.realizedPnl)
      metrics.fees.inc(event.fill.fee)
      metrics.noteEquity()
      return
    case 'funding':
      metrics.funding.inc(event.funding.payment)
      metrics.noteEquity()
      return
    case 'risk':
      metrics.riskVerdicts.inc({ plugin: event.plugin, action: event.verdict.action })
      return
    case 'execution':
      // Fallbacks of the execution manager (stale book, failed tactic) count as errors; the rest are routine.
      if (event.step === 'book-stale' || event.step === 'failed')
        metrics.errors.inc({ type: `execution-${event.step}`, source: event.symbol })
      return
    case 'policy-switch':
      // Counted with the risk components' changes: source `orchestrator`, state the new policy.
      metrics.riskStateChanges.inc({ source: 'orchestrator', state: event.to })
      return
    case 'risk-state':
      metrics.riskStateChanges.inc({ source: event.source, state: event.state })
      for (const state of ['active', 'reducing', 'halted'] as const) {
        metrics.tradingState.set({ state }, state === event.tradingState ? 1 : 0)
      }
      if (event.source === 'ess') metrics.essTripped.set(event.state === 'TRIPPED' ? 1 : 0)
      if (event.source === REDUCE_ONLY_SOURCE) metrics.reduceOnly.set(event.state === 'REDUCE_ONLY' ? 1 : 0)
      return
    case 'unprotected':
      metrics.unprotected.inc({ symbol: event.symbol })
      return
    case 'protection':
      // Each step of the protection ladder (engine stop, close, halt) counts as an error of its kind.
      if (event.step !== 'restored' && event.step !== 'retired')
        metrics.errors.inc({ type: `protection-${event.step}`, source: event.symbol })
      return
    case 'reconnect':
      metrics.feedReconnects.inc()
      metrics.errors.inc({ type: 'reconnect', source: event.stream })
      return
    case 'intent':
    case 'progress':
    case 'directive':
    case 'arbitration':
    case 'plugin-isolated':
      return
  }
}

/**
 * The observer `ops:metrics`: feeds every engine event into {@link TradingMetrics} and binds the run's
 * account to the scrape-time gauges at setup. Cheap per event (a label lookup and an add).
 * @example
 * const metrics = createTradingMetrics()
 * export default defineConfig({ plugins: [..., metricsObserver(metrics)] })
 */
export function metricsObserver(metrics: TradingMetrics): ObserverPlugin {
  return definePlugin({
    name: 'ops:metrics',
    kind: 'observer',
    options: z.strictObject({}),
    create: () => ({
      setup: (ctx: PluginContext): void => metrics.bindAccount(ctx.account),
      onEvent: (event: EngineEvent): void => recordEvent(metrics, event),
    }),
  })()
}

/** Updates the health metrics from one supervision event. */
export function recordSupervision(metrics: TradingMetrics, event: SupervisionEvent): void {
  switch (event.type) {
    case 'health-check':
      metrics.healthCheck.set({ check: event.name }, event.ok ? 1 : 0)
      return
    case 'self-heal':
      metrics.selfHeals.inc({ check: event.name, outcome: event.ok ? 'ok' : 'failed' })
      return
    case 'escalation':
      metrics.escalations.inc({ check: event.name })
      return
    case 'recovered':
      return
  }
}
