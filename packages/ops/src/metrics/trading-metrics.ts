import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { AccountView } from '@quantum/core'

/**
 * Every metric the runtime exports, by name, with its type and help text. Dashboards and alert rules
 * under `deploy/` may use only these names (a test checks it), so the list is the contract between the
 * runtime and the operations assets. Names follow Prometheus conventions: `quantum_` prefix, base
 * units in the name (`_seconds`, `_usdt`, `_ratio`), `_total` only on counters.
 */
export const METRIC_CATALOG = {
  quantum_signals_total: { type: 'counter', help: 'Signals produced by agents, by agent and action.' },
  quantum_decisions_total: { type: 'counter', help: 'Decisions taken, by symbol and action.' },
  quantum_order_submissions_total: {
    type: 'counter',
    help: 'Orders submitted to the exchange, by outcome (accepted or rejected).',
  },
  quantum_orders_total: { type: 'counter', help: 'Order updates by final status, symbol and type.' },
  quantum_fills_total: { type: 'counter', help: 'Executions, by symbol, side and liquidity.' },
  quantum_liquidations_total: { type: 'counter', help: 'Forced liquidations, by symbol.' },
  quantum_risk_verdicts_total: { type: 'counter', help: 'Risk guard denials and resizes, by guard and action.' },
  quantum_errors_total: { type: 'counter', help: 'Errors, by type (error class) and where they arose.' },
  quantum_plugin_errors_total: { type: 'counter', help: 'Plugin hook failures, by plugin and hook.' },
  quantum_unprotected_positions_total: {
    type: 'counter',
    help: 'Episodes of a venue position without a working stop past the grace period, by symbol.',
  },
  quantum_risk_state_changes_total: { type: 'counter', help: 'Risk component state changes, by source and state.' },
  quantum_position_quantity: { type: 'gauge', help: 'Signed position size in base asset (long > 0), by symbol.' },
  quantum_position_notional_usdt: { type: 'gauge', help: 'Absolute position notional at the mark, by symbol.' },
  quantum_equity_usdt: { type: 'gauge', help: 'Account equity: wallet plus unrealised PnL.' },
  quantum_wallet_usdt: { type: 'gauge', help: 'Wallet balance.' },
  quantum_drawdown_ratio: { type: 'gauge', help: 'Drawdown of equity from its running peak, as a fraction.' },
  quantum_unrealized_pnl_usdt: { type: 'gauge', help: 'Unrealised PnL of open positions.' },
  quantum_realized_pnl_usdt: { type: 'gauge', help: 'Realised PnL of the run (before fees), cumulative.' },
  quantum_fees_usdt: { type: 'gauge', help: 'Fees paid in the run (negative for net maker rebates), cumulative.' },
  quantum_funding_usdt: { type: 'gauge', help: 'Funding received (> 0) or paid (< 0) in the run, cumulative.' },
  quantum_trading_state: {
    type: 'gauge',
    help: 'Trading state: 1 for the current state label (active, reducing, halted), 0 for the others.',
  },
  quantum_ess_tripped: { type: 'gauge', help: '1 while the emergency stop is tripped, else 0.' },
  quantum_model_accuracy_ratio: {
    type: 'gauge',
    help: 'Rolling directional accuracy of each agent, from the model supervisor.',
  },
  quantum_exchange_request_duration_seconds: {
    type: 'histogram',
    help: 'Round trip of exchange API requests, by operation and outcome.',
  },
  quantum_exchange_used_weight: { type: 'gauge', help: 'Request weight used in the current minute, per the venue.' },
  quantum_feed_lag_seconds: {
    type: 'gauge',
    help: 'Age of the latest closed candle when it reached the engine, by symbol.',
  },
  quantum_last_bar_timestamp_seconds: {
    type: 'gauge',
    help: 'Close time of the latest bar seen, by symbol (epoch s).',
  },
  quantum_decision_latency_seconds: { type: 'histogram', help: 'Candle close to decision, per bar with a decision.' },
  quantum_health_check_up: { type: 'gauge', help: 'Latest result of each health check (1 ok, 0 failing).' },
  quantum_self_heal_actions_total: { type: 'counter', help: 'Self-healing actions taken, by check and outcome.' },
  quantum_escalations_total: { type: 'counter', help: 'Escalations to reduce-only after repeated failures, by check.' },
  quantum_reduce_only: {
    type: 'gauge',
    help: '1 while the run is reduce-only after a supervisor escalation (entries refused, exits go on), else 0.',
  },
  quantum_feed_reconnects_total: { type: 'counter', help: 'Market-data stream errors followed by a reconnect.' },
} as const satisfies Record<string, { type: 'counter' | 'gauge' | 'histogram'; help: string }>

/** A metric name the runtime exports. */
export type MetricName = keyof typeof METRIC_CATALOG

