import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openModelSession } from '@quantum/agents'
import { openSqliteStore } from '@quantum/store'
import { DataError, ModelError } from '@quantum/core'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { gbdtMetadata } from '../gbdt/metadata.js'
import { gbdtToOnnx } from '../gbdt/model.js'
import { syntheticRows } from '../gbdt/synthetic.test-helpers.js'
import { trainGbdt } from '../gbdt/train.js'
import { openFileRegistry } from './file-registry.js'
import { ModelLifecycle, type LifecycleEvent } from './lifecycle.js'
import type { Lineage } from './types.js'

const root = await mkdtemp(join(tmpdir(), 'clm-registry-'))
afterAll(() => rm(root, { recursive: true, force: true }))

const FEATURES = ['a', 'b', 'c', 'd', 'e']
const lineage: Omit<Lineage, 'parent'> = {
  dataFrom: '2024-01-01T00:00:00Z',
  dataTo: '2024-06-01T00:00:00Z',
  data: ['synthetic'],
  features: FEATURES,
  label: 'rule',
  trainer: 'gbdt',
  params: { rounds: 3 },
  codeVersion: '@quantum/clm 0.1.0',
}
const model = trainGbdt({ train: syntheticRows(500, { seed: 1 }), classCount: 3, params: { rounds: 3 } })
const files = {
  model: gbdtToOnnx(model),
  metadata: gbdtMetadata({
    name: 'm',
    version: '1',
    features: FEATURES,
    data: ['s'],
    from: '2024-01-01',
    to: '2024-06-01',
    label: 'rule',
  }),
}

let dir = ''
let clock = Date.UTC(2026, 0, 1)
let events: LifecycleEvent[] = []
let backend: 'file' | 'state store' = 'file'
const stores: { close(): Promise<void> }[] = []
afterAll(async () => {
  for (const s of stores) await s.close()
})
async function lifecycle(): Promise<ModelLifecycle> {
  if (backend === 'state store') {
    const store = await openSqliteStore(join(dir, 'state.db'))
    stores.push(store)
    return new ModelLifecycle(store.models, (e) => events.push(e))
  }
  const registry = await openFileRegistry({ dir, create: true, now: () => (clock += 1000) })
  return new ModelLifecycle(registry, (e) => events.push(e))
}
/** Removes or damages a stored model file, wherever the registry keeps it. */
async function damageObject(hash: string, how: 'remove' | 'tamper'): Promise<void> {
  if (backend === 'file') {
    if (how === 'remove') await rm(join(dir, 'objects', hash))
    else await writeFile(join(dir, 'objects', hash), 'tampered')
    return
  }
  const { default: Database } = await import('libsql')
  const db = new Database(join(dir, 'state.db'))
  if (how === 'remove') db.prepare('delete from model_objects where hash = ?').run(hash)
  else db.prepare("update model_objects set data = x'00' where hash = ?").run(hash)
  db.close()
}
async function candidate(l: ModelLifecycle): Promise<string> {
  const v = await l.register({ family: 'xgboost', lineage, ...files })
  await l.recordEvaluation(v.id, { candidate: true, reasons: [], metrics: { logLoss: 0.5 } })
  return v.id
}

beforeEach(async () => {
  dir = await mkdtemp(join(root, 'r-'))
  events = []
})

