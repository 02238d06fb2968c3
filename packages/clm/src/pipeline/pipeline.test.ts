import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClmConfigSchema, enterRealtime, leaveRealtime, type CandleSeries } from '@quantum/core'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_LABEL } from '../data/labels.js'
import { TrainerError } from '../errors.js'
import { openFileRegistry } from '../registry/file-registry.js'
import { ModelLifecycle, type LifecycleEvent } from '../registry/lifecycle.js'
import { gbdtAdapter, type TrainingAdapter } from './adapter.js'
import { Orchestrator, type FamilyPlan, type JobEvent } from './orchestrator.js'
import { momentumCandles } from './momentum.test-helpers.js'
import { InProcessQueue, type TrainingJob } from './queue.js'
import { TrainingScheduler, scheduleHours } from './scheduler.js'

const root = await mkdtemp(join(tmpdir(), 'clm-pipeline-'))
afterAll(() => rm(root, { recursive: true, force: true }))
const HOUR = 3_600_000

const job = (family: string, reason: TrainingJob['reason'] = 'manual'): TrainingJob => ({
  family,
  reason,
  requestedAt: 0,
})

describe('Orchestrator', () => {
  const data = (): Promise<CandleSeries[]> =>
    Promise.resolve([momentumCandles('AAAUSDT', 1), momentumCandles('BBBUSDT', 2)])
  const plan = (adapter: TrainingAdapter, over: Partial<FamilyPlan> = {}): FamilyPlan => ({
    adapter,
    data,
    sources: ['momentum AAA', 'momentum BBB'],
    label: DEFAULT_LABEL,
    splits: { testDays: 30, validationDays: 30 },
    params: { rounds: 60, maxDepth: 4 },
    timeoutMs: 60_000,
    ...over,
  })

  /** `threads: 'main'` keeps the slower tests (two jobs) off the worker threads' start-up under tsx. */
  async function setup(
    families: Record<string, FamilyPlan>,
    threads: 'worker' | 'main' = 'worker',
    isolation: 'thread' | 'process' = 'thread',
  ) {
    const dir = await mkdtemp(join(root, 'o-'))
    const events: (JobEvent | LifecycleEvent)[] = []
    const lifecycle = new ModelLifecycle(await openFileRegistry({ dir, create: true }), (e) => events.push(e))
    const orchestrator = new Orchestrator({ lifecycle, families, threads, isolation, onEvent: (e) => events.push(e) })
    return { lifecycle, orchestrator, events }
  }

  it('trains, registers and evaluates a model that beats the prior: a CANDIDATE with lineage and timings', async () => {
    const { orchestrator, lifecycle, events } = await setup({ xgboost: plan(gbdtAdapter()) })
    const report = await orchestrator.run(job('xgboost'))
    expect(report.failure).toBeUndefined()
    expect(report.stage).toBe('CANDIDATE')
    expect(report.evaluation!.skill.candidate.logLoss).toBeLessThan(report.evaluation!.skill.prior.logLoss)
    const v = await lifecycle.port.get(report.id!)
    expect(v.lineage).toMatchObject({ trainer: 'gbdt-ts@1', data: ['momentum AAA', 'momentum BBB'] })
    expect(v.lineage.params).toMatchObject({ maxDepth: 4 })
    expect(Object.keys(report.timings).sort()).toEqual(['data', 'evaluate', 'register', 'total', 'train'])
    expect(events.map((e) => e.type)).toEqual(['job-started', 'registered', 'candidate', 'job-done'])
  })

  it('runs a job in the worker host process to the same model and evaluation as in worker threads', async () => {
    const inThreads = await setup({ xgboost: plan(gbdtAdapter()) })
    const inProcess = await setup({ xgboost: plan(gbdtAdapter()) }, 'worker', 'process')
    const a = await inThreads.orchestrator.run(job('xgboost'))
    const b = await inProcess.orchestrator.run(job('xgboost'))
    expect(b.failure).toBeUndefined()
    expect(b.stage).toBe('CANDIDATE')
    expect(b.evaluation!.skill).toEqual(a.evaluation!.skill)
    const [va, vb] = await Promise.all([inThreads.lifecycle.port.get(a.id!), inProcess.lifecycle.port.get(b.id!)])
    expect(vb.lineage.params).toEqual(va.lineage.params)
  })

  it('rejects a retrained model that does not beat the production model, and production stays', async () => {
    const { orchestrator, lifecycle } = await setup({ xgboost: plan(gbdtAdapter()) }, 'main')
    const first = await orchestrator.run(job('xgboost'))
    await lifecycle.promote(first.id!)
    const again = await orchestrator.run(job('xgboost')) // same data, same trainer: the same model
    expect(again.stage).toBe('REJECTED')
    expect((await lifecycle.port.get(again.id!)).reasons!.join()).toMatch(/beats-production/)
    expect((await lifecycle.production('xgboost'))!.id).toBe(first.id)
  })

  it('reports a trainer that crashes as a failed train step, registers nothing, production untouched', async () => {
    const crashing: TrainingAdapter = {
      name: 'crash',
      train: () => Promise.reject(new TrainerError('crash', 'crashed', 'segfault in trainer')),
    }
    const { orchestrator, lifecycle, events } = await setup({ xgboost: plan(crashing) })
    const report = await orchestrator.run(job('xgboost'))
    expect(report.failure).toEqual({ step: 'train', error: 'TrainerError: Trainer crash crashed: segfault in trainer' })
    expect(await lifecycle.port.list()).toEqual([])
    expect(events.at(-1)).toMatchObject({ type: 'job-failed', step: 'train' })
  })

  it('reports too little data as a failed train step with the DataError', async () => {
    const few = (): Promise<CandleSeries[]> => Promise.resolve([momentumCandles('AAAUSDT', 1, 24 * 64)])
    const { orchestrator } = await setup({ xgboost: plan(gbdtAdapter(), { data: few }) })
    const report = await orchestrator.run(job('xgboost'))
    expect(report.failure?.step).toBe('train')
    expect(report.failure?.error).toMatch(/DataError.*too little data/s)
  })

  it('marks a registered version FAILED when its evaluation fails', async () => {
    const junk: TrainingAdapter = {
      name: 'junk',
      train: () => Promise.resolve({ onnx: new Uint8Array([1, 2, 3]), trainer: 'junk', params: {} }),
    }
    const { orchestrator, lifecycle } = await setup({ xgboost: plan(junk) }, 'main')
    const report = await orchestrator.run(job('xgboost'))
    expect(report).toMatchObject({ stage: 'FAILED', failure: { step: 'evaluate' } })
    expect((await lifecycle.port.get(report.id!)).stage).toBe('FAILED')
  })

  it('refuses a job for a family without a plan', async () => {
    const { orchestrator } = await setup({})
    await expect(orchestrator.run(job('patchtst'))).rejects.toThrow(/No training plan for family "patchtst"/)
  })

  it('runs jobs in the worker host process by default when its caller is real-time, in threads otherwise', async () => {
    const lifecycle = new ModelLifecycle(
      await openFileRegistry({ dir: await mkdtemp(join(root, 'rt-')), create: true }),
    )
    expect(new Orchestrator({ lifecycle, families: {} }).isolation).toBe('thread')
    const entered = enterRealtime(1)
    try {
      // Where this thread cannot be raised (not Linux, no CAP_SYS_NICE), the default stays 'thread'.
      expect(new Orchestrator({ lifecycle, families: {} }).isolation).toBe(entered.realtime ? 'process' : 'thread')
      expect(new Orchestrator({ lifecycle, families: {}, isolation: 'thread' }).isolation).toBe('thread')
    } finally {
      leaveRealtime()
    }
  })
})

