/**
 * The embedded backend: one SQLite file through `libsql` (its binary ships inside the npm package, so
 * it installs offline), in WAL mode. An order intent is made durable by one `O_DSYNC` write to the
 * store's intent log (`intent-log.ts`) before its row is written, so it resolves (and its order is sent)
 * once it is on disk, without the fsync of the write-ahead log, which would also flush every record
 * written since the previous intent. Other writes (acks, fills, positions, equity: the write-behind
 * records) use `synchronous=NORMAL` by default ({@link SqliteStoreOptions.durability}): they reach the
 * operating system at once, so a crash of the process loses none of them, and the disk at the next
 * checkpoint, roll of the intent log or close.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { Kysely, SqliteDialect, sql, type SqliteDatabase, type SqliteStatement } from 'kysely'
import Database from 'libsql'
import { z } from 'zod'
import {
  StateFullError,
  StateInvalidError,
  StateStoreError,
  StateUnavailableError,
  isQuantumError,
  type StateStore,
} from '@quantum/core'
import { KyselyStateStore } from './kysely-store.js'
import { IntentLog, recoverIntentLogs, syncSqliteFiles } from './intent-log.js'
import { inspectSchema, migrate } from './migrations.js'
import type { StateTables } from './tables.js'

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** How long a write waits for another process's write lock before failing. @default 5000 */
  readonly busyTimeoutMs?: number
  /**
   * Check an existing database with `PRAGMA quick_check` before using it (reads every page once; about
   * 10 ms per 10 MB). @default true
   */
  readonly integrityCheck?: boolean
  /**
   * Largest size the database may grow to (SQLite's `max_page_count`); a write past it fails with
   * {@link StateFullError} as a full disk does, and nothing of it is kept. @default no limit
   */
  readonly maxSizeBytes?: number
  /**
   * When writes are fsync'd. `intents`: an order intent is durable on disk before it resolves (so before
   * its order is sent), written to the store's intent log with one `O_DSYNC` write; a store opened
   * after a crash or power loss folds the logs of processes that are gone into its intents. The other
   * records are handed to the operating system at once (a killed process loses nothing) and reach the
   * disk at the next checkpoint, roll of the intent log or close, so a power loss may lose recent ones,
   * which a restart reads back from the venue (orders, fills, positions). This keeps fsyncs of fills
   * and equity, and of the write-ahead log, off the live path. `every-write`: every write is fsync'd
   * before it resolves (no intent log). @default 'intents'
   */
  readonly durability?: 'intents' | 'every-write'
  /**
   * Size of the intent log file (`<db>-intents-<pid>-<tag>`, preallocated at open, deleted at close).
   * When it is full the database is synced once and the log starts over. @default 4 MiB
   */
  readonly intentLogBytes?: number
  /**
   * Open an existing store for reading only (`runs list`, the dashboard's past runs while a run writes
   * to it): no write lock, no migration, no integrity check, no checkpoint on close, so the writer's
   * journaling never waits for the reader. A write through it fails. @default false
   */
  readonly readOnly?: boolean
}

/** Prepared statements are reused: Kysely prepares per query, libsql's prepare costs ~10 µs. */
function withStatementCache(raw: Database.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>()
  return {
    close: () => raw.close(),
    prepare(text: string): SqliteStatement {
      let stmt = cache.get(text)
      if (stmt === undefined) {
        if (cache.size >= 256) cache.clear()
        stmt = raw.prepare(text)
        cache.set(text, stmt)
      }
      return stmt
    },
  }
}

