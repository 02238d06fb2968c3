/**
 * The run lock: one row per run in `run_locks` naming its holder (pid, host, token, heartbeat). Taken
 * with an insert that either wins or finds the holder; a holder that is gone (its process no longer
 * exists on this host, or its heartbeat is older than `staleAfterMs`) is taken over with a
 * compare-and-set on its token, so two processes racing for a dead holder's run cannot both win.
 */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { Kysely } from 'kysely'
import { StateLockedError, type LockHolder, type LockRunOptions, type RunLock } from '@quantum/core'
import type { StateTables } from './tables.js'

/** Default age after which a holder on another host is presumed dead. */
export const DEFAULT_STALE_AFTER_MS = 30_000

/** Whether process `pid` exists on this machine (EPERM: it exists but is not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function holderOf(row: StateTables['run_locks']): LockHolder {
  return { pid: row.pid, host: row.host, token: row.token, acquiredAt: row.acquired_at, heartbeatAt: row.heartbeat_at }
}

function isGone(holder: LockHolder, staleAfterMs: number, now: number): boolean {
  if (holder.host === hostname()) return !processAlive(holder.pid)
  return now - holder.heartbeatAt > staleAfterMs
}

/** Takes the lock of `runId` for this process. @throws {StateLockedError} naming a live holder. */
export async function acquireRunLock(
  db: Kysely<StateTables>,
  runId: string,
  options: LockRunOptions & { readonly store: string },
): Promise<RunLock> {
  const { store } = options
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS
  const now = Date.now()
  const me: LockHolder = { pid: process.pid, host: hostname(), token: randomUUID(), acquiredAt: now, heartbeatAt: now }
  const row = {
    run_id: runId,
    pid: me.pid,
    host: me.host,
    token: me.token,
    acquired_at: me.acquiredAt,
    heartbeat_at: me.heartbeatAt,
  }
  // A holder can vanish (release) or be replaced between our reads: try again a few times.
  for (let attempt = 0; attempt < 5; attempt++) {
    const inserted = await db
      .insertInto('run_locks')
      .values(row)
      .onConflict((oc) => oc.column('run_id').doNothing())
      .executeTakeFirst()
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return heldLock(db, { store, runId, holder: me })
    const current = await db.selectFrom('run_locks').selectAll().where('run_id', '=', runId).executeTakeFirst()
    if (current === undefined) continue
    const holder = holderOf(current)
    if (!isGone(holder, staleAfterMs, now)) throw new StateLockedError(store, runId, holder)
    const taken = await db
      .updateTable('run_locks')
      .set(row)
      .where('run_id', '=', runId)
      .where('token', '=', holder.token)
      .executeTakeFirst()
    if (Number(taken.numUpdatedRows) > 0) return heldLock(db, { store, runId, holder: me })
  }
  const last = await db.selectFrom('run_locks').selectAll().where('run_id', '=', runId).executeTakeFirst()
  throw new StateLockedError(store, runId, last === undefined ? me : holderOf(last))
}

function heldLock(
  db: Kysely<StateTables>,
  { store, runId, holder }: { store: string; runId: string; holder: LockHolder },
): RunLock {
  let released = false
  return {
    runId,
    holder,
    async heartbeat() {
      const r = await db
        .updateTable('run_locks')
        .set({ heartbeat_at: Date.now() })
        .where('run_id', '=', runId)
        .where('token', '=', holder.token)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) > 0) return
      const current = await db.selectFrom('run_locks').selectAll().where('run_id', '=', runId).executeTakeFirst()
      throw new StateLockedError(store, runId, current === undefined ? holder : holderOf(current))
    },
    async release() {
      if (released) return
      released = true
      await db.deleteFrom('run_locks').where('run_id', '=', runId).where('token', '=', holder.token).execute()
    },
  }
}
