/**
 * The {@link StateStore} on Kysely: one implementation for both backends, which differ only in how
 * they open, lock for migrations and name their errors ({@link BackendAdapter}).
 */
import { CompiledQuery, type Kysely } from 'kysely'
import {
  AckRecordSchema,
  EquityPointSchema,
  ExitStateSchema,
  FillRecordSchema,
  IntentRecordSchema,
  PositionRecordSchema,
  RiskStateRecordSchema,
  RunRecordSchema,
  StateUnavailableError,
  TradeRecordSchema,
  type AckRecord,
  type EquityPoint,
  type ExitStateInput,
  type FillRecord,
  type IntentRecord,
  type ListRunsQuery,
  type LockRunOptions,
  type PositionRecord,
  type RiskStateRecord,
  type RunCounts,
  type RunLock,
  type RunRecord,
  type RunStatus,
  type StateBackend,
  type ModelRegistryPort,
  type StudyTrialsPort,
  type StateStore,
  type StoredBlob,
  type StoredExitState,
  type StoredTrade,
} from '@quantum/core'
import { loadBlob, saveBlob } from './blobs.js'
import { StoreModelRegistry } from './model-registry.js'
import { StoreStudyTrials } from './study-trials.js'
import { readExitStates, saveExitState } from './exit-states.js'
import { acquireRunLock } from './run-lock.js'
import { ackFromRow, intentFromRow, parseDoc, runFromRow } from './rows.js'
import type { StateTables } from './tables.js'

/** What differs between the backends once a database is open. */
export interface BackendAdapter {
  readonly backend: StateBackend
  /** File path, or URL without password. */
  readonly location: string
  /** Turns a driver error into the SDK's typed error (or returns it unchanged). */
  mapError(error: unknown, action: string): unknown
  /** Runs before the connections close (SQLite: checkpoints the WAL into the main file). */
  beforeClose(db: Kysely<StateTables>): Promise<void>
  /**
   * Runs the write of an order intent, which must be on disk when it resolves; `payload` is the row's
   * values as JSON, for a backend that makes it durable by other means than the write itself (SQLite's
   * intent log). @default runs it like every other write (PostgreSQL commits synchronously)
   */
  durably?<T>(run: (db: Kysely<StateTables>) => Promise<T>, payload: Uint8Array): Promise<T>
}

/** Equity points per multi-row insert (PostgreSQL caps bind parameters at 65,535). */
const EQUITY_CHUNK = 500

/** The shared implementation; construct it through `openSqliteStore` / `openPostgresStore`. */
export class KyselyStateStore implements StateStore {
  readonly backend: StateBackend
  readonly location: string
  readonly models: ModelRegistryPort
  readonly studies: StudyTrialsPort
  readonly #db: Kysely<StateTables>
  readonly #adapter: BackendAdapter
  #closed = false
  #intentInsert: string | undefined

  constructor(db: Kysely<StateTables>, adapter: BackendAdapter) {
    this.#db = db
    this.#adapter = adapter
    this.backend = adapter.backend
    this.location = adapter.location
    this.models = new StoreModelRegistry((action, fn) => this.#run(action, fn), adapter.location)
    this.studies = new StoreStudyTrials((action, fn) => this.#run(action, fn), adapter.location)
  }

  /** Runs `fn`, turning driver errors into typed ones. */
  async #run<T>(action: string, fn: (db: Kysely<StateTables>) => Promise<T>): Promise<T> {
    if (this.#closed) throw new StateUnavailableError(`${action}: the store is closed`, { store: this.location })
    try {
      return await fn(this.#db)
    } catch (error) {
      throw this.#adapter.mapError(error, action)
    }
  }

  #at(what: string): { store: string; what: string } {
    return { store: this.location, what }
  }

  async schemaVersion(): Promise<number> {
    const row = await this.#run('read schema version', (db) =>
      db.selectFrom('quantum_meta').select('value').where('key', '=', 'schema_version').executeTakeFirst(),
    )
    return row === undefined ? 0 : Number(row.value)
  }

  async startRun(run: RunRecord): Promise<void> {
    const r = RunRecordSchema.parse(run)
    await this.#run(`start run ${r.id}`, (db) =>
      db
        .insertInto('runs')
        .values({
          id: r.id,
          account: r.account,
          name: r.name,
          config_hash: r.configHash,
          mode: r.mode,
          status: r.status,
          started_at: r.startedAt,
          ended_at: r.endedAt ?? null,
        })
        .execute(),
    )
  }

