/**
 * Builds the four Grafana dashboards of the seed (Trading Performance, AI Model Metrics, System Health,
 * Risk Monitoring) as importable JSON from one short description each, so panels stay consistent and
 * every query names only metrics the runtime exports (checked by packages/ops/test/deploy-assets.test.ts).
 * Run: node --import tsx deploy/grafana/build-dashboards.ts (rewrites deploy/grafana/dashboards/*.json).
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** One panel: a title, its queries (PromQL, with a legend each), a unit and a kind. */
export interface PanelSpec {
  readonly title: string
  readonly queries: readonly (readonly [expr: string, legend: string])[]
  readonly unit?: string
  readonly kind?: 'timeseries' | 'stat'
}

/** One dashboard. */
export interface DashboardSpec {
  readonly uid: string
  readonly title: string
  readonly panels: readonly PanelSpec[]
}

/** Per-second rate of a counter over 5 minutes, summed by the given labels. */
const rate = (counter: string, by: string): string => `sum by (${by}) (rate(${counter}[5m]))`

export const DASHBOARDS: readonly DashboardSpec[] = [
  {
    uid: 'quantum-trading',
    title: 'Quantum — Trading Performance',
    panels: [
      {
        title: 'Equity',
        unit: 'currencyUSD',
        queries: [
          ['quantum_equity_usdt', 'equity'],
          ['quantum_wallet_usdt', 'wallet'],
        ],
      },
      { title: 'Drawdown', unit: 'percentunit', queries: [['quantum_drawdown_ratio', 'drawdown']] },
      {
        title: 'PnL, fees and funding',
        unit: 'currencyUSD',
        queries: [
          ['quantum_realized_pnl_usdt', 'realised'],
          ['quantum_unrealized_pnl_usdt', 'unrealised'],
          ['quantum_fees_usdt', 'fees'],
          ['quantum_funding_usdt', 'funding'],
        ],
      },
      { title: 'Position notional', unit: 'currencyUSD', queries: [['quantum_position_notional_usdt', '{{symbol}}']] },
      { title: 'Position size', queries: [['quantum_position_quantity', '{{symbol}}']] },
      {
        title: 'Order success rate',
        unit: 'percentunit',
        kind: 'stat',
        queries: [
          [
            'sum(rate(quantum_order_submissions_total{outcome="accepted"}[1h])) / sum(rate(quantum_order_submissions_total[1h]))',
            'accepted',
          ],
        ],
      },
      {
        title: 'Fills per second',
        queries: [[rate('quantum_fills_total', 'symbol, liquidity'), '{{symbol}} {{liquidity}}']],
      },
    ],
  },
  {
    uid: 'quantum-models',
    title: 'Quantum — AI Model Metrics',
    panels: [
      {
        title: 'Signals per second',
        queries: [[rate('quantum_signals_total', 'agent, action'), '{{agent}} {{action}}']],
      },
      { title: 'Decisions per second', queries: [[rate('quantum_decisions_total', 'action'), '{{action}}']] },
      { title: 'Directional accuracy', unit: 'percentunit', queries: [['quantum_model_accuracy_ratio', '{{agent}}']] },
      {
        title: 'Decision latency',
        unit: 's',
        queries: [
          ['histogram_quantile(0.5, sum by (le) (rate(quantum_decision_latency_seconds_bucket[5m])))', 'p50'],
          ['histogram_quantile(0.99, sum by (le) (rate(quantum_decision_latency_seconds_bucket[5m])))', 'p99'],
        ],
      },
      {
        title: 'Plugin errors per second',
        queries: [[rate('quantum_plugin_errors_total', 'plugin, hook'), '{{plugin}} {{hook}}']],
      },
    ],
  },
  {
    uid: 'quantum-system',
    title: 'Quantum — System Health',
    panels: [
      { title: 'Up', kind: 'stat', queries: [['up{job="quantum"}', '{{instance}}']] },
      { title: 'CPU', unit: 'percentunit', queries: [['rate(process_cpu_seconds_total[5m])', 'cpu']] },
      {
        title: 'Memory (RSS)',
        unit: 'bytes',
        queries: [
          ['process_resident_memory_bytes', 'rss'],
          ['nodejs_heap_size_used_bytes', 'heap used'],
        ],
      },
      { title: 'Event loop lag p99', unit: 's', queries: [['nodejs_eventloop_lag_p99_seconds', 'p99']] },
      { title: 'Feed lag', unit: 's', queries: [['quantum_feed_lag_seconds', '{{symbol}}']] },
      {
        title: 'Age of the latest candle',
        unit: 's',
        queries: [['time() - quantum_last_bar_timestamp_seconds', '{{symbol}}']],
      },
      {
        title: 'Exchange API latency',
        unit: 's',
        queries: [
          [
            'histogram_quantile(0.99, sum by (le, operation) (rate(quantum_exchange_request_duration_seconds_bucket[5m])))',
            'p99 {{operation}}',
          ],
        ],
      },
      { title: 'Used request weight', queries: [['quantum_exchange_used_weight', 'weight']] },
      { title: 'Health checks', queries: [['quantum_health_check_up', '{{check}}']] },
      {
        title: 'Self-healing actions',
        queries: [
          ['increase(quantum_self_heal_actions_total[1h])', '{{check}} {{outcome}}'],
          ['increase(quantum_escalations_total[1h])', 'escalations {{check}}'],
          ['quantum_reduce_only', 'reduce-only'],
        ],
      },
      { title: 'Market stream reconnects', queries: [['increase(quantum_feed_reconnects_total[5m])', 'per 5 min']] },
      { title: 'Errors per second', queries: [[rate('quantum_errors_total', 'type, source'), '{{source}} {{type}}']] },
    ],
  },
  {
    uid: 'quantum-risk',
    title: 'Quantum — Risk Monitoring',
    panels: [
      { title: 'Emergency stop', kind: 'stat', queries: [['quantum_ess_tripped', 'tripped']] },
      { title: 'Trading state', kind: 'stat', queries: [['quantum_trading_state == 1', '{{state}}']] },
      { title: 'Drawdown', unit: 'percentunit', queries: [['quantum_drawdown_ratio', 'drawdown']] },
      { title: 'Exposure', unit: 'currencyUSD', queries: [['sum(quantum_position_notional_usdt)', 'total']] },
      {
        title: 'Risk denials and resizes',
        queries: [[rate('quantum_risk_verdicts_total', 'plugin, action'), '{{plugin}} {{action}}']],
      },
      {
        title: 'Unprotected position episodes',
        queries: [['increase(quantum_unprotected_positions_total[1h])', '{{symbol}}']],
      },
      { title: 'Liquidations', queries: [['increase(quantum_liquidations_total[1h])', '{{symbol}}']] },
      {
        title: 'Risk state changes',
        queries: [['increase(quantum_risk_state_changes_total[1h])', '{{source}} {{state}}']],
      },
    ],
  },
]

