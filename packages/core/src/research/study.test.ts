import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import type { BacktestSummary } from '../result.js'
import { scoreSummary, type TrialOutcome } from './objective.js'
import { choice, validateSpace } from './param-space.js'
import { gridSampler } from './samplers.js'
import { runStudy } from './study.js'

const base = {
  pnl: 120,
  sharpe: 1.5,
  sortino: 2.1,
  calmar: 0.8,
  maxDrawdownPct: 0.12,
  trades: 40,
  winRate: 0.5,
  profitFactor: 1.3,
} as const
const summary = base as unknown as BacktestSummary

describe('scoreSummary', () => {
  it('should read the built-in objectives and call a custom one', () => {
    expect(scoreSummary(summary, 'sharpe')).toMatchObject({ status: 'ok', value: 1.5 })
    expect(scoreSummary(summary, 'sortino')).toMatchObject({ status: 'ok', value: 2.1 })
    expect(scoreSummary(summary, 'calmar')).toMatchObject({ status: 'ok', value: 0.8 })
    expect(scoreSummary(summary, 'profit')).toMatchObject({ status: 'ok', value: 120 })
    expect(scoreSummary(summary, (s) => s.pnl / s.trades)).toMatchObject({ status: 'ok', value: 3 })
  })

  it('should record a NaN or throwing objective as failed, never as a value', () => {
    expect(scoreSummary(summary, () => NaN)).toMatchObject({
      status: 'failed',
      error: 'custom objective returned NaN, not a finite number',
    })
    expect(scoreSummary({ ...base, sharpe: NaN } as unknown as BacktestSummary, 'sharpe').status).toBe('failed')
    expect(
      scoreSummary(summary, () => {
        throw new Error('bad')
      }),
    ).toMatchObject({ status: 'failed', error: 'objective threw: bad' })
  })

  it('should mark runs that miss a constraint infeasible', () => {
    expect(scoreSummary(summary, 'sharpe', { minTrades: 41 })).toMatchObject({
      status: 'infeasible',
      reason: '40 trades < minTrades 41',
    })
    expect(scoreSummary(summary, 'sharpe', { maxDrawdownPct: 0.1 }).status).toBe('infeasible')
    expect(scoreSummary(summary, 'sharpe', { minTrades: 40, maxDrawdownPct: 0.12 }).status).toBe('ok')
  })
})

describe('runStudy', () => {
  const space = validateSpace({ k: choice(['ok-low', 'nan', 'throws', 'infeasible-high', 'ok-high', 'timeout']) })
  const metrics = base
  const evaluate = (p: { k?: unknown }): Promise<TrialOutcome> => {
    switch (p.k) {
      case 'ok-low':
        return Promise.resolve({ status: 'ok', value: 1, metrics })
      case 'ok-high':
        return Promise.resolve({ status: 'ok', value: 2, metrics })
      case 'nan':
        return Promise.resolve(scoreSummary(summary, () => NaN))
      case 'infeasible-high':
        return Promise.resolve({ status: 'infeasible', value: 99, reason: 'too few trades', metrics })
      case 'timeout':
        return Promise.resolve({ status: 'timeout', error: 'trial exceeded 10 ms' })
      default:
        return Promise.reject(new Error('trial threw'))
    }
  }

  it('should record every failure and pick the best among ok trials only', async () => {
    const r = await runStudy({ sampler: gridSampler(space), trials: 100, concurrency: 3, evaluate })
    expect(r.trials.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5])
    expect(r.counts).toEqual({ ok: 2, failed: 2, infeasible: 1, timeout: 1 })
    expect(r.best?.params).toEqual({ k: 'ok-high' })
    expect(r.trials[2]!.outcome).toEqual({ status: 'failed', error: 'trial threw' })
  })

  it('should have no best when no trial is ok', async () => {
    const r = await runStudy({
      sampler: gridSampler(validateSpace({ k: choice(['nan', 'throws']) })),
      trials: 5,
      evaluate,
    })
    expect(r.best).toBeUndefined()
    expect(r.counts.failed).toBe(2)
  })

  it('should refuse a non-positive trial count', async () => {
    await expect(runStudy({ sampler: gridSampler(space), trials: 0, evaluate })).rejects.toBeInstanceOf(ConfigError)
  })
})
