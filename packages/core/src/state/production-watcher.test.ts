import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ModelError } from '../errors.js'
import { ModelLifecycle } from './model-lifecycle.js'
import type { ModelRegistryPort, ModelVersion } from './models.js'
import { ProductionWatcher, type ProductionChange } from './production-watcher.js'

const dir = await mkdtemp(join(tmpdir(), 'core-watcher-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

/** A registry in memory, enough for the lifecycle. */
function memoryRegistry(): ModelRegistryPort & { objects: Map<string, Uint8Array> } {
  const versions: ModelVersion[] = []
  const objects = new Map<string, Uint8Array>()
  let clock = 0
  const at = (): string => new Date(Date.UTC(2026, 0, 1) + ++clock * 1000).toISOString()
  const find = (id: string): ModelVersion => {
    const v = versions.find((x) => x.id === id)
    if (v === undefined) throw new ModelError(id, 'no such model version')
    return v
  }
  return {
    objects,
    list: (family) => Promise.resolve(versions.filter((v) => family === undefined || v.family === family)),
    get: (id) => Promise.resolve(find(id)),
    create: ({ family, lineage, id }) => {
      const t = at()
      const v: ModelVersion = {
        id: id ?? `${family}-${versions.length + 1}`,
        family,
        stage: 'TRAINING',
        createdAt: t,
        updatedAt: t,
        lineage,
        history: [{ stage: 'TRAINING', at: t }],
      }
      versions.push(v)
      return Promise.resolve(v)
    },
    update: (id, patch) => Promise.resolve(Object.assign(find(id), patch)),
    transition: (changes) => {
      const targets = changes.map((c) => ({ v: find(c.id), c }))
      for (const { v, c } of targets) {
        v.stage = c.stage
        v.history.push({ stage: c.stage, at: at() })
      }
      return Promise.resolve()
    },
    putObject: (bytes) => {
      const hash = createHash('sha256').update(bytes).digest('hex')
      objects.set(hash, bytes)
      return Promise.resolve(hash)
    },
    getObject: (hash) => {
      const bytes = objects.get(hash)
      if (bytes === undefined) return Promise.reject(new ModelError(hash, 'model file is gone'))
      return Promise.resolve(bytes)
    },
  }
}

const lineage = {
  dataFrom: '',
  dataTo: '',
  data: [],
  features: [],
  label: '',
  trainer: 't',
  params: {},
  codeVersion: 'x',
}

async function candidate(l: ModelLifecycle, byte: number): Promise<string> {
  const v = await l.register({ family: 'xgboost', lineage, model: new Uint8Array([byte]), metadata: { byte } })
  await l.recordEvaluation(v.id, { candidate: true, reasons: [] })
  return v.id
}

describe('ProductionWatcher', () => {
  it('keeps the running model, reports the error and retries when the new version cannot be materialised', async () => {
    const registry = memoryRegistry()
    const lifecycle = new ModelLifecycle(registry)
    const v1 = await candidate(lifecycle, 1)
    await lifecycle.promote(v1)
    const swaps: ProductionChange[] = []
    const errors: unknown[] = []
    let refuse = true
    const watcher = new ProductionWatcher({
      lifecycle,
      families: ['xgboost'],
      dir,
      onChange: (c) => {
        if (refuse) return Promise.reject(new ModelError(c.files.path, 'the agent refused it'))
        swaps.push(c)
        return Promise.resolve()
      },
      onError: (e) => errors.push(e),
    })
    await watcher.baseline()
    expect(await watcher.check()).toEqual([])
    const v2 = await candidate(lifecycle, 2)
    await lifecycle.promote(v2)
    expect(await watcher.check()).toEqual([])
    expect(errors).toHaveLength(1)
    expect(watcher.serving('xgboost')).toBe(v1) // still the old one
    refuse = false
    const [change] = await watcher.check() // retried at the next check
    expect(change).toMatchObject({ family: 'xgboost', id: v2, previous: v1 })
    expect(Array.from(await readFile(change!.files.path))).toEqual([2])
    expect(swaps).toHaveLength(1)
    expect(watcher.serving('xgboost')).toBe(v2)
  })

  it('reports a production version whose file is gone and swaps nothing', async () => {
    const registry = memoryRegistry()
    const lifecycle = new ModelLifecycle(registry)
    const v1 = await candidate(lifecycle, 1)
    const errors: unknown[] = []
    const watcher = new ProductionWatcher({
      lifecycle,
      families: ['xgboost'],
      dir,
      onChange: () => Promise.reject(new Error('must not be called')),
      onError: (e) => errors.push(e),
    })
    await watcher.baseline()
    await lifecycle.promote(v1)
    registry.objects.clear()
    expect(await watcher.check()).toEqual([])
    expect(errors[0]).toBeInstanceOf(ModelError)
    expect(String(errors[0])).toMatch(/gone/)
    expect(watcher.serving('xgboost')).toBeUndefined()
  })
})
