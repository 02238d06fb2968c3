import { describe, expect, it } from 'vitest'
import type { EngineEvent } from '../../types.js'
import { RunEventLog } from './event-log.js'

const decision = (action: 'BUY' | 'SELL' | 'HOLD', time: number): EngineEvent => ({
  type: 'decision',
  decision: { symbol: 'BTCUSDT', time, action, confidence: 1, votes: [], price: 100 },
})

describe('RunEventLog', () => {
  it('should count errors, rejections and risk verdicts, keep them as notable, and skip routine events', () => {
    const log = new RunEventLog()
    const error: EngineEvent = { type: 'plugin-error', plugin: 'a', hook: 'onBar', error: new Error('boom') }
    const unprotected: EngineEvent = {
      type: 'unprotected',
      symbol: 'BTCUSDT',
      since: 0,
      time: 5,
      quantity: 1,
      side: 'LONG',
    }
    const progress: EngineEvent = { type: 'progress', barsDone: 1, barsTotal: 2, time: 0 }
    for (const e of [error, unprotected, progress]) log.record(e)
    expect(log.counts).toEqual({ pluginErrors: 1, ordersRejected: 0, riskEvents: 0, liquidations: 0, riskByGuard: {} })
    expect(log.notable).toEqual([error, unprotected])
  })

  it('should count risk verdicts per guard and liquidations', () => {
    const log = new RunEventLog()
    const intent = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 1 } as const
    log.record({ type: 'risk', plugin: 'g', verdict: { action: 'resize', leverage: 5, reason: 'r' }, intent })
    log.record({ type: 'risk', plugin: 'g', verdict: { action: 'deny', reason: 'd' }, intent })
    log.record({ type: 'risk', plugin: 'h', verdict: { action: 'deny', reason: 'd' }, intent })
    expect(log.counts.riskByGuard).toEqual({ g: { resized: 1, denied: 1 }, h: { resized: 0, denied: 1 } })
    expect(log.counts.riskEvents).toBe(3)
  })

  it('should cap the notable list and keep the latest 200 BUY/SELL decisions, counting every one', () => {
    const log = new RunEventLog(2)
    for (let i = 0; i < 3; i++)
      log.record({ type: 'plugin-error', plugin: 'a', hook: 'onBar', error: new Error(`${i}`) })
    expect(log.notable).toHaveLength(2)
    expect(log.counts.pluginErrors).toBe(3)
    for (let t = 0; t < 250; t++) log.record(decision(t % 5 === 0 ? 'HOLD' : 'BUY', t))
    expect(log.decisions.total).toBe(250)
    expect(log.decisions.byAction).toEqual({ BUY: 200, SELL: 0, HOLD: 50 })
    expect(log.decisions.recent).toHaveLength(200)
    expect(log.decisions.recent.at(-1)?.time).toBe(249)
  })
})

describe('RunEventLog times', () => {
  it('stamps each notable event with the engine clock when it carries no time of its own', () => {
    let now = 1_000
    const log = new RunEventLog(2, () => now)
    const error = new Error('boom')
    log.record({ type: 'plugin-error', plugin: 'agents:x', hook: 'onBar', error })
    now = 2_000
    log.record({ type: 'cancel-rejected', symbol: 'BTCUSDT', orderId: '1', error })
    now = 3_000
    log.record({ type: 'plugin-error', plugin: 'agents:x', hook: 'onBar', error })
    expect(log.notableTimes).toEqual([1_000, 2_000])
    expect(log.notable).toHaveLength(2)
  })
})
