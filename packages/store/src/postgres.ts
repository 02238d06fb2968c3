/**
 * The shared backend: PostgreSQL through `pg`. Several runtimes may use one database: every row is
 * keyed by run (Q-tables by account), and each deployment may also keep its own schema
 * (`?schema=name` in the URL, default `quantum`). A write resolves once its transaction has committed
 * (`synchronous_commit` as the server is configured, `on` by default).
 */
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import {
  StateFullError,
  StateInvalidError,
  StateStoreError,
  StateUnavailableError,
  isQuantumError,
  type StateStore,
} from '@quantum/core'
import { KyselyStateStore } from './kysely-store.js'
import { inspectSchema, migrate } from './migrations.js'
import type { StateTables } from './tables.js'

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** Schema that holds the tables (created if missing). @default the URL's `?schema=`, else `quantum` */
  readonly schema?: string
  /** How long to wait for a connection before {@link StateUnavailableError}. @default 5000 */
  readonly connectTimeoutMs?: number
  /** Connections in the pool. @default 4 */
  readonly maxConnections?: number
  /**
   * Create the schema and its tables when they do not exist. A reader (`quantum-run runs`) passes
   * false and gets {@link StateUnavailableError} instead of an empty new store. @default true
   */
  readonly createIfMissing?: boolean
}

/** `pg` type parsers, with int8 (bigint epoch ms, counts) as Number: well inside its exact range. */
const int8AsNumber = ((oid: number, format?: 'text' | 'binary'): unknown =>
  oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/
const INT8_OID = 20
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN'])

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password !== '') u.password = '***'
    return u.toString()
  } catch {
    return 'postgres://(unparsable url)'
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : ''
}

/** Maps a `pg` error (SQLSTATE or socket code) to the SDK's typed error. */
export function mapPostgresError(store: string, error: unknown, action: string): unknown {
  if (isQuantumError(error)) return error
  const code = codeOf(error)
  const message = error instanceof Error ? error.message : String(error)
  const at = { store, cause: error }
  if (code === '53100') return new StateFullError(`${action}: disk full (${message})`, at)
  if (code === '23505') return new StateInvalidError('duplicate', `${action}: already stored (${message})`, at)
  if (code === 'XX001' || code === 'XX002') return new StateInvalidError('corrupt', `${action}: ${message}`, at)
  const unavailable =
    UNAVAILABLE_CODES.has(code) ||
    code.startsWith('08') || // connection exception
    code.startsWith('57P') || // server shutting down
    code.startsWith('28') || // authentication
    code === '3D000' || // database does not exist
    /timeout|terminated|ECONNREFUSED/i.test(message)
  if (unavailable) return new StateUnavailableError(`${action}: ${message}`, at)
  return error
}

function splitUrl(url: string, schemaOption: string | undefined): { connectionString: string; schema: string } {
  let u: URL
  try {
    u = new URL(url)
  } catch (error) {
    throw new StateUnavailableError('not a postgres:// URL', { store: redactUrl(url), cause: error })
  }
  const schema = schemaOption ?? u.searchParams.get('schema') ?? 'quantum'
  u.searchParams.delete('schema')
  if (!SCHEMA_NAME.test(schema)) {
    throw new StateInvalidError('foreign', `schema ${JSON.stringify(schema)} is not a plain lower-case name`, {
      store: redactUrl(url),
    })
  }
  return { connectionString: u.toString(), schema }
}

/**
 * Opens the state store in a PostgreSQL database (e.g. `postgres://user@127.0.0.1:5432/db?schema=quantum`),
 * creating its schema and tables on first use. An existing schema is identified before anything is written.
 * @throws {StateUnavailableError} when the server cannot be reached or refuses the login.
 * @throws {StateInvalidError} `foreign` (the schema holds another application's tables) or `newer-schema`.
 * @example const store = await openPostgresStore('postgres://postgres@127.0.0.1:5432/test')
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<StateStore> {
  const { connectionString, schema } = splitUrl(url, options.schema)
  const location = redactUrl(connectionString) + (schema === 'quantum' ? '' : ` (schema ${schema})`)
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    options: `-c search_path=${schema}`,
    types: { getTypeParser: int8AsNumber },
  })
  // An idle connection dropped by the server must not crash the process: the next query reports it.
  pool.on('error', () => undefined)
  const db = new Kysely<StateTables>({ dialect: new PostgresDialect({ pool }) })
  try {
    await sql`select 1`.execute(db)
    const found = await inspectSchema(db, location, schema)
    if (found.kind === 'empty' && options.createIfMissing === false) {
      throw new StateUnavailableError(`no state store in schema ${schema} (nothing was created)`, { store: location })
    }
    await db.transaction().execute(async (trx) => {
      // One migrator per schema at a time, across every process sharing the database.
      await sql`select pg_advisory_xact_lock(hashtext(${`quantum-state:${schema}`}))`.execute(trx)
      await sql`create schema if not exists ${sql.id(schema)}`.execute(trx)
      await migrate(trx, { backend: 'postgres', store: location, schema })
    })
  } catch (error) {
    await db.destroy().catch(() => undefined)
    const mapped = mapPostgresError(location, error, 'open')
    throw mapped instanceof StateStoreError
      ? mapped
      : new StateUnavailableError(`open: ${String(error)}`, { store: location, cause: error })
  }
  return new KyselyStateStore(db, {
    backend: 'postgres',
    location,
    mapError: (error, action) => mapPostgresError(location, error, action),
    beforeClose: () => Promise.resolve(),
  })
}
