/**
 * Versioned migrations of the state schema, the same list for SQLite and PostgreSQL, and the check
 * that runs before any of them: an empty database is initialised, a database of ours is migrated
 * forward, anything else (another application's tables, a schema newer than this build) is refused
 * before a single byte is written.
 */
import type { ColumnDataType, ColumnDefinitionBuilder, Kysely } from 'kysely'
import type { StateBackend } from '@quantum/core'
import { StateInvalidError } from '@quantum/core'
import type { StateTables } from './tables.js'

/** The value of `quantum_meta.app` that marks a database as a Quantum Trader state store. */
export const STATE_APP_ID = 'quantum-trader-state'

/** One step of the schema. `up` runs inside the migration transaction. */
export interface Migration {
  readonly version: number
  readonly description: string
  up(db: Kysely<StateTables>, backend: StateBackend): Promise<void>
}

type Db = Kysely<StateTables>

const serial = (backend: StateBackend): ColumnDataType => (backend === 'postgres' ? 'bigserial' : 'integer')
const blob = (backend: StateBackend): ColumnDataType => (backend === 'postgres' ? 'bytea' : 'blob')

async function createJournal(db: Db, backend: StateBackend): Promise<void> {
  // SQLite: `integer primary key` is the rowid (increasing, as journal rows are never deleted); AUTOINCREMENT
  // would add a write to sqlite_sequence to every insert (measured: ~2x the cost of a journal write).
  const id = (c: ColumnDefinitionBuilder) => c.primaryKey()
  await db.schema
    .createTable('intents')
    .addColumn('id', serial(backend), id)
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('client_order_id', 'text', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('decision', 'text')
    .addColumn('reason', 'text')
    .addUniqueConstraint('intents_run_client', ['run_id', 'client_order_id'])
    .execute()
  await db.schema
    .createTable('acks')
    .addColumn('id', serial(backend), id)
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('client_order_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('acks_run_client_status', ['run_id', 'client_order_id', 'status'])
    .execute()
  await db.schema
    .createTable('fills')
    .addColumn('id', serial(backend), id)
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('fill_id', 'text', (c) => c.notNull())
    .addColumn('client_order_id', 'text', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addUniqueConstraint('fills_run_fill', ['run_id', 'fill_id'])
    .execute()
  await db.schema.createIndex('fills_run_time').on('fills').columns(['run_id', 'time']).execute()
}

async function createState(db: Db, backend: StateBackend): Promise<void> {
  const keyed = (table: 'positions' | 'risk_states', key: 'symbol' | 'source') =>
    db.schema
      .createTable(table)
      .addColumn('run_id', 'text', (c) => c.notNull())
      .addColumn(key, 'text', (c) => c.notNull())
      .addColumn(key === 'symbol' ? 'updated_at' : 'time', 'bigint', (c) => c.notNull())
      .addColumn('doc', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['run_id', key])
      .execute()
  await keyed('positions', 'symbol')
  await keyed('risk_states', 'source')
  await db.schema
    .createTable('trades')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('trade_id', 'integer', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('exit_time', 'bigint', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('trades_pk', ['run_id', 'trade_id'])
    .execute()
  await db.schema
    .createTable('equity')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('equity', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('equity_pk', ['run_id', 'time'])
    .execute()
  await db.schema
    .createTable('exit_states')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('exit_states_pk', ['run_id', 'symbol'])
    .execute()
  await db.schema
    .createTable('blobs')
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('data', blob(backend), (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('saved_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('blobs_pk', ['account', 'name', 'version'])
    .execute()
}

/** The `models` migration: the model registry (versions with lineage and stage, content-addressed files). */
async function createModelRegistry(db: Db, backend: StateBackend): Promise<void> {
  await db.schema
    .createTable('model_versions')
    .addColumn('seq', serial(backend), (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('family', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('model_versions_family').on('model_versions').columns(['family', 'stage']).execute()
  await db.schema
    .createTable('model_objects')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('data', blob(backend), (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('stored_at', 'bigint', (c) => c.notNull())
    .execute()
}

/** The `studies` migration: trials of parameter searches, one row per (study, trial index). */
async function createStudyTrials(db: Db): Promise<void> {
  await db.schema
    .createTable('study_trials')
    .addColumn('study_id', 'text', (c) => c.notNull())
    .addColumn('trial_index', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('study_trials_pk', ['study_id', 'trial_index'])
    .execute()
}

/** Every migration, in order; the schema version is the last one's `version`. Never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description:
      'runs, run locks, the order journal (intents, acks, fills), positions, trades, equity, risk and exit state, blobs',
    async up(db, backend) {
      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('config_hash', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .execute()
      await db.schema.createIndex('runs_account_started').on('runs').columns(['account', 'started_at']).execute()
      await db.schema
        .createTable('run_locks')
        .addColumn('run_id', 'text', (c) => c.primaryKey())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('token', 'text', (c) => c.notNull())
        .addColumn('acquired_at', 'bigint', (c) => c.notNull())
        .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
        .execute()
      await createJournal(db, backend)
      await createState(db, backend)
    },
  },
  {
    version: 2,
    description: 'models: the model registry (model_versions with lineage and stage, content-addressed model_objects)',
    up: createModelRegistry,
  },
  {
    version: 3,
    description: 'studies: trials of parameter searches (study_trials, one row per study and trial index)',
    up: (db) => createStudyTrials(db),
  },
]

/** The schema version this build writes. */
export const STATE_SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0

/** What {@link inspectSchema} found. */
export type SchemaState = { readonly kind: 'empty' } | { readonly kind: 'ours'; readonly version: number }

/**
 * Looks at the database (only `schema`'s tables when given: PostgreSQL) without writing: empty, ours at some version, or refused.
 * @throws {StateInvalidError} `foreign` for another application's tables, `newer-schema` for a schema
 *   this build does not know.
 */
export async function inspectSchema(db: Db, store: string, schema?: string): Promise<SchemaState> {
  const all = await db.introspection.getTables()
  const tables = all.filter((t) => schema === undefined || t.schema === schema).map((t) => t.name)
  if (tables.length === 0) return { kind: 'empty' }
  if (!tables.includes('quantum_meta')) {
    const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '')
    throw new StateInvalidError('foreign', `holds tables of another application (${shown}); refusing to touch it`, {
      store,
    })
  }
  const rows = await db.selectFrom('quantum_meta').select(['key', 'value']).execute()
  const meta = new Map(rows.map((r) => [r.key, r.value]))
  if (meta.get('app') !== STATE_APP_ID) {
    throw new StateInvalidError(
      'foreign',
      `quantum_meta.app is ${JSON.stringify(meta.get('app'))}, not ${STATE_APP_ID}`,
      { store },
    )
  }
  const version = Number(meta.get('schema_version'))
  if (!Number.isInteger(version) || version < 0) {
    throw new StateInvalidError(
      'corrupt',
      `quantum_meta.schema_version is ${JSON.stringify(meta.get('schema_version'))}`,
      { store },
    )
  }
  if (version > STATE_SCHEMA_VERSION) {
    throw new StateInvalidError(
      'newer-schema',
      `schema version ${version} is newer than this build's ${STATE_SCHEMA_VERSION}; upgrade @quantum/store (nothing was changed)`,
      { store },
    )
  }
  return { kind: 'ours', version }
}

/**
 * Applies the missing migrations inside the caller's transaction (which holds the backend's write
 * lock, so two processes opening one fresh database migrate it once). Returns the version reached.
 */
export async function migrate(
  trx: Db,
  { backend, store, schema }: { backend: StateBackend; store: string; schema?: string },
): Promise<number> {
  const found = await inspectSchema(trx, store, schema)
  let version = found.kind === 'ours' ? found.version : 0
  if (found.kind === 'empty') {
    await trx.schema
      .createTable('quantum_meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute()
    await trx
      .insertInto('quantum_meta')
      .values([
        { key: 'app', value: STATE_APP_ID },
        { key: 'schema_version', value: '0' },
      ])
      .execute()
  }
  for (const m of MIGRATIONS) {
    if (m.version <= version) continue
    await m.up(trx, backend)
    version = m.version
    await trx
      .updateTable('quantum_meta')
      .set({ value: String(version) })
      .where('key', '=', 'schema_version')
      .execute()
  }
  return version
}
