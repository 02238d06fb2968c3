import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClmConfigSchema, ModelLifecycle, silentLogger, type QuantumPlugin, type StateStore } from '@quantum/core'
import { createOpsServer } from '@quantum/ops'
import { openStateStore } from '@quantum/store'
import { runCli } from '../src/index.js'
import { startModelServing, type ModelServing } from '../src/model-serving.js'
import { CaptureStream } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'quantum-models-'))
const file = join(dir, 'state.db')
const TOKEN = 'a-test-token-of-at-least-24-chars'
const lineage = {
  dataFrom: '2024-01-01T00:00:00.000Z',
  dataTo: '2025-06-30T23:00:00.000Z',
  data: ['BTCUSDT 1h'],
  features: ['ret_1'],
  label: 'triple-barrier 24h',
  trainer: 'gbdt',
  params: { rounds: 40 },
  codeVersion: '@quantum/clm 0.1.0',
}
let store: StateStore
let ids: { v1: string; v2: string; bad: string }

async function register(l: ModelLifecycle, bytes: number[], candidate: boolean): Promise<string> {
  const v = await l.register({ family: 'xgboost', lineage, model: new Uint8Array(bytes), metadata: { name: 'm' } })
  await l.recordEvaluation(v.id, { candidate, reasons: candidate ? [] : ['beats-prior: 0.99 is not < 0.95'] })
  return v.id
}

beforeAll(async () => {
  store = await openStateStore(file)
  const l = new ModelLifecycle(store.models)
  const v1 = await register(l, [1, 1, 1], true)
  await l.promote(v1)
  ids = { v1, v2: await register(l, [2, 2, 2], true), bad: await register(l, [3, 3, 3], false) }
})
afterAll(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new CaptureStream()
  const stderr = new CaptureStream()
  const code = await runCli(argv, { stdout, stderr, cwd: dir, env: {} })
  return { code, out: stdout.chunks.join(''), err: stderr.chunks.join('') }
}

/** A stand-in for an ONNX model agent: records the files it is asked to swap to. */
function fakeAgent(name: string): QuantumPlugin & { swapped: string[]; swapModel(path: string): Promise<void> } {
  const swapped: string[] = []
  return {
    name,
    kind: 'agent',
    onBar: () => undefined,
    swapped,
    swapModel: (path: string) => {
      swapped.push(path)
      return Promise.resolve()
    },
  }
}

describe('quantum-run models', () => {
  it('lists the registry with stage, family and data range, and shows one version with its lineage', async () => {
    const list = await cli('models', 'list', '--state', file)
    expect(list.code).toBe(0)
    expect(list.out).toContain(`${ids.v1}  PRODUCTION`)
    expect(list.out).toContain(`${ids.bad}  REJECTED`)
    expect(list.out).toContain('data 2024-01-01..2025-06-30')
    const show = await cli('models', 'show', ids.bad, '--state', file)
    expect(show.out).toContain('trainer      gbdt {"rounds":40}')
    expect(show.out).toContain('reasons      beats-prior: 0.99 is not < 0.95')
    const json = JSON.parse((await cli('models', 'list', '--json', '--state', file)).out) as unknown[]
    expect(json).toHaveLength(3)
  })

  it('refuses to promote a REJECTED version, exits non-zero and keeps production', async () => {
    const r = await cli('models', 'promote', ids.bad, '--state', file)
    expect(r.code).not.toBe(0)
    expect(r.err).toContain('cannot go from REJECTED to PRODUCTION')
    expect((await store.models.get(ids.v1)).stage).toBe('PRODUCTION')
  })
})

