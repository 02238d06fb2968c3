/**
 * Trials of parameter searches in the state store: `quantum-run optimize` and `walk-forward` record
 * each finished trial under its study id, so several machines on one PostgreSQL store share them and
 * each of them can list a study. A trial is kept once per (study, index): a trial recorded again (a
 * retried job, a resumed recorder) does not count twice.
 * @packageDocumentation
 */
import { z } from 'zod'

/** Zod schema of a stored trial. */
export const StudyTrialRecordSchema = z.strictObject({
  /** The study (walk-forward: one per window, `<run>/window-<k>`). */
  studyId: z.string().min(1),
  /** 0-based, in the order the sampler proposed the points. */
  index: z.number().int().nonnegative(),
  status: z.enum(['ok', 'failed', 'infeasible', 'timeout']),
  /** The objective value of an ok or infeasible trial. */
  value: z.number().optional(),
  params: z.record(z.string(), z.unknown()),
  durationMs: z.number().nonnegative(),
  /** When it was recorded (epoch ms). */
  recordedAt: z.number().int(),
  /** The outcome as the study saw it (metrics, or the error). */
  outcome: z.record(z.string(), z.unknown()),
})

/** A trial as the state store keeps it. */
export type StudyTrialRecord = z.infer<typeof StudyTrialRecordSchema>

/** One study in a listing. */
export interface StudySummary {
  readonly studyId: string
  readonly trials: number
  readonly ok: number
  /** The highest objective value of its ok trials; undefined when none is ok. */
  readonly best: number | undefined
  readonly firstAt: number
  readonly lastAt: number
}

/** The trials of parameter searches, in the state store. */
export interface StudyTrialsPort {
  /** Records a trial; returns false (and keeps the first) when the study already has this index. */
  recordTrial(trial: StudyTrialRecord): Promise<boolean>
  /** A study's trials by index (empty for an unknown study). */
  trials(studyId: string): Promise<StudyTrialRecord[]>
  /** The studies (whose id starts with `prefix` when given), most recently recorded first. */
  studies(prefix?: string): Promise<StudySummary[]>
}
