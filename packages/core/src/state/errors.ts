/**
 * Errors of the durable state store: one class per way a caller reacts (refuse to start, retry later,
 * name the other process, stop opening positions).
 * @packageDocumentation
 */
import { QuantumError } from '../errors.js'
import type { LockHolder } from './types.js'

/** Where a state store error happened, and what caused it. */
export interface StateErrorOptions {
  /** The file path or the PostgreSQL URL (password removed). */
  readonly store: string
  /** The driver's error, kept for debugging. */
  readonly cause?: unknown
}

/** Base class of the state store's errors; `store` says which database (never with a password). */
export class StateStoreError extends QuantumError {
  override readonly name: string = 'StateStoreError'
  /** The file path or the PostgreSQL URL (password removed). */
  readonly store: string

  constructor(
    code: 'STATE_INVALID' | 'STATE_UNAVAILABLE' | 'STATE_LOCKED' | 'STATE_FULL',
    message: string,
    options: StateErrorOptions,
  ) {
    super(code, `State store ${options.store}: ${message}`, { cause: options.cause })
    this.store = options.store
  }
}

/** Why a database was refused or an entry rejected. */
export type StateInvalidReason = 'corrupt' | 'foreign' | 'newer-schema' | 'duplicate' | 'bad-record' | 'config-changed'

/**
 * The database cannot be used as it is: it is not a database (`corrupt`), it holds another
 * application's tables (`foreign`), its schema is newer than this build (`newer-schema`), an entry
 * already exists (`duplicate`), a stored row fails its schema (`bad-record`), or the unfinished run a
 * restart would resume was started with another config (`config-changed`). Raised before anything is
 * written; nothing stored is changed.
 */
export class StateInvalidError extends StateStoreError {
  override readonly name = 'StateInvalidError'
  readonly reason: StateInvalidReason

  constructor(reason: StateInvalidReason, message: string, options: StateErrorOptions) {
    super('STATE_INVALID', message, options)
    this.reason = reason
  }
}

/** The state server cannot be reached (refused, timed out, authentication failed). Retry later. */
export class StateUnavailableError extends StateStoreError {
  override readonly name = 'StateUnavailableError'

  constructor(message: string, options: StateErrorOptions) {
    super('STATE_UNAVAILABLE', message, options)
  }
}

/** Another live process holds the run; its holder is named so that an operator can find it. */
export class StateLockedError extends StateStoreError {
  override readonly name = 'StateLockedError'
  readonly runId: string
  readonly holder: LockHolder

  constructor(store: string, runId: string, holder: LockHolder) {
    const age = Math.max(0, Date.now() - holder.heartbeatAt)
    super(
      'STATE_LOCKED',
      `run ${runId} is held by pid ${holder.pid} on ${holder.host} (last heartbeat ${Math.round(age / 1000)} s ago); stop that process first`,
      { store },
    )
    this.runId = runId
    this.holder = holder
  }
}

/**
 * The disk (or the database's quota) is full: the write that raised it was rolled back and nothing
 * of it is kept. A trading caller stops opening positions, keeps its stops and raises an event.
 */
export class StateFullError extends StateStoreError {
  override readonly name = 'StateFullError'

  constructor(message: string, options: StateErrorOptions) {
    super('STATE_FULL', message, options)
  }
}
