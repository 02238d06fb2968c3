import { createSupervisorHandle, type SupervisorFinding } from '@quantum/agents'
import { describe, expect, it } from 'vitest'
import { rng } from '../gbdt/synthetic.test-helpers.js'
import { InProcessQueue, type TrainingJob } from '../pipeline/queue.js'
import { featureReference } from './psi.js'
import { RetrainTrigger, type RetrainEvent } from './retrain-trigger.js'

const normal = (n: number, seed: number, shift = 0): Float64Array => {
  const next = rng(seed)
  return Float64Array.from({ length: n }, () => {
    const u = Math.max(next(), 1e-12)
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next()) + shift
  })
}

function setup() {
  const jobs: TrainingJob[] = []
  const events: RetrainEvent[] = []
  let release: () => void = () => {}
  const queue = new InProcessQueue()
  // The job stays running until released, as a real training job would.
  queue.process((job) => {
    jobs.push(job)
    return new Promise<void>((r) => (release = r))
  })
  const trigger = new RetrainTrigger({ queue, now: () => 1_000, onEvent: (e) => events.push(e) })
  return { jobs, events, trigger, queue, release: () => release() }
}

describe('RetrainTrigger', () => {
  const references = { rsi_14: featureReference(normal(20_000, 1)), ret_1: featureReference(normal(20_000, 2)) }

  it('queues one drift job when a feature drifts, and none for a stable one', async () => {
    const { jobs, events, trigger, queue, release } = setup()
    expect(await trigger.observeFeatures('xgboost', references, { rsi_14: normal(3_000, 3) })).toEqual([])
    const found = await trigger.observeFeatures('xgboost', references, {
      rsi_14: normal(3_000, 4, 1.5),
      ret_1: normal(3_000, 5, 1.5),
    })
    expect(found.map((e) => [e.type, e.type === 'drift' ? e.job : '-'])).toEqual([
      ['drift', 'queued'],
      ['drift', 'duplicate'], // one job per family while it runs
    ])
    await Promise.resolve()
    expect(jobs).toEqual([{ family: 'xgboost', reason: 'drift', requestedAt: 1_000 }])
    expect(trigger.counts).toEqual({ findings: 2, cleared: 0, jobsQueued: 1 })
    expect(events).toHaveLength(2)
    release()
    await queue.drain()
  })

  it('does not flap: a PSI between clear and raise changes nothing; only a fall below clear clears', async () => {
    const { trigger, release, queue } = setup()
    const series = [0.3, 0.2, 0.26, 0.15, 0.3, 0.05, 0.2, 0.3]
    const seen: string[] = []
    for (const psi of series) {
      const e = await trigger.observeValue('nhits', 'predictions', psi)
      if (e !== undefined) seen.push(`${e.type}@${psi}`)
    }
    expect(seen).toEqual(['drift@0.3', 'drift-cleared@0.05', 'drift@0.3'])
    release()
    await queue.drain()
  })

  it("queues a retrain for the Model Supervisor's accuracy-decay findings, once per finding", async () => {
    const { jobs, trigger } = setup()
    const handle = createSupervisorHandle()
    const finding = (agent: string, kind: SupervisorFinding['kind']): SupervisorFinding => ({
      agent,
      kind,
      time: 0,
      value: 0.2,
      limit: 0.1,
      message: 'test',
    })
    handle.raise(finding('agents:lightgbm', 'accuracy-decay'), false)
    handle.raise(finding('agents:xgboost', 'stuck-class'), false)
    const first = await trigger.observeSupervisor(handle.findings())
    expect(first).toEqual([
      {
        type: 'drift',
        family: 'lightgbm',
        key: 'supervisor:accuracy-decay:agents:lightgbm',
        value: 0.2,
        job: 'queued',
      },
    ])
    expect(await trigger.observeSupervisor(handle.findings())).toEqual([]) // already seen
    await Promise.resolve()
    expect(jobs.map((j) => j.family)).toEqual(['lightgbm'])
  })
})
