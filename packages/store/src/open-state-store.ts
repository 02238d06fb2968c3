import type { StateStore } from '@quantum/core'
import { openPostgresStore, type PostgresStoreOptions } from './postgres.js'
import { openSqliteStore, type SqliteStoreOptions } from './sqlite.js'

/** Options of {@link openStateStore}: those of the backend the location picks. */
export type StateStoreOptions = SqliteStoreOptions & PostgresStoreOptions

/** Whether `location` names a PostgreSQL database (`postgres://` or `postgresql://`). */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location)
}

/**
 * Opens the state store at `location`, the value of `--state`: a `postgres://…` URL selects
 * PostgreSQL, anything else is the path of an SQLite file (created with its folder when missing).
 * @example
 * const store = await openStateStore(flags.state ?? '.quantum/state.db')
 */
export function openStateStore(location: string, options: StateStoreOptions = {}): Promise<StateStore> {
  return isPostgresUrl(location) ? openPostgresStore(location, options) : openSqliteStore(location, options)
}
