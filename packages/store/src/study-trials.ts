/**
 * The trials of parameter searches in the state store ({@link StudyTrialsPort}): one row per (study,
 * trial index) in `study_trials`, the zod-checked trial as JSON in `doc` beside the columns a listing
 * filters and aggregates on. A trial recorded twice keeps its first row.
 * @packageDocumentation
 */
import { sql } from 'kysely'
import {
  StateInvalidError,
  StudyTrialRecordSchema,
  type StudySummary,
  type StudyTrialRecord,
  type StudyTrialsPort,
} from '@quantum/core'
import type { StoreRunner } from './model-registry.js'

/** The study trials on the store's tables; construct it with the store's runner. */
export class StoreStudyTrials implements StudyTrialsPort {
  constructor(
    private readonly run: StoreRunner,
    private readonly location: string,
  ) {}

  async recordTrial(trial: StudyTrialRecord): Promise<boolean> {
    const t = StudyTrialRecordSchema.parse(trial)
    const r = await this.run(`record trial ${t.index} of study ${t.studyId}`, (db) =>
      db
        .insertInto('study_trials')
        .values({
          study_id: t.studyId,
          trial_index: t.index,
          status: t.status,
          value: t.value !== undefined && Number.isFinite(t.value) ? t.value : null,
          recorded_at: t.recordedAt,
          doc: JSON.stringify(t),
        })
        .onConflict((oc) => oc.columns(['study_id', 'trial_index']).doNothing())
        .executeTakeFirst(),
    )
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0
  }

  async trials(studyId: string): Promise<StudyTrialRecord[]> {
    const rows = await this.run(`read trials of study ${studyId}`, (db) =>
      db
        .selectFrom('study_trials')
        .select(['doc', 'trial_index'])
        .where('study_id', '=', studyId)
        .orderBy('trial_index')
        .execute(),
    )
    return rows.map((r) => {
      const parsed = StudyTrialRecordSchema.safeParse(JSON.parse(r.doc))
      if (!parsed.success)
        throw new StateInvalidError(
          'corrupt',
          `trial ${r.trial_index} of study ${studyId} in ${this.location} is corrupt: ${parsed.error.message}`,
          { store: this.location },
        )
      return parsed.data
    })
  }

  async studies(prefix?: string): Promise<StudySummary[]> {
    const rows = await this.run('list studies', (db) => {
      let q = db
        .selectFrom('study_trials')
        .select((eb) => [
          'study_id',
          eb.fn.countAll<number>().as('trials'),
          sql<number>`sum(case when status = 'ok' then 1 else 0 end)`.as('ok'),
          sql<number | null>`max(case when status = 'ok' then value end)`.as('best'),
          eb.fn.min('recorded_at').as('first_at'),
          eb.fn.max('recorded_at').as('last_at'),
        ])
        .groupBy('study_id')
      if (prefix !== undefined) q = q.where('study_id', 'like', `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
      return q.orderBy('last_at', 'desc').orderBy('study_id').execute()
    })
    return rows.map((r) => ({
      studyId: r.study_id,
      trials: Number(r.trials),
      ok: Number(r.ok),
      best: r.best === null ? undefined : Number(r.best),
      firstAt: Number(r.first_at),
      lastAt: Number(r.last_at),
    }))
  }
}