/** A dashboard as Grafana's JSON model (schema 39), with a `${datasource}` variable for the Prometheus source. */
export function dashboardJson(spec: DashboardSpec): Record<string, unknown> {
  const datasource = { type: 'prometheus', uid: '${datasource}' }
  return {
    uid: spec.uid,
    title: spec.title,
    tags: ['quantum'],
    timezone: 'utc',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '30s',
    time: { from: 'now-24h', to: 'now' },
    templating: {
      list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus', current: {} }],
    },
    panels: spec.panels.map((panel, index) => ({
      id: index + 1,
      type: panel.kind ?? 'timeseries',
      title: panel.title,
      datasource,
      gridPos: { h: 8, w: 12, x: (index % 2) * 12, y: Math.floor(index / 2) * 8 },
      fieldConfig: { defaults: { unit: panel.unit ?? 'short' }, overrides: [] },
      targets: panel.queries.map(([expr, legendFormat], q) => ({
        refId: String.fromCharCode(65 + q),
        datasource,
        expr,
        legendFormat,
      })),
    })),
  }
}

/** File name of a dashboard under `deploy/grafana/dashboards/`. */
export const dashboardFile = (spec: DashboardSpec): string => `${spec.uid}.json`

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const spec of DASHBOARDS) {
    const path = fileURLToPath(new URL(`dashboards/${dashboardFile(spec)}`, import.meta.url))
    writeFileSync(path, `${JSON.stringify(dashboardJson(spec), null, 2)}\n`)
    console.log(`wrote ${path}`)
  }
}
