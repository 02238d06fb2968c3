import { ConfigError, SimulatedClock, createEventBus, silentLogger } from '@quantum/core'
import type { Decision, MarketBar, PluginContext, Signal, SignalAction } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { createSupervisorHandle } from '../supervisor/supervisor-handle.js'
import { consensusTier, ensembleManager } from './ensemble-manager.js'
import { formatEnsembleTree } from './format-ensemble-tree.js'

const TIME = Date.UTC(2025, 11, 18)
const bar: MarketBar = {
  symbol: 'BNBUSDT',
  index: 0,
  openTime: TIME,
  open: 600,
  high: 601,
  low: 599,
  close: 600,
  volume: 1,
}

function context(): PluginContext & { bus: ReturnType<typeof createEventBus> } {
  const clock = new SimulatedClock(TIME)
  return { mode: 'backtest', clock, logger: silentLogger, bus: createEventBus() } as unknown as PluginContext & {
    bus: ReturnType<typeof createEventBus>
  }
}

const sig = (agent: string, action: SignalAction, confidence: number): Signal => ({
  agent: `agents:${agent}`,
  symbol: 'BNBUSDT',
  time: TIME,
  action,
  confidence,
})

function decide(signals: Signal[], opts: Parameters<typeof ensembleManager>[0] = {}): Decision {
  const plugin = ensembleManager(opts)
  const ctx = context()
  void plugin.setup?.(ctx)
  return plugin.decide(signals, bar, ctx)!
}