describe('InProcessQueue', () => {
  it('runs jobs one at a time and keeps one job per family', async () => {
    const q = new InProcessQueue()
    const seen: string[] = []
    let active = 0
    let maxActive = 0
    q.process(async (j) => {
      active++
      maxActive = Math.max(maxActive, active)
      await new Promise((r) => setTimeout(r, 20))
      seen.push(j.family)
      active--
    })
    expect(await q.enqueue(job('xgboost'))).toBe('queued')
    expect(await q.enqueue(job('xgboost'))).toBe('duplicate')
    expect(await q.enqueue(job('lightgbm'))).toBe('queued')
    await q.drain()
    expect(seen).toEqual(['xgboost', 'lightgbm'])
    expect(maxActive).toBe(1)
    expect(await q.enqueue(job('xgboost'))).toBe('queued')
    await q.drain()
    await q.close()
  })

  it('reports a failing job to onError and goes on', async () => {
    const q = new InProcessQueue()
    const errors: string[] = []
    q.process(
      (j) => (j.family === 'bad' ? Promise.reject(new Error('boom')) : Promise.resolve()),
      (j, e) => errors.push(`${j.family}: ${(e as Error).message}`),
    )
    await q.enqueue(job('bad'))
    await q.enqueue(job('good'))
    await q.drain()
    expect(errors).toEqual(['bad: boom'])
  })
})

