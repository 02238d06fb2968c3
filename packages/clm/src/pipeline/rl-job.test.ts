/**
 * RL sizing as a CLM family: the Q-table learnt from stored trades, evaluated on held-out trades against
 * the fixed middle size and production, gated, registered, promoted, materialised as a file the sizer
 * loads; and the trade samples read from a run journal.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { QLearner, actionGrid, readQTable } from '@quantum/agents'
import { sfc32, type IntentRecord, type StoredTrade } from '@quantum/core'
import { afterAll, describe, expect, it } from 'vitest'
import { rng } from '../gbdt/synthetic.test-helpers.js'
import { openFileRegistry } from '../registry/file-registry.js'
import { ModelLifecycle, type LifecycleEvent } from '../registry/lifecycle.js'
import { Orchestrator, type JobEvent } from './orchestrator.js'
import { DEFAULT_RL_SIZER, rlSamplesFromStore, type RlFamilyPlan, type RlTradeSample } from './rl-job.js'

const root = await mkdtemp(join(tmpdir(), 'clm-rl-'))
afterAll(() => rm(root, { recursive: true, force: true }))
const DAY = 86_400_000
const T0 = Date.UTC(2025, 0, 1)

/** Trades where high-confidence entries win ~1 % of notional and low-confidence ones lose ~1 %. */
function samples(n: number, seed = 3): RlTradeSample[] {
  const next = rng(seed)
  return Array.from({ length: n }, (_, k) => {
    const high = k % 2 === 0
    const r = (high ? 0.01 : -0.01) + (next() - 0.5) * 0.01
    const entryTime = T0 + k * (DAY / 2)
    return {
      symbol: 'BTCUSDT',
      entryTime,
      exitTime: entryTime + DAY / 4,
      state: `unknown|neutral|${high ? 'high' : 'low'}`,
      notional: 500,
      netPnl: 500 * r,
    }
  })
}

async function setup(trades: RlTradeSample[]) {
  const events: (JobEvent | LifecycleEvent)[] = []
  const lifecycle = new ModelLifecycle(
    await openFileRegistry({ dir: await mkdtemp(join(root, 'r-')), create: true }),
    (e) => events.push(e),
  )
  const plan: RlFamilyPlan = {
    kind: 'rl-sizer',
    trades: () => Promise.resolve(trades),
    sources: ['run-1'],
    testDays: 60,
  }
  const orchestrator = new Orchestrator({ lifecycle, families: { rlV3: plan }, onEvent: (e) => events.push(e) })
  return { lifecycle, orchestrator, events }
}

const job = { family: 'rlV3', reason: 'schedule' as const, requestedAt: 0 }

describe('RL sizer jobs', () => {
  it('learns which size pays in which state, beats the fixed size out of time, and registers a CANDIDATE', async () => {
    const { orchestrator, lifecycle, events } = await setup(samples(400))
    const report = await orchestrator.run(job)
    expect(report.failure).toBeUndefined()
    expect(report.stage).toBe('CANDIDATE')
    const v = await lifecycle.port.get(report.id!)
    expect(v.lineage.trainer).toBe('rl-qtable@1')
    expect(v.metrics?.trades).toBe(120) // 60 held-out days, 2 trades a day
    expect(v.metrics?.pnl).toBeGreaterThan(v.metrics!.middlePnl!)
    expect(events.map((e) => e.type)).toEqual(['job-started', 'registered', 'candidate', 'job-done'])

    await lifecycle.promote(report.id!)
    const file = await lifecycle.materialize(report.id!, join(root, 'serve'))
    expect(file.path.endsWith('.qtable.json')).toBe(true)
    const table = readQTable(file.path)!
    const learner = new QLearner({
      actions: actionGrid(DEFAULT_RL_SIZER),
      alpha: 0.2,
      gamma: 0.95,
      epsilon: 0,
      random: sfc32(1),
    })
    learner.load(table, file.path) // the grid matches the sizer's defaults
    expect(learner.actions[learner.best('unknown|neutral|high')]!.notional).toBe(8000)
    expect(learner.actions[learner.best('unknown|neutral|low')]!.notional).toBe(10)
  })

  it('rejects a table that does not beat production, and production stays', async () => {
    const { orchestrator, lifecycle } = await setup(samples(400))
    const first = await orchestrator.run(job)
    await lifecycle.promote(first.id!)
    const again = await orchestrator.run(job)
    expect(again.stage).toBe('REJECTED')
    expect((await lifecycle.port.get(again.id!)).reasons!.join()).toMatch(/beats-production/)
    expect((await lifecycle.production('rlV3'))!.id).toBe(first.id)
  })

  it('rejects a table evaluated on too few held-out trades (the seed trade gate)', async () => {
    const { orchestrator, lifecycle } = await setup(samples(400).filter((_, k) => k < 300 || k % 8 === 0))
    const report = await orchestrator.run(job)
    expect(report.stage).toBe('REJECTED')
    expect((await lifecycle.port.get(report.id!)).reasons!.join()).toMatch(/trades: \d+ < 50/)
  })

  it('reports a failing trade source as a failed data step, registering nothing', async () => {
    const { lifecycle } = await setup([])
    const orchestrator = new Orchestrator({
      lifecycle,
      families: { rlV2: { kind: 'rl-sizer', trades: () => Promise.reject(new Error('store gone')), sources: [] } },
    })
    const report = await orchestrator.run({ ...job, family: 'rlV2' })
    expect(report.failure).toEqual({ step: 'data', error: 'Error: store gone' })
    expect(await lifecycle.port.list()).toEqual([])
  })
})

describe('rlSamplesFromStore', () => {
  it("joins trades to their entry intents: the sizer's logged state, else one rebuilt from the decision", async () => {
    const trade = (id: number, symbol: string, entryTime: number, netPnl: number): StoredTrade => ({
      id,
      symbol,
      side: 'LONG',
      entryTime,
      exitTime: entryTime + 1000,
      entryPrice: 100,
      exitPrice: 101,
      quantity: 2,
      grossPnl: netPnl,
      fees: 0,
      funding: 0,
      netPnl,
      exitReason: 'tp',
    })
    const intent = (symbol: string, time: number, reason: string, confidence?: number): IntentRecord =>
      ({
        runId: 'r',
        clientOrderId: `c${time}`,
        request: { symbol, side: 'BUY', type: 'MARKET', quantity: 1 },
        reason,
        time,
        ...(confidence === undefined ? {} : { decision: { symbol, action: 'BUY', confidence, time, votes: [] } }),
      }) as unknown as IntentRecord
    const store = {
      trades: () => Promise.resolve([trade(1, 'BTCUSDT', 1000, 5), trade(2, 'ETHUSDT', 5000, -3)]),
      intents: () =>
        Promise.resolve([
          intent('BTCUSDT', 900, 'entry (rl trend|winning|high #12)'),
          intent('BTCUSDT', 950, 'stop'),
          intent('ETHUSDT', 4000, 'entry', 0.7),
        ]),
    }
    const out = await rlSamplesFromStore(store, ['r'])
    expect(out.map((s) => [s.symbol, s.state, s.notional, s.netPnl])).toEqual([
      ['BTCUSDT', 'trend|winning|high', 200, 5],
      ['ETHUSDT', 'unknown|winning|mid', 200, -3],
    ])
  })
})
