/**
 * Errors of the continuous-learning module. Every one is a `QuantumError` (core), so callers can switch
 * on `code`; the classes here only add what a caller needs to tell training failures apart.
 * @packageDocumentation
 */
import { QuantumError, type QuantumErrorOptions } from '@quantum/core'

/** Why a training run failed. */
export type TrainerFailure = 'crashed' | 'timeout' | 'missing-dependency' | 'failed'

/**
 * A trainer (TypeScript worker or external process) crashed, hung past its timeout, or could not start
 * because something it needs is not installed. Nothing is registered when it is thrown.
 */
export class TrainerError extends QuantumError {
  override readonly name = 'TrainerError'
  /** The trainer concerned, e.g. `gbdt-worker` or `python:xgboost`. */
  readonly trainer: string
  /** What went wrong. */
  readonly failure: TrainerFailure

  /** `detail` is the message, or the message and the underlying error. */
  constructor(
    trainer: string,
    failure: TrainerFailure,
    detail: string | { readonly message: string; readonly cause: unknown },
  ) {
    const message = typeof detail === 'string' ? detail : detail.message
    const options: QuantumErrorOptions | undefined = typeof detail === 'string' ? undefined : { cause: detail.cause }
    super('PLUGIN_FAILED', `Trainer ${trainer} ${failure}: ${message}`, options)
    this.trainer = trainer
    this.failure = failure
  }
}
