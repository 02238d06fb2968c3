/**
 * Versioned blobs (the RL sizer's Q-table): every save is a new row `(account, name, version)`, so a
 * save never overwrites what an earlier run learnt; loading takes the latest unless asked otherwise.
 */
import type { Kysely } from 'kysely'
import type { StoredBlob } from '@quantum/core'
import type { StateTables } from './tables.js'

/**
 * Saves `blob` as the next version of `(account, name)` and returns that version; with `keep`, versions
 * older than the newest `keep` are deleted in the same transaction (a snapshot saved on every change).
 */
export function saveBlob(
  db: Kysely<StateTables>,
  blob: Omit<StoredBlob, 'version'> & { readonly keep?: number | undefined },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('blobs')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('account', '=', blob.account)
      .where('name', '=', blob.name)
      .executeTakeFirst()
    // Two writers racing for one version: the primary key refuses the second (a typed `duplicate`).
    const version = Number(last?.v ?? 0) + 1
    await trx
      .insertInto('blobs')
      .values({
        account: blob.account,
        name: blob.name,
        version,
        data: Buffer.from(blob.data.buffer, blob.data.byteOffset, blob.data.byteLength),
        run_id: blob.runId ?? null,
        saved_at: blob.savedAt,
      })
      .execute()
    if (blob.keep !== undefined && version > blob.keep) {
      await trx
        .deleteFrom('blobs')
        .where('account', '=', blob.account)
        .where('name', '=', blob.name)
        .where('version', '<=', version - blob.keep)
        .execute()
    }
    return version
  })
}

/** The latest version of `(account, name)`, or the given `version`; `undefined` when there is none. */
export async function loadBlob(
  db: Kysely<StateTables>,
  query: { readonly account: string; readonly name: string; readonly version?: number | undefined },
): Promise<StoredBlob | undefined> {
  let q = db.selectFrom('blobs').selectAll().where('account', '=', query.account).where('name', '=', query.name)
  if (query.version !== undefined) q = q.where('version', '=', query.version)
  const row = await q.orderBy('version', 'desc').limit(1).executeTakeFirst()
  if (row === undefined) return undefined
  return {
    account: row.account,
    name: row.name,
    version: Number(row.version),
    data: new Uint8Array(row.data),
    ...(row.run_id === null ? {} : { runId: row.run_id }),
    savedAt: Number(row.saved_at),
  }
}
