/**
 * Journaling cost: one order intent written durably through the StateStore (on SQLite: one O_DSYNC write
 * to the store's intent log, then its row; on PostgreSQL: its own committed transaction), against a bare
 * durable insert of the same row with the driver alone (SQLite: WAL + synchronous=FULL, the store's way
 * until the intent log), in the same run. The two alternate in blocks of 50 so that the machine's
 * noise (shared cores, other processes' fsyncs) falls on both alike. PostgreSQL is measured only when a
 * server answers at $QUANTUM_TEST_POSTGRES_URL (default the local one).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'libsql'
import pg from 'pg'
import type { IntentRecord, StateStore } from '@quantum/core'
import { openPostgresStore, openSqliteStore } from '@quantum/store'

/** p50 / p99 of one way of writing, in ms. */
export interface WriteLatency {
  readonly p50Ms: number
  readonly p99Ms: number
}

/** What {@link benchStateStore} measured. */
export interface StateStoreBench {
  readonly writes: number
  readonly sqlite: { readonly store: WriteLatency; readonly bare: WriteLatency }
  /** Absent when no PostgreSQL server answered (with why). */
  readonly postgres?: { readonly store: WriteLatency; readonly bare: WriteLatency }
  readonly postgresSkipped?: string
}

const BLOCK = 50
const pgUrl = process.env.QUANTUM_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

function latency(samples: number[]): WriteLatency {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return { p50Ms: at(0.5), p99Ms: at(0.99) }
}

function intentAt(k: number): IntentRecord {
  const time = 1_735_689_600_000 + k * 60_000
  const clientOrderId = `qt-bench-${k}`
  return {
    runId: 'bench',
    clientOrderId,
    request: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.003, clientOrderId, tag: 'entry' },
    decision: {
      symbol: 'BTCUSDT',
      time,
      action: 'BUY',
      confidence: 0.71,
      price: 94_210.5,
      votes: ['xgb', 'lgbm', 'nhits', 'patchtst'].map((m) => ({
        agent: `agents:${m}`,
        symbol: 'BTCUSDT',
        time,
        action: 'BUY' as const,
        confidence: 0.7,
      })),
    },
    reason: 'entry',
    time,
  }
}

/** The row a bare driver writes: the same columns and JSON as the store's `intents` row. */
function bareRow(intent: IntentRecord): unknown[] {
  return [
    intent.runId,
    intent.clientOrderId,
    intent.request.symbol,
    intent.time,
    JSON.stringify(intent.request),
    JSON.stringify(intent.decision),
    intent.reason,
  ]
}

const BARE_TABLE =
  'create table bare_intents (id integer primary key, run_id text, client_order_id text, symbol text, time bigint, request text, decision text, reason text, unique (run_id, client_order_id))'

/** Alternates `store` and `bare` writes in blocks, `writes` of each (plus one warm-up block each). */
async function alternate(
  writes: number,
  store: (k: number) => Promise<unknown>,
  bare: (k: number) => unknown,
): Promise<{ store: WriteLatency; bare: WriteLatency }> {
  const s: number[] = []
  const b: number[] = []
  for (let k = -BLOCK; k < writes; k += BLOCK) {
    for (let j = k; j < k + BLOCK; j++) {
      const t0 = performance.now()
      await store(j + BLOCK)
      if (k >= 0) s.push(performance.now() - t0)
    }
    for (let j = k; j < k + BLOCK; j++) {
      const t0 = performance.now()
      await bare(j + BLOCK)
      if (k >= 0) b.push(performance.now() - t0)
    }
  }
  return { store: latency(s), bare: latency(b) }
}

async function benchSqlite(writes: number, dir: string): Promise<StateStoreBench['sqlite']> {
  const store = await openSqliteStore(join(dir, 'state.db'))
  const raw = new Database(join(dir, 'bare.db'))
  raw.pragma('journal_mode = WAL')
  raw.pragma('synchronous = FULL')
  raw.exec(BARE_TABLE)
  const insert = raw.prepare(
    'insert into bare_intents (run_id, client_order_id, symbol, time, request, decision, reason) values (?, ?, ?, ?, ?, ?, ?)',
  )
  try {
    return await alternate(
      writes,
      (k) => store.journalIntent(intentAt(k)),
      (k) => insert.run(bareRow(intentAt(k))),
    )
  } finally {
    await store.close()
    raw.close()
  }
}

async function benchPostgres(writes: number): Promise<StateStoreBench['postgres']> {
  const schema = `quantum_bench_${process.pid}_${Date.now().toString(36)}`
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 })
  await client.connect()
  let store: StateStore | undefined
  try {
    store = await openPostgresStore(pgUrl, { schema })
    await client.query(
      BARE_TABLE.replace('bare_intents', `${schema}.bare_intents`).replace(
        'integer primary key',
        'bigserial primary key',
      ),
    )
    const sqlText = `insert into ${schema}.bare_intents (run_id, client_order_id, symbol, time, request, decision, reason) values ($1, $2, $3, $4, $5, $6, $7)`
    const s = store
    return await alternate(
      writes,
      (k) => s.journalIntent(intentAt(k)),
      (k) => client.query({ name: 'bare-intent', text: sqlText, values: bareRow(intentAt(k)) }),
    )
  } finally {
    await store?.close()
    await client.query(`drop schema if exists ${schema} cascade`)
    await client.end()
  }
}

/** Journals `writes` intents through each backend's store and as bare driver inserts. */
export async function benchStateStore(writes = 1000): Promise<StateStoreBench> {
  const dir = mkdtempSync(join(tmpdir(), 'quantum-bench-state-'))
  try {
    const sqlite = await benchSqlite(writes, dir)
    try {
      return { writes, sqlite, postgres: await benchPostgres(writes) }
    } catch (error) {
      return { writes, sqlite, postgresSkipped: error instanceof Error ? error.message : String(error) }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
