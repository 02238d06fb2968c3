import type { AccountView, EngineEvent, Fill, Position } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { metricsObserver, recordEvent } from './metrics-observer.js'
import { createTradingMetrics, METRIC_CATALOG } from './trading-metrics.js'

const position = (over: Partial<Position>): Position => ({
  symbol: 'BTCUSDT',
  side: 'LONG',
  quantity: 0.5,
  entryPrice: 60_000,
  leverage: 5,
  margin: 6000,
  markPrice: 62_000,
  unrealizedPnl: 1000,
  liquidationPrice: 49_000,
  openedAt: 1,
  ...over,
})

function fakeAccount(state: { equity: number; positions: Position[] }): AccountView {
  return {
    getPosition: (symbol) =>
      state.positions.find((p) => p.symbol === symbol) ?? position({ symbol, side: 'FLAT', quantity: 0 }),
    getPositions: () => state.positions,
    getBalance: () => ({ asset: 'USDT', wallet: state.equity - 500, available: 0, equity: state.equity }),
    getOpenOrders: () => [],
    getLastPrice: () => Number.NaN,
    getEquity: () => state.equity,
  }
}

const fill = (over: Partial<Fill>): Fill => ({
  id: 'f1',
  orderId: 'o1',
  clientOrderId: 'c1',
  symbol: 'BTCUSDT',
  side: 'BUY',
  price: 60_000,
  quantity: 0.5,
  fee: 12,
  liquidity: 'taker',
  realizedPnl: 0,
  time: 1,
  reduceOnly: false,
  ...over,
})