describe('ensembleManager', () => {
  it('rejects bad options with a ConfigError', () => {
    expect(() => ensembleManager({ threshold: 1.5 })).toThrow(ConfigError)
    expect(() => ensembleManager({ weights: { 'agents:x': 0 } })).toThrow(ConfigError)
    expect(() => ensembleManager({ supervisor: {} as never })).toThrow(ConfigError)
    expect(() => ensembleManager({ bogus: 1 } as never)).toThrow(ConfigError)
  })

  // Rule: action = largest weight sum; confidence = min(0.95, weighted mean confidence of the agreeing
  // agents x consensus factor), factor 1.1 when 3 of 4 agree ("strong"), the seed's own factor.
  it("reproduces the seed's example: SELL 62.55% and its tree", () => {
    // The seed printed confidences rounded to 2 decimals; N-HiTS and PatchTST at 0.63295 print as 0.63.
    // Weighted mean of SELL voters = (0.25*0.44 + 0.30*0.63295 + 0.20*0.63295) / 0.75 = 0.568633;
    // x 1.1 (3 of 4 agree) = 0.625497 -> 62.55%.
    const d = decide([
      sig('xgboost', 'SELL', 0.44),
      sig('lightgbm', 'HOLD', 0.5),
      sig('nhits', 'SELL', 0.63295),
      sig('patchtst', 'SELL', 0.63295),
    ])
    expect(d.action).toBe('SELL')
    expect(d.confidence).toBeCloseTo(0.6255, 4)
    expect(formatEnsembleTree(d)).toBe(
      [
        'ENSEMBLE BNBUSDT: SELL 62.55%',
        '├─ XGB:  SELL/0.44  (44% confidence)',
        '├─ LGBM: HOLD/0.50  (neutral)',
        '├─ NH:   SELL/0.63  (63% confidence)',
        '└─ PT:   SELL/0.63  (63% confidence)',
      ].join('\n'),
    )
    expect(d.votes.map((v) => v.agent)).toEqual([
      'agents:xgboost',
      'agents:lightgbm',
      'agents:nhits',
      'agents:patchtst',
    ])
    expect(d.dropped).toBeUndefined()
  })

  it('gives SELL 62.33% with the printed (rounded) values taken as exact', () => {
    // (0.25*0.44 + 0.5*0.63) / 0.75 = 0.566667; x 1.1 = 0.623333.
    const d = decide([
      sig('xgboost', 'SELL', 0.44),
      sig('lightgbm', 'HOLD', 0.5),
      sig('nhits', 'SELL', 0.63),
      sig('patchtst', 'SELL', 0.63),
    ])
    expect(d.action).toBe('SELL')
    expect(d.confidence).toBeCloseTo(0.623333, 6)
  })

  it('turns a signal below the threshold into a reported HOLD', () => {
    const d = decide([
      sig('xgboost', 'BUY', 0.5),
      sig('lightgbm', 'BUY', 0.5),
      sig('nhits', 'SELL', 0.6),
      sig('patchtst', 'HOLD', 0.5),
    ])
    // BUY 0.5 of the weight vs SELL 0.3: BUY wins, 2 of 4 (split, x1.0), confidence 0.5 < 0.6 -> HOLD.
    expect(d.action).toBe('HOLD')
    expect(d.confidence).toBeCloseTo(0.5, 12)
    expect(d.votes).toHaveLength(4)
  })

  it('drops a late agent, renormalises the others and records why', () => {
    const d = decide([sig('xgboost', 'BUY', 0.7), sig('nhits', 'BUY', 0.8), sig('patchtst', 'BUY', 0.6)])
    expect(d.dropped).toEqual([{ agent: 'agents:lightgbm', reason: 'no signal this bar (late or failed)' }])
    // unanimous among the 3 present: (0.25*0.7 + 0.3*0.8 + 0.2*0.6) / 0.75 * 1.2 = 0.856
    expect(d.action).toBe('BUY')
    expect(d.confidence).toBeCloseTo(0.856, 12)
    expect(formatEnsembleTree(d).split('\n').at(-1)).toBe('└─ LGBM: dropped (no signal this bar (late or failed))')
  })

  it('names the error of an agent that failed on this bar', () => {
    const plugin = ensembleManager()
    const ctx = context()
    void plugin.setup?.(ctx)
    ctx.bus.emit({ type: 'plugin-error', plugin: 'agents:nhits', hook: 'onBar', error: new Error('NaN features') })
    const d = plugin.decide(
      [sig('xgboost', 'SELL', 0.7), sig('lightgbm', 'SELL', 0.7), sig('patchtst', 'SELL', 0.7)],
      bar,
      ctx,
    )!
    expect(d.dropped).toEqual([{ agent: 'agents:nhits', reason: 'failed: NaN features' }])
    void plugin.dispose?.()
  })

  it('holds below the quorum and drops invalid, unknown and muted agents', () => {
    const handle = createSupervisorHandle()
    handle.raise(
      { agent: 'agents:nhits', kind: 'stuck-class', time: TIME, value: 1, limit: 0.9, message: 'stuck' },
      true,
    )
    const d = decide(
      [
        sig('xgboost', 'SELL', 0.9),
        sig('nhits', 'SELL', 0.9),
        sig('patchtst', 'SELL', Number.NaN),
        sig('ema', 'SELL', 1),
      ],
      {
        supervisor: handle,
      },
    )
    expect(d.action).toBe('HOLD')
    expect(d.confidence).toBe(0)
    const reasons = Object.fromEntries((d.dropped ?? []).map((x) => [x.agent, x.reason]))
    expect(reasons['agents:nhits']).toBe('muted by supervisor')
    expect(reasons['agents:patchtst']).toMatch(/^invalid output/)
    expect(reasons['agents:ema']).toBe('not in the ensemble weights')
    expect(reasons['agents:lightgbm']).toBe('no signal this bar (late or failed)')
  })

  it('classifies consensus like the seed', () => {
    expect([consensusTier(4, 4), consensusTier(3, 4), consensusTier(2, 4), consensusTier(1, 4)]).toEqual([
      'unanimous',
      'strong',
      'split',
      'weak',
    ])
  })
  it('drops an agent muted by AI-HFOS (enforced mute-agent) and takes it back when unmuted', () => {
    const plugin = ensembleManager({})
    const ctx = context()
    void plugin.setup?.(ctx)
    const signals = [
      sig('xgboost', 'SELL', 0.44),
      sig('lightgbm', 'HOLD', 0.5),
      sig('nhits', 'SELL', 0.63),
      sig('patchtst', 'SELL', 0.63),
    ]
    const directive = {
      kind: 'mute-agent' as const,
      source: 'supervisor',
      reason: 'stuck class',
      time: TIME,
      agent: 'agents:nhits',
    }
    const arbitration = (outcome: string, mode: 'enforce' | 'observe' = 'enforce') =>
      ctx.bus.emit({
        type: 'arbitration',
        time: TIME,
        mode,
        subject: 'agent agents:nhits',
        winner: directive,
        overruled: [],
        outcome,
      })
    arbitration('would mute (observe)', 'observe')
    expect(plugin.decide(signals, bar, ctx)!.dropped).toBeUndefined()
    arbitration('muted')
    const muted = plugin.decide(signals, bar, ctx)!
    expect(muted.dropped).toEqual([{ agent: 'agents:nhits', reason: 'muted by AI-HFOS (supervisor: stuck class)' }])
    expect(muted.votes?.map((v) => v.agent)).not.toContain('agents:nhits')
    arbitration('unmuted')
    expect(plugin.decide(signals, bar, ctx)!.dropped).toBeUndefined()
  })
})