/** Prefix of the standard process metrics (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes`...). */
export const PROCESS_METRIC_PREFIXES = ['process_', 'nodejs_'] as const

const TRADING_STATES = ['active', 'reducing', 'halted'] as const

/** Options of {@link createTradingMetrics}. */
export interface TradingMetricsOptions {
  /** Registry to register in. @default a new registry */
  readonly registry?: Registry
  /** Also collect the standard process metrics (CPU, memory, event loop lag, handles). @default true */
  readonly processMetrics?: boolean
  /** Labels added to every series, e.g. `{ run: '2025-…', service: 'quantum' }`. */
  readonly defaultLabels?: Record<string, string>
}

/**
 * The runtime's Prometheus metrics, typed. Event-driven counters are updated by the `ops:metrics`
 * observer; account gauges (equity, positions, PnL) are read from the bound account at scrape time,
 * so they are exact whenever Prometheus looks and cost nothing between scrapes.
 */
export class TradingMetrics {
  /** The registry holding every series; serve `registry.metrics()` at `/metrics`. */
  readonly registry: Registry
  readonly signals: Counter<'agent' | 'action'>
  readonly decisions: Counter<'symbol' | 'action'>
  readonly submissions: Counter<'outcome'>
  readonly orders: Counter<'symbol' | 'type' | 'status'>
  readonly fills: Counter<'symbol' | 'side' | 'liquidity'>
  readonly liquidations: Counter<'symbol'>
  readonly riskVerdicts: Counter<'plugin' | 'action'>
  readonly errors: Counter<'type' | 'source'>
  readonly pluginErrors: Counter<'plugin' | 'hook'>
  readonly unprotected: Counter<'symbol'>
  readonly riskStateChanges: Counter<'source' | 'state'>
  readonly tradingState: Gauge<'state'>
  readonly essTripped: Gauge
  readonly realizedPnl: Gauge
  readonly fees: Gauge
  readonly funding: Gauge
  readonly modelAccuracy: Gauge<'agent'>
  readonly requestDuration: Histogram<'operation' | 'outcome'>
  readonly usedWeight: Gauge
  readonly feedLag: Gauge<'symbol'>
  readonly lastBar: Gauge<'symbol'>
  readonly decisionLatency: Histogram
  readonly healthCheck: Gauge<'check'>
  readonly selfHeals: Counter<'check' | 'outcome'>
  readonly escalations: Counter<'check'>
  readonly reduceOnly: Gauge
  readonly feedReconnects: Counter

  private account: AccountView | undefined
  private peakEquity = Number.NEGATIVE_INFINITY

