import { describe, expect, it } from 'vitest'
import type { Decision } from '../schemas.js'
import { formatEnsembleTree } from './decision-tree.js'

const vote = (agent: string, action: 'BUY' | 'SELL' | 'HOLD', confidence: number) =>
  ({ agent, symbol: 'BTCUSDT', action, confidence, time: 0 }) as const

describe('formatEnsembleTree', () => {
  it('labels a decision of one agent DECISION, not ENSEMBLE', () => {
    const d: Decision = {
      symbol: 'BTCUSDT',
      action: 'BUY',
      confidence: 0.7,
      time: 0,
      price: 1,
      votes: [vote('agents:ema-cross', 'BUY', 0.7)],
    }
    expect(formatEnsembleTree(d)).toBe(
      ['DECISION BTCUSDT: BUY 70.00%', '└─ EMA-CROSS: BUY/0.70  (70% confidence)'].join('\n'),
    )
  })

  it('labels a vote of several agents ENSEMBLE, and counts a dropped agent as one of them', () => {
    const two: Decision = {
      symbol: 'BTCUSDT',
      action: 'SELL',
      confidence: 0.6,
      time: 0,
      price: 1,
      votes: [vote('agents:xgboost', 'SELL', 0.6), vote('agents:lightgbm', 'HOLD', 0.5)],
    }
    expect(formatEnsembleTree(two).split('\n')[0]).toBe('ENSEMBLE BTCUSDT: SELL 60.00%')
    const dropped: Decision = { ...two, votes: [two.votes[0]!], dropped: [{ agent: 'agents:nhits', reason: 'late' }] }
    expect(formatEnsembleTree(dropped).split('\n')).toEqual([
      'ENSEMBLE BTCUSDT: SELL 60.00%',
      '├─ XGB: SELL/0.60  (60% confidence)',
      '└─ NH:  dropped (late)',
    ])
  })
})
