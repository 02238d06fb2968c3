/**
 * The state store port: where a running strategy keeps what must survive a crash, a restart or a
 * reboot. `@quantum/store` implements it on an embedded SQLite file (the default, no server) and on
 * PostgreSQL (several runtimes sharing one database). Every write resolves only once it is durable
 * (fsync'd on SQLite, committed on PostgreSQL), so a caller that awaits it before acting has written
 * its state before the action.
 * @packageDocumentation
 */
import type {
  AckRecord,
  EquityPoint,
  ExitStateInput,
  FillRecord,
  IntentRecord,
  PositionRecord,
  RiskStateRecord,
  RunRecord,
  RunStatus,
  StoredExitState,
  StoredTrade,
} from './schemas.js'
import type { ModelRegistryPort } from './models.js'
import type { StudyTrialsPort } from './studies.js'

/** Which backend a store runs on. */
export type StateBackend = 'sqlite' | 'postgres'

/** Who holds a run's lock: enough to find the process, or to tell that it died. */
export interface LockHolder {
  /** Process id of the holder. */
  readonly pid: number
  /** Host name of the holder's machine. */
  readonly host: string
  /** Random token of this holder (tells apart two holders in one process). */
  readonly token: string
  readonly acquiredAt: number
  /** Last time the holder said it was alive (epoch ms, wall clock). */
  readonly heartbeatAt: number
}

/** A held lock on a run: only its holder may journal for the run. */
export interface RunLock {
  readonly runId: string
  readonly holder: LockHolder
  /** Says the holder is alive; call it more often than `staleAfterMs`. Throws if the lock was taken over. */
  heartbeat(): Promise<void>
  /** Gives the lock up (a clean shutdown); a no-op when already released. */
  release(): Promise<void>
}

/** Options of {@link StateStore.lockRun}. */
export interface LockRunOptions {
  /**
   * A holder on another host whose heartbeat is older than this is presumed dead and its lock is taken
   * over. (A holder on this host whose process no longer exists is taken over at once.) @default 30_000
   */
  readonly staleAfterMs?: number
}

/** Filter of {@link StateStore.listRuns}; newest runs first. */
export interface ListRunsQuery {
  readonly account?: string
  readonly configHash?: string
  readonly status?: RunStatus
  /** @default 100 */
  readonly limit?: number
}

/** A stored Q-table (or any model blob a sizer learns), versioned: saves never overwrite. */
export interface StoredBlob {
  readonly account: string
  readonly name: string
  /** 1 for the first save of `(account, name)`, then +1 per save. */
  readonly version: number
  readonly data: Uint8Array
  /** The run that saved it, when known. */
  readonly runId?: string
  readonly savedAt: number
}

/** Counts of what a run has stored (for `quantum-run runs show`). */
export interface RunCounts {
  readonly intents: number
  readonly acks: number
  readonly fills: number
  readonly trades: number
  readonly equityPoints: number
  readonly openPositions: number
  /** Intents journaled with no acknowledgement yet (to be looked up on the venue after a crash). */
  readonly pendingIntents: number
}

/**
 * Durable state of running strategies, keyed by run (and by account for what outlives a run). All
 * reads return records parsed with the zod schemas of `@quantum/core`.
 *
 * Errors (all {@link StateStoreError}s): {@link StateInvalidError} for a corrupt or foreign database,
 * a schema newer than this build, or a duplicate journal entry; {@link StateUnavailableError} when the
 * server cannot be reached; {@link StateLockedError} when another process holds the run;
 * {@link StateFullError} when the disk is full (nothing of the failed write is kept).
 */
export interface StateStore {
  readonly backend: StateBackend
  /** Where the state lives: the file path, or the PostgreSQL URL without its password. */
  readonly location: string
  /** Version of the schema the store is at (the latest migration applied). */
  schemaVersion(): Promise<number>

