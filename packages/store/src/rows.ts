/** Rows of the state tables back into the zod-checked records of `@quantum/core`. */
import type { Selectable } from 'kysely'
import type { z } from 'zod'
import {
  AckRecordSchema,
  IntentRecordSchema,
  RunRecordSchema,
  StateInvalidError,
  type AckRecord,
  type IntentRecord,
  type RunRecord,
} from '@quantum/core'
import type { RunsTable, StateTables } from './tables.js'

/** Which store and which record, for the error of a bad row. */
export interface RowSource {
  readonly store: string
  readonly what: string
}

export function runFromRow(row: RunsTable, store: string): RunRecord {
  return parseRow(
    RunRecordSchema,
    {
      id: row.id,
      account: row.account,
      name: row.name,
      configHash: row.config_hash,
      mode: row.mode,
      status: row.status,
      startedAt: Number(row.started_at),
      ...(row.ended_at === null ? {} : { endedAt: Number(row.ended_at) }),
    },
    { store, what: `run ${row.id}` },
  )
}

export function parseRow<S extends z.ZodType>(schema: S, value: unknown, at: RowSource): z.output<S> {
  const r = schema.safeParse(value)
  if (r.success) return r.data
  const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
  throw new StateInvalidError('bad-record', `stored ${at.what} is invalid: ${issues}`, { store: at.store })
}

export function parseDoc<S extends z.ZodType>(schema: S, doc: string, at: RowSource): z.output<S> {
  let value: unknown
  try {
    value = JSON.parse(doc)
  } catch (error) {
    throw new StateInvalidError('bad-record', `stored ${at.what} is not JSON`, { store: at.store, cause: error })
  }
  return parseRow(schema, value, at)
}

/** An `intents` row as the record it was journaled from. */
export function intentFromRow(r: Selectable<StateTables['intents']>, store: string): IntentRecord {
  const at = { store, what: `intent ${r.client_order_id}` }
  return parseRow(
    IntentRecordSchema,
    {
      runId: r.run_id,
      clientOrderId: r.client_order_id,
      request: parseDoc(IntentRecordSchema.shape.request, r.request, at),
      ...(r.decision === null ? {} : { decision: parseDoc(IntentRecordSchema.shape.decision, r.decision, at) }),
      ...(r.reason === null ? {} : { reason: r.reason }),
      time: Number(r.time),
    },
    at,
  )
}

/** An `acks` row as its record. */
export function ackFromRow(r: Selectable<StateTables['acks']>, store: string): AckRecord {
  return parseRow(
    AckRecordSchema,
    {
      runId: r.run_id,
      clientOrderId: r.client_order_id,
      ...(r.order_id === null ? {} : { orderId: r.order_id }),
      status: r.status,
      ...(r.reason === null ? {} : { reason: r.reason }),
      time: Number(r.time),
    },
    { store, what: `ack ${r.client_order_id}` },
  )
}
