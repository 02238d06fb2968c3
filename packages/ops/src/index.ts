/**
 * Operations for the Quantum Trader SDK: the runtime's Prometheus metrics (`createTradingMetrics`,
 * the `ops:metrics` observer), alert notifications to webhooks (`notifier`: JSON, Telegram, Discord,
 * Slack), and the catalog of metric names that the Grafana dashboards and alert rules under
 * `deploy/` are checked against.
 * @packageDocumentation
 */
export {
  createTradingMetrics,
  TradingMetrics,
  METRIC_CATALOG,
  PROCESS_METRIC_PREFIXES,
} from './metrics/trading-metrics.js'
export type { MetricName, TradingMetricsOptions } from './metrics/trading-metrics.js'
export { metricsObserver, recordEvent, recordSupervision } from './metrics/metrics-observer.js'
export { notifier } from './notify/notifier.js'
export type { NotifierOptions } from './notify/notifier.js'
export { formatAlert, ALERT_KINDS } from './notify/alert.js'
export type { Alert, AlertKind, WebhookFormat } from './notify/alert.js'
export { WebhookDelivery, redactUrl } from './notify/webhook-delivery.js'
export type { WebhookTarget, DeliverySettings, DeliveryStats } from './notify/webhook-delivery.js'
export { sdNotify, startSystemdWatchdog } from './health/systemd.js'
export type { SystemdWatchdog } from './health/systemd.js'
export { createOpsServer } from './http/ops-server.js'
export type {
  OpsServer,
  OpsServerOptions,
  OpsRoute,
  OpsRequest,
  OpsReply,
  PastRunView,
  Readiness,
} from './http/ops-server.js'
export { SseHub } from './http/sse-hub.js'
export type { SseHubOptions } from './http/sse-hub.js'
export { MIN_HTTP_TOKEN_LENGTH as MIN_TOKEN_LENGTH, tokenMatches, isLoopback } from '@quantum/core'
export { DashboardState } from './dashboard/dashboard-state.js'
export type {
  DashboardSnapshot,
  DashboardEvent,
  DashboardSources,
  EquityPoint,
  PositionView,
  ErrorView,
  RiskView,
} from './dashboard/dashboard-state.js'
export { DASHBOARD_HTML } from './dashboard/page.js'
export { createRunLogger, humanLine } from './logging/run-logger.js'
export type { RunLogger, RunLoggerOptions, RunLogLevel } from './logging/run-logger.js'
export { createHealthSupervisor } from './health/supervisor.js'
export type {
  HealthSupervisor,
  HealthSupervisorOptions,
  SupervisedCheck,
  CheckResult,
  SupervisionEvent,
} from './health/supervisor.js'
export { createReduceOnlyGate, REDUCE_ONLY_SOURCE } from './health/reduce-only.js'
export type { ReduceOnlyGate } from './health/reduce-only.js'
