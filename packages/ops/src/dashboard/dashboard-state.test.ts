import type { EngineEvent, Fill, PluginContext } from '@quantum/core'
import { SimulatedClock, silentLogger } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { DashboardState } from './dashboard-state.js'

const fill = (id: number): Fill => ({
  id: `f${id}`,
  orderId: 'o',
  clientOrderId: 'c',
  symbol: 'ETHUSDT',
  side: 'SELL',
  price: 3000,
  quantity: 1,
  fee: 1.2,
  liquidity: 'taker',
  realizedPnl: -5,
  time: id,
  reduceOnly: true,
})

describe('dashboard state', () => {
  it('keeps bounded recent lists, the risk picture and an equity curve with its drawdown', async () => {
    const equity = { v: 1000 }
    const clock = new SimulatedClock(0)
    const ctx = {
      mode: 'backtest',
      clock,
      logger: silentLogger,
      account: { getEquity: () => equity.v, getPositions: () => [], getOpenOrders: () => [] },
    } as unknown as PluginContext
    const state = new DashboardState(
      { run: { mode: 'paper' }, findings: () => [{ agent: 'a', kind: 'stuck-class' }] },
      { equity: 3, decisions: 2, fills: 2, errors: 2 },
    )
    const observer = state.observer()
    await observer.setup?.(ctx)
    for (let i = 1; i <= 5; i++) {
      clock.set(i)
      equity.v = [1000, 1100, 990, 1050, 1080][i - 1] ?? 0
      observer.onEvent({ type: 'fill', fill: fill(i), position: undefined as never }, ctx)
    }
    const error: EngineEvent = { type: 'plugin-error', plugin: 'agents:x', hook: 'onBar', error: new Error('nope') }
    for (let i = 0; i < 3; i++) observer.onEvent(error, ctx)
    observer.onEvent(
      {
        type: 'risk-state',
        time: 9,
        source: 'ess',
        state: 'TRIPPED',
        tradingState: 'halted',
        reason: 'dd',
        trigger: 'x',
      },
      ctx,
    )
    const snap = state.snapshot()
    expect(snap.fills.map((f) => f.id)).toEqual(['f4', 'f5'])
    expect(snap.equity.map((p) => p.equity)).toEqual([990, 1050, 1080])
    expect(snap.equity[0]?.drawdown).toBeCloseTo(0.1, 12)
    expect(snap.errors).toHaveLength(2)
    expect(snap.errors[0]).toMatchObject({ kind: 'plugin-error', source: 'agents:x.onBar', message: 'nope' })
    expect(snap.risk).toEqual({
      tradingState: 'halted',
      components: { ess: { state: 'TRIPPED', reason: 'dd', time: 9 } },
    })
    expect(snap.findings).toEqual([{ agent: 'a', kind: 'stuck-class' }])
    expect(snap.run).toEqual({ mode: 'paper' })
  })

  it('lists each step of the protection ladder among the errors', async () => {
    const clock = new SimulatedClock(0)
    const ctx = {
      mode: 'testnet',
      clock,
      logger: silentLogger,
      account: { getEquity: () => 1000, getPositions: () => [], getOpenOrders: () => [] },
    } as unknown as PluginContext
    const state = new DashboardState({ run: { mode: 'testnet' } }, { equity: 3, decisions: 2, fills: 2, errors: 5 })
    const observer = state.observer()
    await observer.setup?.(ctx)
    const step = (s: 'stop' | 'close' | 'halt', attempt: number): EngineEvent => ({
      type: 'protection',
      symbol: 'BTCUSDT',
      step: s,
      attempt,
      reason: 'stop refused: -2021',
      time: 1_000 + attempt,
    })
    for (const e of [step('stop', 1), step('close', 1), step('halt', 1)]) observer.onEvent(e, ctx)
    const errors = state.snapshot().errors
    expect(errors.map((e) => [e.kind, e.source, e.message])).toContainEqual([
      'protection',
      'BTCUSDT',
      'halt (attempt 1): stop refused: -2021',
    ])
    expect(errors.filter((e) => e.kind === 'protection')).toHaveLength(3)
  })
  it('shows the policy in force as the orchestrator component of the risk panel', async () => {
    const ctx = {
      mode: 'paper',
      clock: new SimulatedClock(0),
      logger: silentLogger,
      account: { getEquity: () => 1000, getPositions: () => [], getOpenOrders: () => [] },
    } as unknown as PluginContext
    const state = new DashboardState({ run: { mode: 'paper' } }, { equity: 3, decisions: 2, fills: 2, errors: 5 })
    const observer = state.observer()
    await observer.setup?.(ctx)
    observer.onEvent(
      {
        type: 'policy-switch',
        time: 7,
        from: 'PERMISSIVE',
        to: 'FLOOR',
        rule: 'crash',
        reason: 'barRange 0.07 >= 0.06',
        metrics: { barRange: 0.07 },
      },
      ctx,
    )
    expect(state.snapshot().risk.components.orchestrator).toEqual({
      state: 'FLOOR',
      reason: 'PERMISSIVE -> FLOOR, rule crash: barRange 0.07 >= 0.06',
      time: 7,
    })
  })
})
