/**
 * The model registry in the state store ({@link ModelRegistryPort}): one row per version in
 * `model_versions` (the zod-checked version as JSON in `doc`, beside the columns filtered on) and the
 * model files in `model_objects`, keyed by the SHA-256 of their bytes. Stage changes of several
 * versions (a promotion archives the previous production model) commit in one transaction.
 * @packageDocumentation
 */
import { createHash, randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import {
  ModelError,
  ModelVersionSchema,
  modelVersionId,
  type Lineage,
  type ModelRegistryPort,
  type ModelVersion,
  type StageChange,
  type VersionPatch,
} from '@quantum/core'
import type { StateTables } from './tables.js'

type Db = Kysely<StateTables>

/** Runs a store action with the store's error mapping (the store's `#run`). */
export type StoreRunner = <T>(action: string, fn: (db: Db) => Promise<T>) => Promise<T>

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** The registry on the store's tables; construct it with the store's runner. */
export class StoreModelRegistry implements ModelRegistryPort {
  #last = 0

  constructor(
    private readonly run: StoreRunner,
    private readonly location: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Strictly increasing within this process, so two stage changes in one millisecond keep their order. */
  private now(): number {
    this.#last = Math.max(this.clock(), this.#last + 1)
    return this.#last
  }

  private parse(doc: string, id: string): ModelVersion {
    const r = ModelVersionSchema.safeParse(JSON.parse(doc))
    if (!r.success) throw new ModelError(id, `registry row in ${this.location} is corrupt: ${r.error.message}`)
    return r.data
  }

  private async read(db: Db, id: string): Promise<ModelVersion> {
    const row = await db.selectFrom('model_versions').select('doc').where('id', '=', id).executeTakeFirst()
    if (row === undefined) throw new ModelError(id, `no such model version in ${this.location}`)
    return this.parse(row.doc, id)
  }

  private async write(db: Db, v: ModelVersion): Promise<void> {
    await db
      .updateTable('model_versions')
      .set({ stage: v.stage, updated_at: v.updatedAt, doc: JSON.stringify(v) })
      .where('id', '=', v.id)
      .execute()
  }

  list(family?: string): Promise<ModelVersion[]> {
    return this.run('list model versions', async (db) => {
      let q = db.selectFrom('model_versions').select(['id', 'doc'])
      if (family !== undefined) q = q.where('family', '=', family)
      const rows = await q.orderBy('seq', 'asc').execute()
      return rows.map((r) => this.parse(r.doc, r.id))
    })
  }

  get(id: string): Promise<ModelVersion> {
    return this.run(`read model version ${id}`, (db) => this.read(db, id))
  }

  create(input: { readonly family: string; readonly lineage: Lineage; readonly id?: string }): Promise<ModelVersion> {
    const at = new Date(this.now()).toISOString()
    const id = input.id ?? modelVersionId(input.family, at, randomUUID().slice(0, 8))
    const v = ModelVersionSchema.parse({
      id,
      family: input.family,
      stage: 'TRAINING',
      createdAt: at,
      updatedAt: at,
      lineage: input.lineage,
      history: [{ stage: 'TRAINING', at }],
    })
    return this.run(`create model version ${id}`, async (db) => {
      const taken = await db.selectFrom('model_versions').select('id').where('id', '=', id).executeTakeFirst()
      if (taken !== undefined) throw new ModelError(id, 'a model version with this id exists')
      await db
        .insertInto('model_versions')
        .values({ id, family: v.family, stage: v.stage, created_at: at, updated_at: at, doc: JSON.stringify(v) })
        .execute()
      return v
    })
  }

  update(id: string, patch: VersionPatch): Promise<ModelVersion> {
    return this.run(`update model version ${id}`, (db) =>
      db.transaction().execute(async (trx) => {
        const v = ModelVersionSchema.parse({
          ...(await this.read(trx, id)),
          ...patch,
          updatedAt: new Date(this.now()).toISOString(),
        })
        await this.write(trx, v)
        return v
      }),
    )
  }

  transition(changes: readonly StageChange[]): Promise<void> {
    return this.run('change model stages', (db) =>
      db.transaction().execute(async (trx) => {
        const at = new Date(this.now()).toISOString()
        const versions = await Promise.all(changes.map(async (c) => ({ v: await this.read(trx, c.id), c })))
        for (const { v, c } of versions) {
          const next: ModelVersion = {
            ...v,
            stage: c.stage,
            updatedAt: at,
            history: [...v.history, { stage: c.stage, at, ...(c.note === undefined ? {} : { note: c.note }) }],
          }
          await this.write(trx, next)
        }
      }),
    )
  }

  putObject(bytes: Uint8Array): Promise<string> {
    const hash = sha256(bytes)
    return this.run(`store model object ${hash.slice(0, 12)}`, async (db) => {
      const seen = await db.selectFrom('model_objects').select('hash').where('hash', '=', hash).executeTakeFirst()
      if (seen === undefined) {
        await db
          .insertInto('model_objects')
          .values({
            hash,
            data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
            size: bytes.byteLength,
            stored_at: this.now(),
          })
          .execute()
      }
      return hash
    })
  }

  async getObject(hash: string): Promise<Uint8Array> {
    const row = await this.run(`read model object ${hash.slice(0, 12)}`, (db) =>
      db.selectFrom('model_objects').select('data').where('hash', '=', hash).executeTakeFirst(),
    )
    if (row === undefined)
      throw new ModelError(hash, `model file is gone from the registry objects in ${this.location}`)
    const bytes = new Uint8Array(row.data)
    if (sha256(bytes) !== hash) throw new ModelError(hash, 'model file is corrupt (content does not match its hash)')
    return bytes
  }
}
