/**
 * Where a search keeps its trials: JSON files in the study folder (`trials.jsonl`, one line per trial
 * as it finishes, and the result document at the end) and, when given, the state store's study trials
 * (shared by every machine on one PostgreSQL store, listed by study id).
 * @packageDocumentation
 */
import { mkdir, open } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { StudyTrialRecord, StudyTrialsPort, Trial } from '@quantum/core'
import { writeFileAtomic } from './atomic.js'
import { toJson } from './serialize.js'

/** Keeps the trials and the result of one study. */
export interface TrialStore {
  /** Where the study lives (a folder for the file store). */
  readonly location: string
  /**
   * Records one finished trial (durable before the next is recorded). Recording is queued: a caller
   * need not wait for it, {@link TrialStore.finish} does (and throws the first failure).
   */
  append(trial: Trial): Promise<void>
  /** Waits for the queued trials, then records the study's result document. */
  finish(result: Record<string, unknown>): Promise<void>
}

/** The state store's side of a {@link TrialStore}: the study trials and the id to file them under. */
export interface SharedTrials {
  readonly studies: StudyTrialsPort
  readonly studyId: string
}

/** A finished trial as the state store keeps it. */
export function studyTrialRecord(studyId: string, trial: Trial, recordedAt: number): StudyTrialRecord {
  const o = trial.outcome
  const value = o.status === 'ok' || o.status === 'infeasible' ? o.value : undefined
  return {
    studyId,
    index: trial.index,
    status: o.status,
    ...(value === undefined || !Number.isFinite(value) ? {} : { value }),
    params: { ...trial.params },
    durationMs: Math.max(0, trial.durationMs),
    recordedAt,
    outcome: JSON.parse(toJson(o, 0)) as Record<string, unknown>,
  }
}

/**
 * A {@link TrialStore} over a folder: `trials.jsonl` (appended) and `resultName` (written atomically),
 * and the state store's study trials when `shared` is given.
 */
export async function fileTrialStore(
  dir: string,
  resultName = 'optimize.json',
  shared?: SharedTrials,
): Promise<TrialStore> {
  const location = resolve(dir)
  await mkdir(location, { recursive: true })
  // One handle for the study: opening and closing the file per trial cost the coordinating thread
  // about 0.3 ms a trial (a third of its work in a 1,000-trial search). Trials that finish while a
  // write is under way go out together in the next one.
  const file = await open(join(location, 'trials.jsonl'), 'a')
  let queued: Trial[] = []
  let chain = Promise.resolve()
  return {
    location,
    append(trial) {
      queued.push(trial)
      chain = chain.then(async () => {
        if (queued.length === 0) return // written with an earlier one
        const batch = queued
        queued = []
        await file.write(batch.map((t) => `${toJson(t, 0)}\n`).join(''))
        if (shared !== undefined)
          for (const t of batch) await shared.studies.recordTrial(studyTrialRecord(shared.studyId, t, Date.now()))
      })
      return chain
    },
    async finish(result) {
      try {
        await chain
      } finally {
        await file.close()
      }
      await writeFileAtomic(join(location, resultName), `${toJson(result)}\n`)
    },
  }
}