/** The value of one series in Prometheus text: `name{a="1",b="2"}` matches whatever the label order. */
function valueOf(text: string, series: string): number | undefined {
  const [, name, labels = ''] = /^([^{]+)(?:\{(.*)\})?$/.exec(series) ?? []
  const wanted = labels.length > 0 ? labels.split(/,(?=[a-z_]+=)/) : []
  const line = text.split('\n').find((l) => {
    const [head = ''] = l.split(' ')
    const [, lineName, lineLabels = ''] = /^([^{]+)(?:\{(.*)\})?$/.exec(head) ?? []
    if (lineName !== name) return false
    const have = lineLabels.length > 0 ? lineLabels.split(/,(?=[a-z_]+=)/) : []
    return have.length === wanted.length && wanted.every((pair) => have.includes(pair))
  })
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

describe('trading metrics', () => {
  it('exposes every catalogued metric with its type', async () => {
    const metrics = createTradingMetrics({ processMetrics: false })
    const text = await metrics.scrape()
    for (const [name, { type }] of Object.entries(METRIC_CATALOG)) {
      expect(text, name).toContain(`# TYPE ${name} ${type}`)
    }
  })

  it('counts events by label and accumulates PnL, fees and funding', async () => {
    const metrics = createTradingMetrics({ processMetrics: false })
    const events: EngineEvent[] = [
      {
        type: 'signal',
        signal: { agent: 'agents:ema-cross', symbol: 'BTCUSDT', time: 1, action: 'BUY', confidence: 0.7 },
      },
      {
        type: 'signal',
        signal: { agent: 'agents:ema-cross', symbol: 'BTCUSDT', time: 2, action: 'BUY', confidence: 0.7 },
      },
      { type: 'fill', fill: fill({}), position: position({}) },
      {
        type: 'fill',
        fill: fill({ id: 'f2', side: 'SELL', fee: -1.5, liquidity: 'maker', realizedPnl: 250 }),
        position: position({}),
      },
      {
        type: 'funding',
        funding: { symbol: 'BTCUSDT', time: 3, rate: 0.0001, markPrice: 60_000, positionQuantity: 0.5, payment: -3 },
      },
      {
        type: 'order-rejected',
        request: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 1 } as never,
        error: Object.assign(new Error('x'), { name: 'InsufficientFunds' }),
      },
      { type: 'plugin-error', plugin: 'agents:broken', hook: 'onBar', error: new TypeError('boom') },
      {
        type: 'risk-state',
        time: 4,
        source: 'ess',
        state: 'TRIPPED',
        tradingState: 'halted',
        reason: 'dd',
        trigger: 'daily-drawdown',
      },
    ]
    for (const event of events) recordEvent(metrics, event)
    const text = await metrics.scrape()
    expect(valueOf(text, 'quantum_signals_total{agent="agents:ema-cross",action="BUY"}')).toBe(2)
    expect(valueOf(text, 'quantum_fills_total{symbol="BTCUSDT",side="SELL",liquidity="maker"}')).toBe(1)
    expect(valueOf(text, 'quantum_realized_pnl_usdt')).toBe(250)
    expect(valueOf(text, 'quantum_fees_usdt')).toBe(10.5)
    expect(valueOf(text, 'quantum_funding_usdt')).toBe(-3)
    expect(valueOf(text, 'quantum_order_submissions_total{outcome="rejected"}')).toBe(1)
    expect(valueOf(text, 'quantum_errors_total{type="InsufficientFunds",source="order"}')).toBe(1)
    expect(valueOf(text, 'quantum_errors_total{type="TypeError",source="plugin"}')).toBe(1)
    expect(valueOf(text, 'quantum_plugin_errors_total{plugin="agents:broken",hook="onBar"}')).toBe(1)
    expect(valueOf(text, 'quantum_ess_tripped')).toBe(1)
    expect(valueOf(text, 'quantum_trading_state{state="halted"}')).toBe(1)
    expect(valueOf(text, 'quantum_trading_state{state="active"}')).toBe(0)
  })

  it('reads equity, drawdown and positions from the bound account when scraped', async () => {
    const metrics = createTradingMetrics({ processMetrics: false })
    const state = {
      equity: 10_000,
      positions: [
        position({}),
        position({ symbol: 'ETHUSDT', side: 'SHORT', quantity: 2, markPrice: 3000, unrealizedPnl: -40 }),
      ],
    }
    void metricsObserver(metrics).setup?.({ account: fakeAccount(state) } as never)
    expect(valueOf(await metrics.scrape(), 'quantum_drawdown_ratio')).toBe(0)
    state.equity = 9000
    const text = await metrics.scrape()
    expect(valueOf(text, 'quantum_equity_usdt')).toBe(9000)
    expect(valueOf(text, 'quantum_wallet_usdt')).toBe(8500)
    expect(valueOf(text, 'quantum_drawdown_ratio')).toBeCloseTo(0.1, 12)
    expect(valueOf(text, 'quantum_position_quantity{symbol="ETHUSDT"}')).toBe(-2)
    expect(valueOf(text, 'quantum_position_notional_usdt{symbol="BTCUSDT"}')).toBe(31_000)
    expect(valueOf(text, 'quantum_unrealized_pnl_usdt')).toBe(960)
    state.positions = []
    expect(await metrics.scrape()).not.toContain('quantum_position_quantity{symbol="ETHUSDT"}')
  })

  it('records feed lag, request latency and process metrics', async () => {
    const metrics = createTradingMetrics({ defaultLabels: { service: 'quantum' } })
    metrics.observeBar('BTCUSDT', 60_000, 61_500)
    metrics.observeRequest('createOrder', 0.004, 'ok')
    const text = await metrics.scrape()
    expect(valueOf(text, 'quantum_feed_lag_seconds{symbol="BTCUSDT",service="quantum"}')).toBe(1.5)
    expect(
      valueOf(
        text,
        'quantum_exchange_request_duration_seconds_count{operation="createOrder",outcome="ok",service="quantum"}',
      ),
    ).toBe(1)
    expect(text).toContain('process_cpu_seconds_total')
    expect(text).toContain('nodejs_heap_size_used_bytes')
  })
})
