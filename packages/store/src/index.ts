/**
 * `@quantum/store`: the durable state of running strategies (the `StateStore` port of `@quantum/core`)
 * on an embedded SQLite file (`libsql`, the default: no server) or on PostgreSQL (`pg`, shared by
 * several runtimes). One schema with versioned migrations for both, written with Kysely.
 * @packageDocumentation
 */
export { openStateStore, isPostgresUrl } from './open-state-store.js'
export type { StateStoreOptions } from './open-state-store.js'
export { openSqliteStore, mapSqliteError } from './sqlite.js'
export type { SqliteStoreOptions } from './sqlite.js'
export { openPostgresStore, mapPostgresError, redactUrl } from './postgres.js'
export type { PostgresStoreOptions } from './postgres.js'
export { STATE_SCHEMA_VERSION, STATE_APP_ID } from './migrations.js'
export { processAlive, DEFAULT_STALE_AFTER_MS } from './run-lock.js'