describe.each(['file', 'state store'] as const)('ModelLifecycle on the %s registry', (kind) => {
  beforeEach(() => {
    backend = kind
  })

  it('registers a version with lineage and content-addressed files, in stage TRAINING', async () => {
    const l = await lifecycle()
    const v = await l.register({ family: 'xgboost', lineage, ...files })
    expect(v.stage).toBe('TRAINING')
    expect(v.lineage).toMatchObject({ trainer: 'gbdt', features: FEATURES, codeVersion: '@quantum/clm 0.1.0' })
    if (backend === 'file') {
      const objects = await readdir(join(dir, 'objects'))
      expect(objects.sort()).toEqual([v.files!.model, v.files!.metadata].sort())
    }
    const stored = await l.verifyFiles(v)
    expect(Array.from(stored.model)).toEqual(Array.from(files.model))
    expect(events).toEqual([{ type: 'registered', id: v.id, family: 'xgboost' }])
  })

  it('moves a version that passed the gates to CANDIDATE and one that failed to REJECTED', async () => {
    const l = await lifecycle()
    const good = await l.register({ family: 'xgboost', lineage, ...files })
    const bad = await l.register({ family: 'xgboost', lineage, ...files })
    expect((await l.recordEvaluation(good.id, { candidate: true, reasons: [] })).stage).toBe('CANDIDATE')
    const rejected = await l.recordEvaluation(bad.id, {
      candidate: false,
      reasons: ['beats-prior: 0.99 is not < 0.95'],
    })
    expect(rejected).toMatchObject({ stage: 'REJECTED', reasons: ['beats-prior: 0.99 is not < 0.95'] })
    await expect(l.promote(bad.id)).rejects.toThrow(/cannot go from REJECTED to PRODUCTION/)
  })

  it('promotes by hand, archives the previous production model, and rolls back to it', async () => {
    const l = await lifecycle()
    const first = await candidate(l)
    await l.promote(first)
    const second = await candidate(l)
    expect((await l.port.get(second)).lineage.parent).toBe(first)
    await l.promote(second)
    expect((await l.port.get(first)).stage).toBe('ARCHIVED')
    expect((await l.production('xgboost'))!.id).toBe(second)
    const back = await l.rollback('xgboost')
    expect(back.id).toBe(first)
    expect((await l.port.get(second)).stage).toBe('ARCHIVED')
    expect((await l.production('xgboost'))!.id).toBe(first)
    expect(events.map((e) => e.type)).toContain('rolled-back')
  })

  it('materialises the production files so the model agents load them', async () => {
    const l = await lifecycle()
    const id = await candidate(l)
    await l.promote(id)
    const m = await l.materialize(id, join(dir, 'serve'))
    const session = await openModelSession(m.path)
    expect(session.metadata.features).toEqual(FEATURES)
    await session.release()
  })

  it('keeps the production model when the candidate file is gone', async () => {
    const l = await lifecycle()
    const prod = await candidate(l)
    await l.promote(prod)
    const next = await l.register({
      family: 'xgboost',
      lineage,
      model: new Uint8Array([1, 2, 3]),
      metadata: files.metadata,
    })
    await l.recordEvaluation(next.id, { candidate: true, reasons: [] })
    await damageObject((await l.port.get(next.id)).files!.model, 'remove')
    await expect(l.promote(next.id)).rejects.toThrow(/model file is gone/)
    expect((await l.production('xgboost'))!.id).toBe(prod)
  })

  it('refuses a corrupt model object (content does not match its hash)', async () => {
    const l = await lifecycle()
    const id = await candidate(l)
    const v = await l.port.get(id)
    await damageObject(v.files!.model, 'tamper')
    await expect(l.promote(id)).rejects.toThrow(/corrupt \(content does not match its hash\)/)
    expect(await l.production('xgboost')).toBeUndefined()
  })

  it('refuses to roll back without a previous production model', async () => {
    const l = await lifecycle()
    await expect(l.rollback('xgboost')).rejects.toThrow(/no PRODUCTION model/)
    await l.promote(await candidate(l))
    await expect(l.rollback('xgboost')).rejects.toThrow(/no previous PRODUCTION model/)
  })
})

describe('openFileRegistry', () => {
  beforeEach(() => {
    backend = 'file'
  })

  it('refuses a missing registry file unless asked to create one', async () => {
    await expect(openFileRegistry({ dir: join(dir, 'nope') })).rejects.toThrow(ModelError)
    await expect(openFileRegistry({ dir: join(dir, 'nope') })).rejects.toThrow(/registry file not found/)
  })

  it('refuses a corrupt registry file and leaves it as it was', async () => {
    await writeFile(join(dir, 'registry.json'), '{"format":"quantum-registry@1","versions":[{"id":1}]}')
    await expect(openFileRegistry({ dir })).rejects.toThrow(DataError)
    expect(await readFile(join(dir, 'registry.json'), 'utf8')).toBe(
      '{"format":"quantum-registry@1","versions":[{"id":1}]}',
    )
  })

  it('keeps concurrent writes from one process in order, none lost', async () => {
    const l = await lifecycle()
    await Promise.all(Array.from({ length: 8 }, () => l.register({ family: 'xgboost', lineage, ...files })))
    expect(await l.port.list('xgboost')).toHaveLength(8)
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})