describe('model serving in a running runtime', () => {
  let serving: ModelServing
  let server: ReturnType<typeof createOpsServer>
  let url = ''
  const agent = fakeAgent('agents:xgboost')
  const other = fakeAgent('agents:lightgbm')

  beforeAll(async () => {
    const clm = ClmConfigSchema.parse({ families: { xgboost: {} }, watchMs: 3_600_000 })
    serving = await startModelServing({ clm, plugins: [agent, other], cwd: dir, logger: silentLogger, store })
    server = createOpsServer({ token: TOKEN, routes: serving.routes })
    url = await server.listen()
  })
  afterAll(async () => {
    await server.close()
    await serving.close()
  })

  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    })

  it('takes the production model at start as the baseline and swaps nothing', () => {
    expect(serving.watcher.serving('xgboost')).toBe(ids.v1)
    expect(agent.swapped).toEqual([])
  })

  it('refuses a promotion over HTTP without the token', async () => {
    const r = await post('/models/promote', { id: ids.v2 })
    expect(r.status).toBe(401)
    expect((await store.models.get(ids.v2)).stage).toBe('CANDIDATE')
  })

  it("promotes over HTTP with the token and swaps the family's agent to the new files at once", async () => {
    const r = await post('/models/promote', { id: ids.v2 }, TOKEN)
    expect(r.status).toBe(200)
    expect(((await r.json()) as { swapped: unknown }).swapped).toEqual([{ family: 'xgboost', id: ids.v2 }])
    expect(agent.swapped).toEqual([join(dir, '.quantum/models', `${ids.v2}.onnx`)])
    expect(Array.from(readFileSync(agent.swapped[0]!))).toEqual([2, 2, 2])
    expect(other.swapped).toEqual([])
    const serving2 = (await (await fetch(`${url}/models/serving`)).json()) as Record<string, string>
    expect(serving2).toEqual({ xgboost: ids.v2 })
  })

  it('answers 409 for a refused stage change and swaps nothing', async () => {
    const r = await post('/models/promote', { id: ids.bad }, TOKEN)
    expect(r.status).toBe(409)
    expect(((await r.json()) as { error: string }).error).toMatch(/REJECTED/)
    expect(agent.swapped).toHaveLength(1)
  })

  it('picks up a rollback made by another process (the CLI) at its next check', async () => {
    const r = await cli('models', 'rollback', 'xgboost', '--state', file)
    expect(r.code).toBe(0)
    expect(r.out).toContain(`rolled xgboost back to ${ids.v1}`)
    const changes = await serving.watcher.check()
    expect(changes.map((c) => [c.id, c.previous])).toEqual([[ids.v1, ids.v2]])
    expect(agent.swapped.at(-1)).toBe(join(dir, '.quantum/models', `${ids.v1}.onnx`))
    expect(await serving.watcher.check()).toEqual([])
  })
})

describe('RL sizer Q-tables in a running runtime', () => {
  it('swaps a promoted rlV3 Q-table into the RL sizer (the default plugin of rlV2 / rlV3) as a .qtable.json', async () => {
    const l = new ModelLifecycle(store.models)
    const table = { version: 1, actions: [{ notional: 10, leverage: 15 }], states: {}, updates: 0 }
    const rl = async (updates: number): Promise<string> => {
      const v = await l.register({
        family: 'rlV3',
        lineage: { ...lineage, trainer: 'rl-qtable@1' },
        model: new TextEncoder().encode(JSON.stringify({ ...table, updates })),
        metadata: { format: 'quantum-rl@1', family: 'rlV3' },
      })
      await l.recordEvaluation(v.id, { candidate: true, reasons: [] })
      return v.id
    }
    const first = await rl(1)
    await l.promote(first)
    const sizer = { ...fakeAgent('agents:rl-position-sizing'), kind: 'sizer' as const, size: () => [] }
    const clm = ClmConfigSchema.parse({ families: { rlV3: {} }, watchMs: 3_600_000, modelsDir: 'rl-models' })
    const serving = await startModelServing({ clm, plugins: [sizer], cwd: dir, logger: silentLogger, store })
    try {
      const second = await rl(2)
      await l.promote(second)
      expect((await serving.watcher.check()).map((c) => c.id)).toEqual([second])
      expect(sizer.swapped).toEqual([join(dir, 'rl-models', `${second}.qtable.json`)])
      expect(JSON.parse(readFileSync(sizer.swapped[0]!, 'utf8'))).toMatchObject({ updates: 2 })
    } finally {
      await serving.close()
    }
  })
})