  async endRun(runId: string, status: Exclude<RunStatus, 'running'>, endedAt: number): Promise<void> {
    await this.#run(`end run ${runId}`, (db) =>
      db.updateTable('runs').set({ status, ended_at: endedAt }).where('id', '=', runId).execute(),
    )
  }

  async resumeRun(runId: string): Promise<void> {
    await this.#run(`resume run ${runId}`, (db) =>
      db.updateTable('runs').set({ status: 'running', ended_at: null }).where('id', '=', runId).execute(),
    )
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const row = await this.#run(`read run ${runId}`, (db) =>
      db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst(),
    )
    return row === undefined ? undefined : runFromRow(row, this.location)
  }

  async listRuns(query: ListRunsQuery = {}): Promise<RunRecord[]> {
    const rows = await this.#run('list runs', (db) => {
      let q = db.selectFrom('runs').selectAll()
      if (query.account !== undefined) q = q.where('account', '=', query.account)
      if (query.configHash !== undefined) q = q.where('config_hash', '=', query.configHash)
      if (query.status !== undefined) q = q.where('status', '=', query.status)
      return q
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(query.limit ?? 100)
        .execute()
    })
    return rows.map((row) => runFromRow(row, this.location))
  }

  async runCounts(runId: string): Promise<RunCounts | undefined> {
    if ((await this.getRun(runId)) === undefined) return undefined
    const count = (table: 'intents' | 'acks' | 'fills' | 'trades' | 'equity' | 'positions') =>
      this.#run(`count ${table} of run ${runId}`, async (db) => {
        const row = await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('run_id', '=', runId)
          .executeTakeFirstOrThrow()
        return Number(row.n)
      })
    return {
      intents: await count('intents'),
      acks: await count('acks'),
      fills: await count('fills'),
      trades: await count('trades'),
      equityPoints: await count('equity'),
      openPositions: await count('positions'),
      pendingIntents: (await this.pendingIntents(runId)).length,
    }
  }

  lockRun(runId: string, options?: LockRunOptions): Promise<RunLock> {
    return this.#run(`lock run ${runId}`, (db) => acquireRunLock(db, runId, { ...options, store: this.location }))
  }

  /**
   * Journals an intent: the hot path of the live loop, so its INSERT is compiled by Kysely once (in the
   * backend's dialect) and then run with new parameters, skipping the builder on every order.
   */
  async journalIntent(intent: IntentRecord): Promise<void> {
    const i = IntentRecordSchema.parse(intent)
    const decision = i.decision === undefined ? null : JSON.stringify(i.decision)
    const values = [
      i.runId,
      i.clientOrderId,
      i.request.symbol,
      i.time,
      JSON.stringify(i.request),
      decision,
      i.reason ?? null,
    ]
    const insert = (db: Kysely<StateTables>) => {
      this.#intentInsert ??= db
        .insertInto('intents')
        .values({ run_id: '', client_order_id: '', symbol: '', time: 0, request: '', decision: null, reason: null })
        .compile().sql
      return db.executeQuery(CompiledQuery.raw(this.#intentInsert, values))
    }
    const adapter = this.#adapter
    await this.#run(`journal intent ${i.clientOrderId} of run ${i.runId}`, (db) =>
      adapter.durably === undefined ? insert(db) : adapter.durably(insert, Buffer.from(JSON.stringify(values))),
    )
  }

  async recordAck(ack: AckRecord): Promise<void> {
    const a = AckRecordSchema.parse(ack)
    await this.#run(`record ack ${a.clientOrderId} ${a.status}`, (db) =>
      db
        .insertInto('acks')
        .values({
          run_id: a.runId,
          client_order_id: a.clientOrderId,
          order_id: a.orderId ?? null,
          status: a.status,
          reason: a.reason ?? null,
          time: a.time,
        })
        .onConflict((oc) => oc.columns(['run_id', 'client_order_id', 'status']).doNothing())
        .execute(),
    )
  }

  async recordFill(fill: FillRecord): Promise<boolean> {
    const f = FillRecordSchema.parse(fill)
    const r = await this.#run(`record fill ${f.id}`, (db) =>
      db
        .insertInto('fills')
        .values({
          run_id: f.runId,
          fill_id: f.id,
          client_order_id: f.clientOrderId,
          symbol: f.symbol,
          time: f.time,
          doc: JSON.stringify(f),
        })
        .onConflict((oc) => oc.columns(['run_id', 'fill_id']).doNothing())
        .executeTakeFirst(),
    )
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0
  }

  async intents(runId: string): Promise<IntentRecord[]> {
    const rows = await this.#run(`read intents of run ${runId}`, (db) =>
      db.selectFrom('intents').selectAll().where('run_id', '=', runId).orderBy('id').execute(),
    )
    return rows.map((r) => intentFromRow(r, this.location))
  }

  async pendingIntents(runId: string): Promise<IntentRecord[]> {
    const rows = await this.#run(`read pending intents of run ${runId}`, (db) =>
      db
        .selectFrom('intents as i')
        .selectAll('i')
        .where('i.run_id', '=', runId)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('acks as a')
                .select('a.id')
                .whereRef('a.run_id', '=', 'i.run_id')
                .whereRef('a.client_order_id', '=', 'i.client_order_id'),
            ),
          ),
        )
        .orderBy('i.id')
        .execute(),
    )
    return rows.map((r) => intentFromRow(r, this.location))
  }

  async acks(runId: string, clientOrderId?: string): Promise<AckRecord[]> {
    const rows = await this.#run(`read acks of run ${runId}`, (db) => {
      let q = db.selectFrom('acks').selectAll().where('run_id', '=', runId)
      if (clientOrderId !== undefined) q = q.where('client_order_id', '=', clientOrderId)
      return q.orderBy('id').execute()
    })
    return rows.map((r) => ackFromRow(r, this.location))
  }

  async fills(runId: string): Promise<FillRecord[]> {
    const rows = await this.#run(`read fills of run ${runId}`, (db) =>
      db
        .selectFrom('fills')
        .select(['doc', 'fill_id'])
        .where('run_id', '=', runId)
        .orderBy('time')
        .orderBy('id')
        .execute(),
    )
    return rows.map((r) => parseDoc(FillRecordSchema, r.doc, this.#at(`fill ${r.fill_id}`)))
  }

  async savePosition(position: PositionRecord): Promise<void> {
    const p = PositionRecordSchema.parse(position)
    await this.#run(`save position ${p.symbol}`, async (db) => {
      if (p.side === 'FLAT') {
        await db.deleteFrom('positions').where('run_id', '=', p.runId).where('symbol', '=', p.symbol).execute()
        return
      }
      const doc = JSON.stringify(p)
      await db
        .insertInto('positions')
        .values({ run_id: p.runId, symbol: p.symbol, updated_at: p.updatedAt, doc })
        .onConflict((oc) => oc.columns(['run_id', 'symbol']).doUpdateSet({ updated_at: p.updatedAt, doc }))
        .execute()
    })
  }

  async positions(runId: string): Promise<PositionRecord[]> {
    const rows = await this.#run(`read positions of run ${runId}`, (db) =>
      db.selectFrom('positions').select(['doc', 'symbol']).where('run_id', '=', runId).orderBy('symbol').execute(),
    )
    return rows.map((r) => parseDoc(PositionRecordSchema, r.doc, this.#at(`position ${r.symbol}`)))
  }

  async recordTrade(runId: string, trade: StoredTrade): Promise<void> {
    const t = TradeRecordSchema.parse(trade)
    await this.#run(`record trade ${t.id}`, (db) =>
      db
        .insertInto('trades')
        .values({ run_id: runId, trade_id: t.id, symbol: t.symbol, exit_time: t.exitTime, doc: JSON.stringify(t) })
        .onConflict((oc) => oc.columns(['run_id', 'trade_id']).doNothing())
        .execute(),
    )
  }

  async trades(runId: string): Promise<StoredTrade[]> {
    const rows = await this.#run(`read trades of run ${runId}`, (db) =>
      db.selectFrom('trades').select(['doc', 'trade_id']).where('run_id', '=', runId).orderBy('trade_id').execute(),
    )
    return rows.map((r) => parseDoc(TradeRecordSchema, r.doc, this.#at(`trade ${r.trade_id}`)))
  }

  async recordEquity(runId: string, points: readonly EquityPoint[]): Promise<void> {
    const rows = points.map((p) => {
      const e = EquityPointSchema.parse(p)
      return { run_id: runId, time: e.time, equity: e.equity }
    })
    if (rows.length === 0) return
    await this.#run(`record ${rows.length} equity points`, (db) =>
      db.transaction().execute(async (trx) => {
        for (let k = 0; k < rows.length; k += EQUITY_CHUNK) {
          await trx
            .insertInto('equity')
            .values(rows.slice(k, k + EQUITY_CHUNK))
            .onConflict((oc) =>
              oc.columns(['run_id', 'time']).doUpdateSet((eb) => ({ equity: eb.ref('excluded.equity') })),
            )
            .execute()
        }
      }),
    )
  }

  async equity(runId: string): Promise<EquityPoint[]> {
    const rows = await this.#run(`read equity of run ${runId}`, (db) =>
      db.selectFrom('equity').select(['time', 'equity']).where('run_id', '=', runId).orderBy('time').execute(),
    )
    return rows.map((r) => ({ time: Number(r.time), equity: Number(r.equity) }))
  }

  async saveRiskState(runId: string, state: RiskStateRecord): Promise<void> {
    const s = RiskStateRecordSchema.parse(state)
    const doc = JSON.stringify(s)
    await this.#run(`save risk state ${s.source}`, (db) =>
      db
        .insertInto('risk_states')
        .values({ run_id: runId, source: s.source, time: s.time, doc })
        .onConflict((oc) => oc.columns(['run_id', 'source']).doUpdateSet({ time: s.time, doc }))
        .execute(),
    )
  }

  async riskStates(runId: string): Promise<RiskStateRecord[]> {
    const rows = await this.#run(`read risk states of run ${runId}`, (db) =>
      db.selectFrom('risk_states').select(['doc', 'source']).where('run_id', '=', runId).orderBy('source').execute(),
    )
    return rows.map((r) => parseDoc(RiskStateRecordSchema, r.doc, this.#at(`risk state ${r.source}`)))
  }

  async saveExitState(runId: string, state: ExitStateInput, time: number): Promise<number> {
    const s = ExitStateSchema.parse(state)
    return this.#run(`save exit state ${s.symbol}`, (db) => saveExitState(db, { runId, state: s, time }))
  }

  async deleteExitState(runId: string, symbol: string): Promise<void> {
    await this.#run(`delete exit state ${symbol}`, (db) =>
      db.deleteFrom('exit_states').where('run_id', '=', runId).where('symbol', '=', symbol).execute(),
    )
  }

  exitStates(runId: string): Promise<StoredExitState[]> {
    return this.#run(`read exit states of run ${runId}`, (db) => readExitStates(db, { runId, store: this.location }))
  }

  saveBlob(blob: Omit<StoredBlob, 'version'> & { readonly keep?: number | undefined }): Promise<number> {
    return this.#run(`save blob ${blob.account}/${blob.name}`, (db) => saveBlob(db, blob))
  }

  loadBlob(account: string, name: string, version?: number): Promise<StoredBlob | undefined> {
    return this.#run(`load blob ${account}/${name}`, (db) => loadBlob(db, { account, name, version }))
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#adapter.beforeClose(this.#db).catch(() => undefined)
    await this.#db.destroy()
  }
}
