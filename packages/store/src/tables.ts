/**
 * The tables of the state schema as Kysely sees them (one schema for SQLite and PostgreSQL). Times
 * are epoch milliseconds in `bigint` columns; records that are read back whole (fills, positions,
 * trades, risk and exit state) keep their zod-checked JSON in a `doc` text column beside the columns
 * that are filtered or ordered on.
 */
import type { Generated } from 'kysely'

/** Key/value facts about the database itself: `app` (who owns it) and `schema_version`. */
export interface MetaTable {
  key: string
  value: string
}

export interface RunsTable {
  id: string
  account: string
  name: string
  config_hash: string
  mode: string
  status: string
  started_at: number
  ended_at: number | null
}

export interface RunLocksTable {
  run_id: string
  pid: number
  host: string
  token: string
  acquired_at: number
  heartbeat_at: number
}

export interface IntentsTable {
  id: Generated<number>
  run_id: string
  client_order_id: string
  symbol: string
  time: number
  request: string
  decision: string | null
  reason: string | null
}

export interface AcksTable {
  id: Generated<number>
  run_id: string
  client_order_id: string
  order_id: string | null
  status: string
  reason: string | null
  time: number
}

export interface FillsTable {
  id: Generated<number>
  run_id: string
  fill_id: string
  client_order_id: string
  symbol: string
  time: number
  doc: string
}

export interface PositionsTable {
  run_id: string
  symbol: string
  updated_at: number
  doc: string
}

export interface TradesTable {
  run_id: string
  trade_id: number
  symbol: string
  exit_time: number
  doc: string
}

export interface EquityTable {
  run_id: string
  time: number
  equity: number
}

export interface RiskStatesTable {
  run_id: string
  source: string
  time: number
  doc: string
}

export interface ExitStatesTable {
  run_id: string
  symbol: string
  version: number
  revision: number
  updated_at: number
  doc: string
}

export interface BlobsTable {
  account: string
  name: string
  version: number
  data: Uint8Array
  run_id: string | null
  saved_at: number
}

/** One model version (migration `models`): the version as JSON in `doc`; `seq` keeps creation order. */
export interface ModelVersionsTable {
  seq: Generated<number>
  id: string
  family: string
  stage: string
  created_at: string
  updated_at: string
  doc: string
}

/** A model file by the SHA-256 of its bytes (migration `models`). */
export interface ModelObjectsTable {
  hash: string
  data: Uint8Array
  size: number
  stored_at: number
}

/** One trial of a parameter search (migration `studies`); the trial as JSON in `doc`. */
export interface StudyTrialsTable {
  study_id: string
  trial_index: number
  status: string
  value: number | null
  recorded_at: number
  doc: string
}

/** The whole schema. */
export interface StateTables {
  quantum_meta: MetaTable
  runs: RunsTable
  run_locks: RunLocksTable
  intents: IntentsTable
  acks: AcksTable
  fills: FillsTable
  positions: PositionsTable
  trades: TradesTable
  equity: EquityTable
  risk_states: RiskStatesTable
  exit_states: ExitStatesTable
  blobs: BlobsTable
  model_versions: ModelVersionsTable
  model_objects: ModelObjectsTable
  study_trials: StudyTrialsTable
}