  constructor(options: TradingMetricsOptions = {}) {
    const registers = [(this.registry = options.registry ?? new Registry())]
    if (options.defaultLabels) this.registry.setDefaultLabels(options.defaultLabels)
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry })
    const help = (name: MetricName): { name: MetricName; help: string; registers: Registry[] } => ({
      name,
      help: METRIC_CATALOG[name].help,
      registers,
    })
    this.signals = new Counter({ ...help('quantum_signals_total'), labelNames: ['agent', 'action'] })
    this.decisions = new Counter({ ...help('quantum_decisions_total'), labelNames: ['symbol', 'action'] })
    this.submissions = new Counter({ ...help('quantum_order_submissions_total'), labelNames: ['outcome'] })
    this.orders = new Counter({ ...help('quantum_orders_total'), labelNames: ['symbol', 'type', 'status'] })
    this.fills = new Counter({ ...help('quantum_fills_total'), labelNames: ['symbol', 'side', 'liquidity'] })
    this.liquidations = new Counter({ ...help('quantum_liquidations_total'), labelNames: ['symbol'] })
    this.riskVerdicts = new Counter({ ...help('quantum_risk_verdicts_total'), labelNames: ['plugin', 'action'] })
    this.errors = new Counter({ ...help('quantum_errors_total'), labelNames: ['type', 'source'] })
    this.pluginErrors = new Counter({ ...help('quantum_plugin_errors_total'), labelNames: ['plugin', 'hook'] })
    this.unprotected = new Counter({ ...help('quantum_unprotected_positions_total'), labelNames: ['symbol'] })
    this.riskStateChanges = new Counter({
      ...help('quantum_risk_state_changes_total'),
      labelNames: ['source', 'state'],
    })
    this.tradingState = new Gauge({ ...help('quantum_trading_state'), labelNames: ['state'] })
    for (const state of TRADING_STATES) this.tradingState.set({ state }, state === 'active' ? 1 : 0)
    this.essTripped = new Gauge(help('quantum_ess_tripped'))
    this.essTripped.set(0)
    this.realizedPnl = new Gauge(help('quantum_realized_pnl_usdt'))
    this.fees = new Gauge(help('quantum_fees_usdt'))
    this.funding = new Gauge(help('quantum_funding_usdt'))
    for (const gauge of [this.realizedPnl, this.fees, this.funding]) gauge.set(0)
    this.modelAccuracy = new Gauge({ ...help('quantum_model_accuracy_ratio'), labelNames: ['agent'] })
    this.requestDuration = new Histogram({
      ...help('quantum_exchange_request_duration_seconds'),
      labelNames: ['operation', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    })
    this.usedWeight = new Gauge(help('quantum_exchange_used_weight'))
    this.feedLag = new Gauge({ ...help('quantum_feed_lag_seconds'), labelNames: ['symbol'] })
    this.lastBar = new Gauge({ ...help('quantum_last_bar_timestamp_seconds'), labelNames: ['symbol'] })
    this.decisionLatency = new Histogram({
      ...help('quantum_decision_latency_seconds'),
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    })

    this.healthCheck = new Gauge({ ...help('quantum_health_check_up'), labelNames: ['check'] })
    this.selfHeals = new Counter({ ...help('quantum_self_heal_actions_total'), labelNames: ['check', 'outcome'] })
    this.escalations = new Counter({ ...help('quantum_escalations_total'), labelNames: ['check'] })
    this.reduceOnly = new Gauge({ ...help('quantum_reduce_only') })
    this.reduceOnly.set(0)
    this.feedReconnects = new Counter({ ...help('quantum_feed_reconnects_total') })

    const metrics = this.gaugesFromAccount()
    // Account gauges are computed when scraped: exact at that moment, free between scrapes.
    new Gauge({
      ...help('quantum_position_quantity'),
      labelNames: ['symbol'],
      collect() {
        this.reset()
        for (const position of metrics.positions()) {
          this.set({ symbol: position.symbol }, position.side === 'SHORT' ? -position.quantity : position.quantity)
        }
      },
    })
    new Gauge({
      ...help('quantum_position_notional_usdt'),
      labelNames: ['symbol'],
      collect() {
        this.reset()
        for (const position of metrics.positions()) {
          this.set({ symbol: position.symbol }, position.quantity * position.markPrice)
        }
      },
    })
    new Gauge({
      ...help('quantum_equity_usdt'),
      collect() {
        const equity = metrics.equity()
        if (equity !== undefined) this.set(equity)
      },
    })
    new Gauge({
      ...help('quantum_wallet_usdt'),
      collect() {
        const wallet = metrics.wallet()
        if (wallet !== undefined) this.set(wallet)
      },
    })
    new Gauge({
      ...help('quantum_drawdown_ratio'),
      collect() {
        const drawdown = metrics.drawdown()
        if (drawdown !== undefined) this.set(drawdown)
      },
    })
    new Gauge({
      ...help('quantum_unrealized_pnl_usdt'),
      collect() {
        let sum = 0
        for (const position of metrics.positions()) sum += position.unrealizedPnl
        this.set(sum)
      },
    })
  }

  /** Binds the account whose equity, wallet and positions the gauges report at scrape time. */
  bindAccount(account: AccountView): void {
    this.account = account
    this.noteEquity()
  }

  /** Records an equity mark for the drawdown gauge (the observer calls it on fills and funding). */
  noteEquity(): void {
    const equity = this.account?.getEquity()
    if (equity !== undefined && Number.isFinite(equity) && equity > this.peakEquity) this.peakEquity = equity
  }

  /** Records one closed bar's arrival: its lag behind the wall clock and its time, per symbol. */
  observeBar(symbol: string, closeTime: number, receivedAt: number = Date.now()): void {
    this.feedLag.set({ symbol }, Math.max(0, (receivedAt - closeTime) / 1000))
    this.lastBar.set({ symbol }, closeTime / 1000)
  }

  /** Records one exchange request's round trip. */
  observeRequest(operation: string, seconds: number, outcome: 'ok' | 'error'): void {
    this.requestDuration.observe({ operation, outcome }, seconds)
  }

  /** The Prometheus text exposition of every series. */
  scrape(): Promise<string> {
    return this.registry.metrics()
  }

  private gaugesFromAccount(): {
    positions: () => ReturnType<AccountView['getPositions']>
    equity: () => number | undefined
    wallet: () => number | undefined
    drawdown: () => number | undefined
  } {
    return {
      positions: () => this.account?.getPositions() ?? [],
      equity: () => this.account?.getEquity(),
      wallet: () => this.account?.getBalance().wallet,
      drawdown: () => {
        this.noteEquity()
        const equity = this.account?.getEquity()
        if (equity === undefined || !(this.peakEquity > 0)) return undefined
        return Math.max(0, (this.peakEquity - equity) / this.peakEquity)
      },
    }
  }
}

/**
 * Creates the runtime's metrics in a registry of their own (or the one given).
 * @example
 * const metrics = createTradingMetrics({ defaultLabels: { service: 'quantum' } })
 * const text = await metrics.scrape()
 */
export function createTradingMetrics(options: TradingMetricsOptions = {}): TradingMetrics {
  return new TradingMetrics(options)
}
