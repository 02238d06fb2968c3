/**
 * The PyTorch adapter: a typed error naming what is missing, and (where Debian's python3-torch imports)
 * a real N-HiTS job through the orchestrator — windows built in TypeScript, trained in Python, exported
 * to ONNX, registered, then served by the model agents' loader and scored out of time.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openModelSession } from '@quantum/agents'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_LABEL } from '../data/labels.js'
import { TrainerError } from '../errors.js'
import { openFileRegistry } from '../registry/file-registry.js'
import { ModelLifecycle } from '../registry/lifecycle.js'
import { momentumCandles } from './momentum.test-helpers.js'
import { Orchestrator } from './orchestrator.js'
import { findPython, torchAdapter } from './python-adapter.js'

const root = await mkdtemp(join(tmpdir(), 'clm-torch-'))
afterAll(() => rm(root, { recursive: true, force: true }))

let torchPython: string | undefined
try {
  torchPython = findPython('torch')
} catch (e) {
  console.warn(`[skip] PyTorch adapter training test: ${(e as Error).message}`)
}

const windowsRequest = {
  family: 'nhits',
  train: { values: new Float32Array(10), labels: new Uint8Array(1), rows: 1, columns: 10 },
  validation: { values: new Float32Array(10), labels: new Uint8Array(1), rows: 1, columns: 10 },
  features: [],
  classCount: 3,
  params: {},
  timeoutMs: 10_000,
  sequences: {
    window: 120,
    values: new Float32Array(1200),
    columns: 10,
    trainEnds: Uint32Array.of(119),
    validationEnds: Uint32Array.of(119),
    testEnds: Uint32Array.of(119),
    normalization: { mean: Array<number>(10).fill(0), std: Array<number>(10).fill(1) },
  },
}

describe('torchAdapter', () => {
  it('names the interpreters tried and what to install when no Python imports torch', async () => {
    const error: unknown = await torchAdapter({ architecture: 'nhits', python: ['/nonexistent/python3'] })
      .train(windowsRequest)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TrainerError)
    expect((error as TrainerError).failure).toBe('missing-dependency')
    expect((error as TrainerError).message).toMatch(
      /python:torch.*\/nonexistent\/python3 \(not found\).*apt-get install -y python3-torch/,
    )
  })

  it('refuses a request without windows (a family planned with window 1)', async () => {
    const { sequences: _, ...tabular } = windowsRequest
    await expect(torchAdapter({ architecture: 'patchtst' }).train(tabular)).rejects.toThrow(/gave no windows/)
  })

  it.runIf(torchPython !== undefined)(
    'trains N-HiTS in Python through the orchestrator, exports ONNX the agents load, and scores it out of time',
    async () => {
      const lifecycle = new ModelLifecycle(await openFileRegistry({ dir: join(root, 'reg'), create: true }))
      const orchestrator = new Orchestrator({
        lifecycle,
        families: {
          nhits: {
            adapter: torchAdapter({ architecture: 'nhits' }),
            data: () => Promise.resolve([momentumCandles('AAAUSDT', 1), momentumCandles('BBBUSDT', 2)]),
            sources: ['momentum AAA', 'momentum BBB'],
            label: DEFAULT_LABEL,
            splits: { testDays: 30, validationDays: 30 },
            params: { epochs: 2, trainStride: 2, hidden: 16, learningRate: 3e-3 },
            timeoutMs: 300_000,
          },
        },
      })
      const report = await orchestrator.run({ family: 'nhits', reason: 'manual', requestedAt: 0 })
      expect(report.failure).toBeUndefined()
      const v = await lifecycle.port.get(report.id!)
      expect(v.lineage.trainer).toMatch(/^python:torch:nhits \(torch \d/)
      const m = await lifecycle.materialize(report.id!, join(root, 'serve'))
      const session = await openModelSession(m.path)
      try {
        expect(session.metadata.family).toBe('nhits')
        expect(session.metadata.window).toBe(120)
        expect(session.metadata.input.shape).toEqual(['batch', 120, 10])
      } finally {
        await session.release()
      }
      const skill = report.evaluation!.skill
      // 30 test days x 2 symbols, every row has a full window (the windows reach back into validation).
      expect(skill.candidate.rows).toBeGreaterThan(1300)
      expect(skill.candidate.logLoss).toBeLessThan(skill.prior.logLoss) // the momentum is learnable
    },
    600_000,
  )
})
