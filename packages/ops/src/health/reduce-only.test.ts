import { createPaperExchange, definePlugin, fixedNotional, runEngine } from '@quantum/core'
import type { AgentPlugin, CandleSeries, EngineEvent } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createTradingMetrics } from '../metrics/trading-metrics.js'
import { metricsObserver } from '../metrics/metrics-observer.js'
import { createReduceOnlyGate } from './reduce-only.js'

const H = 3_600_000

/** Hourly candles of TESTUSDT at 100, 101, 102, … */
function series(n: number): CandleSeries {
  const s = {
    symbol: 'TESTUSDT',
    timeframe: '1h',
    openTime: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n).fill(1),
  }
  for (let i = 0; i < n; i++) {
    s.openTime[i] = Date.UTC(2024, 0, 1) + i * H
    s.open[i] = 100 + i
    s.close[i] = 100 + i
    s.high[i] = 101 + i
    s.low[i] = 99 + i
  }
  return s
}

/** BUY at bar 1 and 7, SELL at bar 5; the supervisor escalates at bar 3 (as its timer would, mid-run). */
const script = definePlugin({
  name: 'test:script',
  kind: 'agent',
  options: z.strictObject({}),
  create: () => ({ onBar: () => undefined }),
})

/**
 * Runs 10 bars: BUY at bar 1 and 7, SELL at bar 5; `atBar` runs first on every bar (the supervisor's
 * timer or an operator acting mid-run). Returns the run's events and its exchange.
 */
async function scriptedRun(
  gate: ReturnType<typeof createReduceOnlyGate>,
  metrics: ReturnType<typeof createTradingMetrics>,
  atBar: (index: number) => void,
): Promise<{ events: EngineEvent[]; exchange: ReturnType<typeof createPaperExchange> }> {
  const agent: AgentPlugin = {
    ...script(),
    onBar: (bar) => {
      atBar(bar.index)
      const action = bar.index === 1 || bar.index === 7 ? 'BUY' : bar.index === 5 ? 'SELL' : undefined
      return action === undefined
        ? undefined
        : { agent: 'test:script', symbol: bar.symbol, time: bar.openTime, action, confidence: 1 }
    },
  }
  const exchange = createPaperExchange({
    balance: 10_000,
    instruments: { TESTUSDT: { tickSize: 0.01, stepSize: 0.001, minNotional: 5 } },
  })
  const events: EngineEvent[] = []
  await runEngine({
    series: [series(10)],
    exchange,
    plugins: [agent, fixedNotional({ notional: 1000 }), gate.plugin, metricsObserver(metrics)],
    mode: 'backtest',
    onEvent: (e) => events.push(e),
  })
  return { events, exchange }
}

describe('reduce-only after a supervisor escalation', () => {
  it('refuses entries and lets closes through, with one risk-state event and the metric', async () => {
    const gate = createReduceOnlyGate()
    const metrics = createTradingMetrics({ processMetrics: false })
    const { events, exchange } = await scriptedRun(gate, metrics, (index) => {
      if (index === 3) gate.engage('feed failed 3 checks in a row: last bar 95 s ago')
    })
    const fills = events.flatMap((e) => (e.type === 'fill' ? [e.fill] : []))
    // bar 1's entry, then bar 5's close of it; bar 5's short and bar 7's long are refused
    expect(fills.map((f) => [f.side, f.reduceOnly ?? false])).toEqual([
      ['BUY', false],
      ['SELL', true],
    ])
    expect(exchange.account.getPosition('TESTUSDT').side).toBe('FLAT')
    const denials = events.flatMap((e) => (e.type === 'risk' && e.verdict.action === 'deny' ? [e] : []))
    expect(denials).toHaveLength(2)
    expect(denials.every((d) => d.plugin === 'ops:reduce-only')).toBe(true)
    const states = events.filter((e) => e.type === 'risk-state')
    expect(states).toEqual([
      expect.objectContaining({
        source: 'supervisor',
        state: 'REDUCE_ONLY',
        tradingState: 'reducing',
        trigger: 'escalation',
        reason: 'feed failed 3 checks in a row: last bar 95 s ago',
      }),
    ])
    expect(gate.engage('again')).toBe(false)
    expect(gate.reason).toBe('feed failed 3 checks in a row: last bar 95 s ago')
    expect(await metrics.scrape()).toMatch(/^quantum_reduce_only 1$/m)
  })

  it('announces an engagement made before the run set up once it does', () => {
    const gate = createReduceOnlyGate()
    gate.engage('plugins failed 3 checks in a row')
    const emitted: EngineEvent[] = []
    void gate.plugin.setup?.({
      bus: {
        emit: (e: EngineEvent) => emitted.push(e),
        events$: { subscribe: () => ({ unsubscribe: () => undefined }) },
      },
      clock: { now: () => 42 },
    } as never)
    expect(emitted).toEqual([expect.objectContaining({ type: 'risk-state', time: 42, state: 'REDUCE_ONLY' })])
    expect(gate.plugin.check({ symbol: 'X', side: 'BUY', type: 'MARKET', quantity: 1 }, undefined as never)).toEqual({
      action: 'deny',
      reason: 'reduce-only after a supervisor escalation (plugins failed 3 checks in a row): entries refused',
    })
    expect(
      gate.plugin.check(
        { symbol: 'X', side: 'SELL', type: 'MARKET', quantity: 1, reduceOnly: true },
        undefined as never,
      ),
    ).toEqual({ action: 'approve' })
  })

  it('accepts entries again once lifted, with a NORMAL risk-state event and the metric back at 0', async () => {
    const gate = createReduceOnlyGate()
    const metrics = createTradingMetrics({ processMetrics: false })
    expect(gate.lift('ops')).toBe(false)
    const { events, exchange } = await scriptedRun(gate, metrics, (index) => {
      if (index === 3) gate.engage('feed failed 3 checks in a row')
      if (index === 6) expect(gate.lift('http (token holder)')).toBe(true)
    })
    const fills = events.flatMap((e) => (e.type === 'fill' ? [e.fill] : []))
    // bar 1's entry, bar 5's close (its short refused), then bar 7's entry after the lift
    expect(fills.map((f) => [f.side, f.reduceOnly ?? false])).toEqual([
      ['BUY', false],
      ['SELL', true],
      ['BUY', false],
    ])
    expect(exchange.account.getPosition('TESTUSDT').side).toBe('LONG')
    const states = events.flatMap((e) => (e.type === 'risk-state' ? [[e.state, e.tradingState, e.trigger]] : []))
    expect(states).toEqual([
      ['REDUCE_ONLY', 'reducing', 'escalation'],
      ['NORMAL', 'active', 'manual'],
    ])
    expect(gate.reason).toBeUndefined()
    expect(await metrics.scrape()).toMatch(/^quantum_reduce_only 0$/m)
  })
})