  /** Records a new run. @throws {StateInvalidError} (`duplicate`) when the id exists. */
  startRun(run: RunRecord): Promise<void>
  /** Marks a run ended with `status` at `endedAt`. */
  endRun(runId: string, status: Exclude<RunStatus, 'running'>, endedAt: number): Promise<void>
  /** Marks an ended run `running` again (a restart resumes it). */
  resumeRun(runId: string): Promise<void>
  getRun(runId: string): Promise<RunRecord | undefined>
  listRuns(query?: ListRunsQuery): Promise<RunRecord[]>
  /** What a run has stored, or `undefined` for an unknown run. */
  runCounts(runId: string): Promise<RunCounts | undefined>
  /** Takes the run's lock. @throws {StateLockedError} naming the holder when a live process holds it. */
  lockRun(runId: string, options?: LockRunOptions): Promise<RunLock>

  /** Journals an intent before it is sent. @throws {StateInvalidError} (`duplicate`) on a reused client id. */
  journalIntent(intent: IntentRecord): Promise<void>
  /** Records the venue's answer; the same `(clientOrderId, status)` twice is kept once. */
  recordAck(ack: AckRecord): Promise<void>
  /** Records a fill; returns false (and keeps the first) when the fill id is already stored. */
  recordFill(fill: FillRecord): Promise<boolean>
  /** The run's intents in journal order. */
  intents(runId: string): Promise<IntentRecord[]>
  /** Intents with no acknowledgement, in journal order: after a crash, look these up before anything else. */
  pendingIntents(runId: string): Promise<IntentRecord[]>
  /** The acknowledgements of the run (of one client order id when given), oldest first. */
  acks(runId: string, clientOrderId?: string): Promise<AckRecord[]>
  /** The fills of the run, by time. */
  fills(runId: string): Promise<FillRecord[]>

  /** Stores the position of `symbol` (a `FLAT` one removes it). */
  savePosition(position: PositionRecord): Promise<void>
  /** The run's open positions, by symbol. */
  positions(runId: string): Promise<PositionRecord[]>
  /** Stores a closed trade; the same trade id twice is kept once. */
  recordTrade(runId: string, trade: StoredTrade): Promise<void>
  /** The run's closed trades, by id. */
  trades(runId: string): Promise<StoredTrade[]>
  /** Stores equity points (one transaction); a point at a stored time replaces it. */
  recordEquity(runId: string, points: readonly EquityPoint[]): Promise<void>
  /** The run's equity curve, by time. */
  equity(runId: string): Promise<EquityPoint[]>

  /** Stores the latest state of a risk component (replacing the previous one of the same source). */
  saveRiskState(runId: string, state: RiskStateRecord): Promise<void>
  /** The latest state of each risk component of the run, by source. */
  riskStates(runId: string): Promise<RiskStateRecord[]>

  /** Stores the exit state of an open position; returns the revision it was given. */
  saveExitState(runId: string, state: ExitStateInput, time: number): Promise<number>
  /** Drops the exit state of a position that closed. */
  deleteExitState(runId: string, symbol: string): Promise<void>
  /** The exit state of each open position of the run, by symbol. */
  exitStates(runId: string): Promise<StoredExitState[]>

  /**
   * Saves a new version of a blob (the RL sizer's Q-table, a paper account); returns its version. Older
   * versions are kept, or only the newest `keep` of them when it is given (in the same transaction).
   */
  saveBlob(blob: Omit<StoredBlob, 'version'> & { readonly keep?: number | undefined }): Promise<number>
  /** The latest version of a blob (or the given version), or `undefined`. */
  loadBlob(account: string, name: string, version?: number): Promise<StoredBlob | undefined>

  /**
   * The model registry (versions, lineage, lifecycle stages, content-addressed model files), shared by
   * every runtime and training worker on this store.
   */
  readonly models: ModelRegistryPort

  /** Trials of parameter searches (optimize, walk-forward), shared by every machine on this store. */
  readonly studies: StudyTrialsPort

  /** Closes the connection(s). Further calls throw. */
  close(): Promise<void>
}