/** Maps a libsql error code to the SDK's typed error. */
export function mapSqliteError(store: string, error: unknown, action: string): unknown {
  if (isQuantumError(error)) return error
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : String(error)
  if (typeof code !== 'string') return error
  const at = { store, cause: error }
  if (code === 'SQLITE_FULL') return new StateFullError(`${action}: disk full (${message})`, at)
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StateInvalidError('corrupt', `${action}: not a usable SQLite database (${message})`, at)
  }
  if (code.startsWith('SQLITE_CONSTRAINT_PRIMARYKEY') || code.startsWith('SQLITE_CONSTRAINT_UNIQUE')) {
    return new StateInvalidError('duplicate', `${action}: already stored (${message})`, at)
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR')) {
    return new StateUnavailableError(`${action}: ${message}`, at)
  }
  return error
}

function openFile(path: string, busyTimeoutMs: number, readonly: boolean): Database.Database {
  try {
    if (readonly && !existsSync(path)) throw new Error('no such file')
    if (!readonly) mkdirSync(dirname(path), { recursive: true })
    const db = new Database(path, { timeout: busyTimeoutMs / 1000 })
    // libsql has no read-only open: SQLite refuses every write on this connection instead.
    if (readonly) db.exec('pragma query_only = true')
    return db
  } catch (error) {
    throw new StateUnavailableError(`cannot open: ${error instanceof Error ? error.message : String(error)}`, {
      store: path,
      cause: error,
    })
  }
}

/**
 * Opens (or creates) the state store in the SQLite file `path`. An existing file is identified and
 * checked before anything is written to it.
 * @throws {StateInvalidError} `corrupt` (not a database, failed integrity check), `foreign` (another
 *   application's tables) or `newer-schema`; the file is left as it was.
 * @throws {StateUnavailableError} when the file cannot be opened or stays locked by another writer.
 * @example const store = await openSqliteStore('.quantum/state.db')
 */
