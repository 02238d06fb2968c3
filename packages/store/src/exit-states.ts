/**
 * Exit state: one versioned JSON document per open position, whose `revision` the database increases on
 * every save (an upsert that returns the new revision, on SQLite and PostgreSQL alike).
 */
import type { Kysely } from 'kysely'
import { ExitStateSchema, type ExitState, type StoredExitState } from '@quantum/core'
import { parseDoc } from './rows.js'
import type { StateTables } from './tables.js'

/** Stores a parsed exit state document at `time` and returns its new revision (1 for the first). */
export async function saveExitState(
  db: Kysely<StateTables>,
  { runId, state, time }: { readonly runId: string; readonly state: ExitState; readonly time: number },
): Promise<number> {
  const doc = JSON.stringify(state)
  const row = await db
    .insertInto('exit_states')
    .values({ run_id: runId, symbol: state.symbol, version: state.version, revision: 1, updated_at: time, doc })
    .onConflict((oc) =>
      oc.columns(['run_id', 'symbol']).doUpdateSet((eb) => ({
        version: state.version,
        revision: eb('exit_states.revision', '+', 1),
        updated_at: time,
        doc,
      })),
    )
    .returning('revision')
    .executeTakeFirstOrThrow()
  return Number(row.revision)
}

/** The exit states of a run's open positions, by symbol, each parsed with {@link ExitStateSchema}. */
export async function readExitStates(
  db: Kysely<StateTables>,
  { runId, store }: { readonly runId: string; readonly store: string },
): Promise<StoredExitState[]> {
  const rows = await db.selectFrom('exit_states').selectAll().where('run_id', '=', runId).orderBy('symbol').execute()
  return rows.map((r) => ({
    runId: r.run_id,
    revision: Number(r.revision),
    updatedAt: Number(r.updated_at),
    state: parseDoc(ExitStateSchema, r.doc, { store, what: `exit state ${r.symbol}` }),
  }))
}
