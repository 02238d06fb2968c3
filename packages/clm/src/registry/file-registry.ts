/**
 * A {@link RegistryPort} on the file system: `registry.json` (every version) and `objects/<sha256>`
 * (content-addressed model files). Every write goes to a temporary file that is renamed over the
 * target, so a crash never leaves a half-written registry; a corrupt or missing registry is refused,
 * never overwritten.
 * @packageDocumentation
 */
import { createHash, randomUUID } from 'node:crypto'
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DataError, ModelError, modelVersionId } from '@quantum/core'
import {
  RegistryFileSchema,
  type Lineage,
  type ModelStage,
  type ModelVersion,
  type RegistryPort,
  type VersionPatch,
} from './types.js'

type RegistryFile = { format: 'quantum-registry@1'; versions: ModelVersion[] }

/** Options of {@link openFileRegistry}. */
export interface FileRegistryOptions {
  /** Folder of the registry. */
  readonly dir: string
  /** Create an empty registry when `registry.json` does not exist. @default false */
  readonly create?: boolean
  /** Clock for timestamps. @default Date.now */
  readonly now?: () => number
}

async function atomicWrite(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`
  await writeFile(tmp, bytes)
  await rename(tmp, path)
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * Opens (or, with `create`, creates) the registry in `options.dir`.
 * @throws {ModelError} when `registry.json` is missing and `create` is not set.
 * @throws {DataError} when `registry.json` is not a valid registry (it is left as it is).
 * @example const registry = await openFileRegistry({ dir: '.quantum/models', create: true })
 */
export async function openFileRegistry(options: FileRegistryOptions): Promise<RegistryPort> {
  const file = join(options.dir, 'registry.json')
  if (!(await exists(file))) {
    if (options.create !== true)
      throw new ModelError(file, 'registry file not found (open with create: true to start one)')
    await mkdir(join(options.dir, 'objects'), { recursive: true })
    await atomicWrite(file, `${JSON.stringify({ format: 'quantum-registry@1', versions: [] }, null, 2)}\n`)
  }
  await mkdir(join(options.dir, 'objects'), { recursive: true })
  const registry = new FileRegistry(options.dir, options.now ?? Date.now)
  await registry.read() // refuse a corrupt file now, not at the first write
  return registry
}

class FileRegistry implements RegistryPort {
  private chain: Promise<unknown> = Promise.resolve()
  private readonly file: string

  constructor(
    private readonly dir: string,
    private readonly now: () => number,
  ) {
    this.file = join(dir, 'registry.json')
  }

  async read(): Promise<RegistryFile> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (cause) {
      throw new ModelError(this.file, 'registry file not found or not readable', { cause })
    }
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (cause) {
      throw new DataError(this.file, [{ kind: 'parse', message: `not JSON: ${String(cause)}` }], { cause })
    }
    const r = RegistryFileSchema.safeParse(json)
    if (!r.success) {
      const issues = r.error.issues.map((i) => ({
        kind: 'parse' as const,
        message: `${i.path.join('.')}: ${i.message}`,
      }))
      throw new DataError(this.file, issues)
    }
    return r.data
  }

  /** Runs `fn` on the current file and writes its result; one mutation at a time. */
  private mutate<T>(fn: (f: RegistryFile) => T): Promise<T> {
    const next = this.chain.then(async () => {
      const f = await this.read()
      const out = fn(f)
      await atomicWrite(this.file, `${JSON.stringify(f, null, 2)}\n`)
      return out
    })
    this.chain = next.catch(() => undefined)
    return next
  }

  private iso(): string {
    return new Date(this.now()).toISOString()
  }

  async list(family?: string): Promise<ModelVersion[]> {
    const f = await this.read()
    return family === undefined ? f.versions : f.versions.filter((v) => v.family === family)
  }

  async get(id: string): Promise<ModelVersion> {
    const v = (await this.read()).versions.find((x) => x.id === id)
    if (v === undefined) throw new ModelError(id, `no such model version in ${this.file}`)
    return v
  }

  create(input: { family: string; lineage: Lineage; id?: string }): Promise<ModelVersion> {
    return this.mutate((f) => {
      const at = this.iso()
      const id = input.id ?? modelVersionId(input.family, at, randomUUID().slice(0, 8))
      if (f.versions.some((v) => v.id === id)) throw new ModelError(id, 'a model version with this id exists')
      const v: ModelVersion = {
        id,
        family: input.family,
        stage: 'TRAINING',
        createdAt: at,
        updatedAt: at,
        lineage: input.lineage,
        history: [{ stage: 'TRAINING', at }],
      }
      f.versions.push(v)
      return v
    })
  }

  update(id: string, patch: VersionPatch): Promise<ModelVersion> {
    return this.mutate((f) => {
      const v = f.versions.find((x) => x.id === id)
      if (v === undefined) throw new ModelError(id, `no such model version in ${this.file}`)
      Object.assign(v, patch, { updatedAt: this.iso() })
      return v
    })
  }

  transition(changes: readonly { id: string; stage: ModelStage; note?: string }[]): Promise<void> {
    return this.mutate((f) => {
      const at = this.iso()
      const targets = changes.map((c) => {
        const v = f.versions.find((x) => x.id === c.id)
        if (v === undefined) throw new ModelError(c.id, `no such model version in ${this.file}`)
        return { v, c }
      })
      for (const { v, c } of targets) {
        v.stage = c.stage
        v.updatedAt = at
        v.history.push({ stage: c.stage, at, ...(c.note === undefined ? {} : { note: c.note }) })
      }
    })
  }

  async putObject(bytes: Uint8Array): Promise<string> {
    const hash = sha256(bytes)
    const path = join(this.dir, 'objects', hash)
    if (!(await exists(path))) await atomicWrite(path, bytes)
    return hash
  }

  async getObject(hash: string): Promise<Uint8Array> {
    const path = join(this.dir, 'objects', hash)
    let bytes: Uint8Array
    try {
      bytes = await readFile(path)
    } catch (cause) {
      throw new ModelError(path, 'model file is gone from the registry objects', { cause })
    }
    if (sha256(bytes) !== hash) throw new ModelError(path, 'model file is corrupt (content does not match its hash)')
    return bytes
  }
}