export async function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<StateStore> {
  const file = resolve(path)
  const readOnly = options.readOnly === true
  const raw = openFile(file, options.busyTimeoutMs ?? 5000, readOnly)
  const db = new Kysely<StateTables>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) })
  const everyWrite = options.durability === 'every-write'
  let maxPages: number | undefined
  let intentDb: Kysely<StateTables> | undefined
  let intentLog: IntentLog | undefined
  if (readOnly) {
    try {
      const found = await inspectSchema(db, file)
      if (found.kind === 'empty') throw new StateInvalidError('foreign', 'holds no state store tables', { store: file })
    } catch (error) {
      await db.destroy().catch(() => undefined)
      throw mapSqliteError(file, error, 'open for reading')
    }
    return new KyselyStateStore(db, {
      backend: 'sqlite',
      location: file,
      mapError: (error, action) => mapSqliteError(file, error, action),
      beforeClose: () => Promise.resolve(),
    })
  }
  try {
    const found = await inspectSchema(db, file)
    if (found.kind === 'ours' && options.integrityCheck !== false) {
      const rows = await sql<{ quick_check: string }>`pragma quick_check`.execute(db)
      const problems = rows.rows.map((r) => r.quick_check).filter((r) => r !== 'ok')
      if (problems.length > 0) {
        throw new StateInvalidError('corrupt', `integrity check failed: ${problems.slice(0, 3).join('; ')}`, {
          store: file,
        })
      }
    }
    await sql`pragma journal_mode = WAL`.execute(db)
    await sql.raw(`pragma synchronous = ${everyWrite ? 'FULL' : 'NORMAL'}`).execute(db)
    await db.connection().execute(async (conn) => {
      // IMMEDIATE takes the write lock up front: two processes opening one new file migrate it once.
      await sql`begin immediate`.execute(conn)
      try {
        await migrate(conn, { backend: 'sqlite', store: file })
        await sql`commit`.execute(conn)
      } catch (error) {
        await sql`rollback`.execute(conn)
        throw error
      }
    })
    if (options.maxSizeBytes !== undefined) {
      const pageSize = Number((await sql<{ page_size: number }>`pragma page_size`.execute(db)).rows[0]?.page_size)
      maxPages = Math.max(1, Math.floor(options.maxSizeBytes / pageSize))
      await sql.raw(`pragma max_page_count = ${maxPages}`).execute(db)
    }
    // Intents journaled by a process that is gone (a crash, a power loss) before their rows were on disk.
    await recoverIntentLogs(file, (payloads) => foldIntents(db, payloads, file))
    if (!everyWrite) {
      try {
        intentLog = IntentLog.create(file, {
          ...(options.intentLogBytes === undefined ? {} : { bytes: options.intentLogBytes }),
          syncDatabase: () => syncSqliteFiles(file),
        })
      } catch {
        // No room for the log (a nearly full disk): intents are made durable by their own commit,
        // slower (it fsyncs the write-ahead log) but just as safe.
        intentLog = undefined
      }
      // Intents get a connection of their own, so an intent never queues behind the write-behind
      // records on the other connection. Checkpoints (copying the log into the file, with fsyncs) run on
      // the other connection, never inside an intent's write.
      const own = openFile(file, options.busyTimeoutMs ?? 5000, false)
      own.exec(`pragma synchronous = ${intentLog === undefined ? 'FULL' : 'NORMAL'}`)
      own.exec('pragma wal_autocheckpoint = 0')
      if (maxPages !== undefined) own.exec(`pragma max_page_count = ${maxPages}`)
      intentDb = new Kysely<StateTables>({ dialect: new SqliteDialect({ database: withStatementCache(own) }) })
    }
  } catch (error) {
    await intentDb?.destroy().catch(() => undefined)
    intentLog?.close()
    await db.destroy().catch(() => undefined)
    const mapped = mapSqliteError(file, error, 'open')
    throw mapped instanceof StateStoreError
      ? mapped
      : new StateInvalidError('corrupt', `open: ${String(error)}`, { store: file, cause: error })
  }
  return new KyselyStateStore(db, {
    backend: 'sqlite',
    location: file,
    mapError: (error, action) => mapSqliteError(file, error, action),
    durably: async (run, payload) => {
      if (intentLog === undefined) return run(intentDb ?? db)
      const at = intentLog.append(payload)
      try {
        return await run(intentDb ?? db)
      } catch (error) {
        // The row was refused (a full store, a duplicate): the order is not sent, so its record goes.
        // Should voiding fail too, the refusal is what the caller hears; a restart folds the record as
        // a pending intent, which the venue then answers as never sent.
        try {
          intentLog.void(at)
        } catch {
          // the original error is thrown below
        }
        throw error
      }
    },
    // Folding the write-ahead log into the file leaves one self-contained, synced file; the intent log
    // is deleted only after that.
    beforeClose: async (conn) => {
      await intentDb?.destroy()
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(conn)
      if (intentLog !== undefined) {
        syncSqliteFiles(file)
        intentLog.close()
      }
    },
  })
}

/** The row values of an intent as the intent log holds them (the same as its INSERT's parameters). */
const IntentRowSchema = z.tuple([
  z.string(),
  z.string(),
  z.string(),
  z.number(),
  z.string(),
  z.string().nullable(),
  z.string().nullable(),
])

/** Inserts the intents of a gone process's log that the database lacks, then syncs the database. */
async function foldIntents(db: Kysely<StateTables>, payloads: readonly Buffer[], file: string): Promise<void> {
  const rows = payloads.map((payload) => {
    const parsed = IntentRowSchema.safeParse(JSON.parse(payload.toString('utf8')))
    if (!parsed.success) {
      throw new StateInvalidError('corrupt', `an intent log record is not an intent (${parsed.error.message})`, {
        store: file,
      })
    }
    const [runId, clientOrderId, symbol, time, request, decision, reason] = parsed.data
    return { run_id: runId, client_order_id: clientOrderId, symbol, time, request, decision, reason }
  })
  await db.transaction().execute(async (trx) => {
    for (const row of rows) {
      await trx
        .insertInto('intents')
        .values(row)
        .onConflict((oc) => oc.columns(['run_id', 'client_order_id']).doNothing())
        .execute()
    }
  })
  syncSqliteFiles(file)
}