describe('scheduleHours', () => {
  it("takes the seed's cadence, the config's overrides and added families, and drops disabled ones", () => {
    const clm = ClmConfigSchema.parse({
      families: { xgboost: { hours: 2 }, patchtst: { enabled: false }, mine: { hours: 48 } },
    })
    expect(scheduleHours(clm)).toEqual({ xgboost: 2, lightgbm: 6, nhits: 12, rlV2: 24, rlV3: 4, mine: 48 })
    expect(scheduleHours(undefined)).toEqual({ xgboost: 6, lightgbm: 6, nhits: 12, patchtst: 12, rlV2: 24, rlV3: 4 })
  })

  it('refuses a cadence that is not a positive number of hours, naming the path', () => {
    const r = ClmConfigSchema.safeParse({ families: { xgboost: { hours: 0 } } })
    expect(r.success).toBe(false)
    expect(r.error?.issues[0]?.path).toEqual(['families', 'xgboost', 'hours'])
    expect(ClmConfigSchema.safeParse({ families: { xgboost: { every: 3 } } }).success).toBe(false)
  })
})

describe('TrainingScheduler', () => {
  function recorder() {
    const jobs: TrainingJob[] = []
    const queue = new InProcessQueue()
    queue.process((j) => {
      jobs.push(j)
      return Promise.resolve()
    })
    return { jobs, queue }
  }

  it('runs each family on its cadence, with per-family overrides', async () => {
    let now = Date.UTC(2026, 0, 1)
    const { jobs, queue } = recorder()
    const s = new TrainingScheduler({
      statePath: join(root, 's1.json'),
      queue,
      now: () => now,
      hours: { xgboost: 6, rlV3: 4 },
    })
    await s.load()
    expect(await s.tick()).toEqual(['xgboost', 'rlV3'])
    now += 4 * HOUR
    expect(await s.tick()).toEqual(['rlV3'])
    now += 2 * HOUR
    expect(await s.tick()).toEqual(['xgboost'])
    await queue.drain()
    expect(jobs.map((j) => j.family)).toEqual(['xgboost', 'rlV3', 'rlV3', 'xgboost'])
  })

  it('persists its last runs and runs a missed schedule once at start', async () => {
    const statePath = join(root, 's2.json')
    let now = Date.UTC(2026, 0, 1)
    const first = recorder()
    const a = new TrainingScheduler({ statePath, queue: first.queue, now: () => now, hours: { xgboost: 6, nhits: 12 } })
    expect(await a.start()).toEqual(['xgboost', 'nhits'])
    a.stop()
    expect(JSON.parse(await readFile(statePath, 'utf8'))).toEqual({ lastRun: { xgboost: now, nhits: now } })
    now += 3 * 24 * HOUR // down for 3 days: 12 xgboost slots and 6 nhits slots missed
    const second = recorder()
    const b = new TrainingScheduler({
      statePath,
      queue: second.queue,
      now: () => now,
      hours: { xgboost: 6, nhits: 12 },
    })
    expect(await b.start()).toEqual(['xgboost', 'nhits'])
    b.stop()
    await second.queue.drain()
    expect(second.jobs.map((j) => [j.family, j.reason])).toEqual([
      ['xgboost', 'missed-at-start'],
      ['nhits', 'missed-at-start'],
    ])
    now += HOUR
    expect(await b.tick()).toEqual([])
  })

  it('refuses a corrupt state file', async () => {
    const statePath = join(root, 's3.json')
    await writeFile(statePath, '{"lastRun": "yesterday"}')
    const s = new TrainingScheduler({ statePath, queue: new InProcessQueue() })
    await expect(s.load()).rejects.toThrow(/s3\.json[\s\S]*not a schedule state file/)
  })
})
