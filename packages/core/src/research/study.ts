/**
 * The search loop: asks a sampler for points, evaluates them with bounded concurrency, records every
 * outcome (failures included) and picks the best `ok` trial.
 * @packageDocumentation
 */
import { ConfigError } from '../errors.js'
import type { TrialOutcome } from './objective.js'
import type { Params } from './param-space.js'
import type { Sampler, TrialRecord } from './samplers.js'

/** One evaluated point. */
export interface Trial {
  /** 0-based, in the order the points were proposed. */
  readonly index: number
  readonly params: Params
  readonly outcome: TrialOutcome
  /** Wall time of the evaluation (ms). */
  readonly durationMs: number
}

/** Options of {@link runStudy}. */
export interface StudyOptions {
  readonly sampler: Sampler
  /** Trials to run (fewer when a grid is exhausted first). */
  readonly trials: number
  /** Evaluations in flight at once. @default 1 */
  readonly concurrency?: number
  /** Evaluates one point; a rejection is recorded as a `failed` trial. */
  readonly evaluate: (params: Params, index: number) => Promise<TrialOutcome>
  /** Called as each trial finishes (e.g. to persist it). @default none */
  readonly onTrial?: (trial: Trial) => void | Promise<void>
}

/** Counts of trials by status. */
export type StatusCounts = Readonly<Record<TrialOutcome['status'], number>>

/** Result of {@link runStudy}. */
export interface StudyResult {
  /** Every trial, by index. */
  readonly trials: readonly Trial[]
  /** The `ok` trial of the highest value (the earliest on ties); undefined when no trial is `ok`. */
  readonly best: Trial | undefined
  readonly counts: StatusCounts
}

/** A trial as samplers see it. */
export function toRecord(trial: Trial): TrialRecord {
  const o = trial.outcome
  return o.status === 'ok'
    ? { params: trial.params, status: 'ok', value: o.value }
    : { params: trial.params, status: o.status }
}

/** The best `ok` trial (highest finite value, earliest on ties), if any. */
export function bestTrial(trials: readonly Trial[]): Trial | undefined {
  let best: Trial | undefined
  for (const t of trials) {
    if (t.outcome.status !== 'ok' || !Number.isFinite(t.outcome.value)) continue
    if (best === undefined || t.outcome.value > (best.outcome as { value: number }).value) best = t
  }
  return best
}

/** Counts trials by status. */
export function countStatuses(trials: readonly Trial[]): StatusCounts {
  const counts = { ok: 0, failed: 0, infeasible: 0, timeout: 0 }
  for (const t of trials) counts[t.outcome.status]++
  return counts
}

/**
 * Runs a search: up to `trials` points from the sampler, `concurrency` at a time; the sampler sees the
 * finished trials. Every outcome is recorded; only `ok` trials compete for the best.
 * @throws {ConfigError} when `trials` or `concurrency` is not a positive integer.
 * @example const { best } = await runStudy({ sampler: tpeSampler(space), trials: 200, evaluate })
 */
export async function runStudy(options: StudyOptions): Promise<StudyResult> {
  const concurrency = options.concurrency ?? 1
  const issues = [
    ...(Number.isInteger(options.trials) && options.trials > 0
      ? []
      : [{ path: 'trials', message: 'expected an integer > 0' }]),
    ...(Number.isInteger(concurrency) && concurrency > 0
      ? []
      : [{ path: 'concurrency', message: 'expected an integer > 0' }]),
  ]
  if (issues.length > 0) throw new ConfigError('Invalid study options', issues)
  const trials: Trial[] = []
  const history: TrialRecord[] = []
  let proposed = 0
  let exhausted = false
  const worker = async (): Promise<void> => {
    while (proposed < options.trials && !exhausted) {
      const params = options.sampler.ask(history)
      if (params === undefined) {
        exhausted = true
        return
      }
      const index = proposed++
      const started = performance.now()
      let outcome: TrialOutcome
      try {
        outcome = await options.evaluate(params, index)
      } catch (error) {
        outcome = { status: 'failed', error: error instanceof Error ? error.message : String(error) }
      }
      const trial: Trial = { index, params, outcome, durationMs: performance.now() - started }
      trials.push(trial)
      history.push(toRecord(trial))
      await options.onTrial?.(trial)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  trials.sort((a, b) => a.index - b.index)
  return { trials, best: bestTrial(trials), counts: countStatuses(trials) }
}
