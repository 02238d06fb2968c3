/**
 * The contract suite on a real PostgreSQL server ($QUANTUM_TEST_POSTGRES_URL, default the local one
 * CI starts). Each run of this file works in its own schema, dropped at the end, so parallel runs
 * never see each other. Without a reachable server the suite is skipped with a printed reason.
 */
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { StateInvalidError, StateUnavailableError } from '@quantum/core'
import { mapPostgresError, openPostgresStore, openStateStore, redactUrl } from '../src/index.js'
import { describeStateStoreContract } from './store-contract.js'

const url = process.env.QUANTUM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `quantum_test_${process.pid}_${Date.now().toString(36)}`

async function sqlOn(statement: string, searchPath = schema): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 3000,
    options: `-c search_path=${searchPath}`,
  })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

const reachable = await sqlOn('select 1', 'public').then(
  () => true,
  (error: unknown) => {
    console.warn(`[skip] PostgreSQL contract suite: no server at ${redactUrl(url)} (${String(error)})`)
    return false
  },
)

describe.skipIf(!reachable)('PostgreSQL store', () => {
  afterAll(async () => {
    await sqlOn(`drop schema if exists ${schema} cascade`, 'public')
    await sqlOn(`drop schema if exists ${schema}_foreign cascade`, 'public')
  })

  describeStateStoreContract('PostgreSQL (pg)', {
    open: () => openPostgresStore(url, { schema }),
    exec: (statement) => sqlOn(statement),
  })

  it('creates nothing for a reader that asks so, when the schema does not exist', async () => {
    const absent = `${schema}_absent`
    const error = await openPostgresStore(url, { schema: absent, createIfMissing: false }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StateUnavailableError)
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    const found = await client.query('select 1 from pg_namespace where nspname = $1', [absent])
    await client.end()
    expect(found.rowCount).toBe(0)
  })

  it('is chosen by a postgres:// location, with the schema in the URL', async () => {
    const store = await openStateStore(`${url}?schema=${schema}`)
    expect(store.backend).toBe('postgres')
    expect(store.location).toContain(schema)
    await store.close()
  })

  it("refuses a schema that holds another application's tables, and leaves them alone", async () => {
    const foreign = `${schema}_foreign`
    await sqlOn(`create schema ${foreign}; create table ${foreign}.users (id int primary key)`, 'public')
    const error = await openPostgresStore(url, { schema: foreign }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StateInvalidError)
    expect(error).toMatchObject({ reason: 'foreign' })
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    const tables = await client.query(`select table_name from information_schema.tables where table_schema = $1`, [
      foreign,
    ])
    await client.end()
    expect(tables.rows).toEqual([{ table_name: 'users' }])
  })
})

describe('PostgreSQL store without a server', () => {
  it('reports an unreachable server as StateUnavailableError, without the password', async () => {
    const error = await openPostgresStore('postgres://bot:s3cret@127.0.0.1:1/test', { connectTimeoutMs: 2000 }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(StateUnavailableError)
    expect((error as Error).message).toContain('127.0.0.1:1')
    expect((error as Error).message).not.toContain('s3cret')
  })

  it("maps the server's disk-full and unique-violation codes to typed errors (simulated error objects)", () => {
    const store = 'postgres://x@h/db'
    expect(
      mapPostgresError(store, Object.assign(new Error('could not extend file'), { code: '53100' }), 'journal'),
    ).toMatchObject({
      code: 'STATE_FULL',
    })
    expect(
      mapPostgresError(store, Object.assign(new Error('duplicate key'), { code: '23505' }), 'journal'),
    ).toMatchObject({
      code: 'STATE_INVALID',
      reason: 'duplicate',
    })
  })
})
