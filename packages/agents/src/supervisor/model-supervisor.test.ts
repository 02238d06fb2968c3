import { ConfigError, SimulatedClock, createEventBus, silentLogger } from '@quantum/core'
import type { MarketBar, PluginContext, Signal, SignalAction } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { ensembleManager } from '../ensemble/ensemble-manager.js'
import { modelSupervisor } from './model-supervisor.js'
import { createSupervisorHandle } from './supervisor-handle.js'

const SYMBOL = 'ETHUSDT'

/** A context whose account reports the price the test sets. */
function context() {
  const price = { value: 100 }
  const clock = new SimulatedClock(0)
  const ctx = {
    mode: 'backtest',
    clock,
    logger: silentLogger,
    bus: createEventBus(),
    account: { getLastPrice: () => price.value },
  } as unknown as PluginContext
  return { ctx, price, clock }
}

const signal = (agent: string, t: number, action: SignalAction, confidence = 0.7): Signal => ({
  agent: `agents:${agent}`,
  symbol: SYMBOL,
  time: t * 60_000,
  action,
  confidence,
})

describe('modelSupervisor', () => {
  it('rejects bad options with a ConfigError', () => {
    expect(() => modelSupervisor({} as never)).toThrow(ConfigError)
    expect(() => modelSupervisor({ handle: createSupervisorHandle(), mode: 'loud' as never })).toThrow(ConfigError)
    expect(() => modelSupervisor({ handle: createSupervisorHandle(), maxClassShare: 0 })).toThrow(ConfigError)
  })

  it('observes an agent stuck on one class without muting it', () => {
    const handle = createSupervisorHandle()
    const sup = modelSupervisor({ handle, minOutcomes: 1000 }) // calibration/accuracy off: flat prices never hit
    const { ctx } = context()
    const mixed: SignalAction[] = ['BUY', 'SELL', 'HOLD']
    for (let t = 0; t < 60; t++) {
      sup.onEvent({ type: 'signal', signal: signal('xgboost', t, 'SELL') }, ctx)
      sup.onEvent({ type: 'signal', signal: signal('lightgbm', t, mixed[t % 3]!) }, ctx)
    }
    expect(handle.findings()).toHaveLength(1)
    expect(handle.findings()[0]).toMatchObject({
      agent: 'agents:xgboost',
      kind: 'stuck-class',
      value: 1,
      limit: 0.9,
      time: 49 * 60_000,
    })
    expect(handle.active('agents:lightgbm')).toEqual([])
    expect(handle.isMuted('agents:xgboost')).toBe(false)
  })

  it('raises one finding, not one per crossing, for a value hovering at its threshold (hysteresis)', () => {
    const handle = createSupervisorHandle()
    const sup = modelSupervisor({ handle, window: 10, minSignals: 10, maxClassShare: 0.8, minOutcomes: 1000 })
    const { ctx } = context()
    // One HOLD every 6 signals: the SELL share of the last 10 alternates between 0.9 and 0.8 (the limit).
    for (let t = 0; t < 120; t++)
      sup.onEvent({ type: 'signal', signal: signal('xgboost', t, t % 6 === 0 ? 'HOLD' : 'SELL') }, ctx)
    expect(handle.findings()).toHaveLength(1)
    expect(handle.active('agents:xgboost').map((f) => f.kind)).toEqual(['stuck-class'])
    // Clearly recovered (share well under 0.8 x 0.8): the finding clears once.
    const mixed: SignalAction[] = ['BUY', 'SELL', 'HOLD']
    for (let t = 120; t < 140; t++) sup.onEvent({ type: 'signal', signal: signal('xgboost', t, mixed[t % 3]!) }, ctx)
    expect(handle.active('agents:xgboost')).toEqual([])
    expect(handle.findings()).toHaveLength(1)
  })

  it('enforces: mutes an agent whose accuracy decays and the ensemble drops it', () => {
    const handle = createSupervisorHandle()
    const sup = modelSupervisor({
      handle,
      mode: 'enforce',
      maxClassShare: 1,
      horizonBars: 1,
      outcomeWindow: 40,
      minOutcomes: 20,
    })
    const { ctx, price } = context()
    let t = 0
    const run = (bars: number, step: number): void => {
      for (let k = 0; k < bars; k++, t++) {
        price.value += step
        sup.onEvent({ type: 'signal', signal: signal('nhits', t, t % 2 === 0 ? 'BUY' : 'HOLD', 0.9) }, ctx)
      }
    }
    run(200, 1) // rising prices: every BUY call is a hit (hit rate 1, confidence 0.9: calibrated within 0.15)
    expect(handle.findings()).toEqual([])
    run(60, -1) // falling prices: the calls now miss
    const kinds = handle
      .active('agents:nhits')
      .map((f) => f.kind)
      .sort()
    expect(kinds).toEqual(['accuracy-decay', 'calibration-drift'])
    expect(handle.isMuted('agents:nhits')).toBe(true)

    const ensemble = ensembleManager({ supervisor: handle })
    const bar: MarketBar = {
      symbol: SYMBOL,
      index: 0,
      openTime: t * 60_000,
      open: 1,
      high: 1,
      low: 1,
      close: 1,
      volume: 1,
    }
    const d = ensemble.decide(
      [
        signal('xgboost', t, 'BUY'),
        signal('lightgbm', t, 'BUY'),
        signal('nhits', t, 'BUY'),
        signal('patchtst', t, 'BUY'),
      ],
      bar,
      ctx,
    )!
    expect(d.dropped).toEqual([{ agent: 'agents:nhits', reason: 'muted by supervisor' }])
    expect(d.votes.map((v) => v.agent)).not.toContain('agents:nhits')

    run(200, 1) // recovers: the findings clear and the agent is unmuted
    expect(handle.active('agents:nhits')).toEqual([])
    expect(handle.isMuted('agents:nhits')).toBe(false)
  })
})
