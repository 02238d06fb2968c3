/**
 * The deflated Sharpe ratio (Bailey & López de Prado 2014): the probability that a strategy's true Sharpe
 * ratio is above the best one expected by chance among the trials that were tried.
 * @packageDocumentation
 */
import { ConfigError } from '../errors.js'
import type { NumericSeries } from '../stats/types.js'
import { normalCdf, normalQuantile } from './normal.js'

const EULER_GAMMA = 0.5772156649015329

/**
 * The expected maximum of `trials` Sharpe ratios drawn with variance `variance` when every true Sharpe
 * ratio is 0: sqrt(V) ((1 - γ) Φ⁻¹(1 - 1/N) + γ Φ⁻¹(1 - 1/(N e))).
 * @example expectedMaxSharpe(100, 0.5) // 1.7894
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials <= 1) return 0
  return (
    Math.sqrt(variance) *
    ((1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) + EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E)))
  )
}

/** Input of {@link probabilisticSharpe}: per-period figures (not annualised). */
export interface SharpeSample {
  /** The observed Sharpe ratio per period. */
  readonly sharpe: number
  /** Number of return observations. */
  readonly observations: number
  /** Skewness of the returns. @default 0 */
  readonly skewness?: number
  /** Kurtosis of the returns (not excess: 3 for a normal). @default 3 */
  readonly kurtosis?: number
}

/**
 * The probabilistic Sharpe ratio: P(true SR > benchmark) =
 * Φ((SR - SR*) sqrt(T - 1) / sqrt(1 - γ3 SR + (γ4 - 1) / 4 SR²)), all per period.
 * @example probabilisticSharpe({ sharpe: 0.1, observations: 250 }, 0) // 0.9423
 */
export function probabilisticSharpe(sample: SharpeSample, benchmark: number): number {
  const { sharpe, observations } = sample
  const g3 = sample.skewness ?? 0
  const g4 = sample.kurtosis ?? 3
  const denominator = 1 - g3 * sharpe + ((g4 - 1) / 4) * sharpe * sharpe
  if (!(observations > 1) || !(denominator > 0)) return NaN
  return normalCdf(((sharpe - benchmark) * Math.sqrt(observations - 1)) / Math.sqrt(denominator))
}

/** Input of {@link deflatedSharpe}. */
export interface DeflatedSharpeInput extends SharpeSample {
  /** Independent trials the strategy was selected from. */
  readonly trials: number
  /** Variance of the trials' (per-period) Sharpe ratios. */
  readonly trialVariance: number
}

/** Result of {@link deflatedSharpe}. */
export interface DeflatedSharpe {
  /** The Sharpe ratio the best of `trials` luckless trials would show (per period). */
  readonly expectedMaxSharpe: number
  /** P(true SR > expectedMaxSharpe): above 0.95, the result is unlikely to be selection luck. */
  readonly probability: number
}

/**
 * The deflated Sharpe ratio: {@link probabilisticSharpe} against {@link expectedMaxSharpe}.
 * @throws {ConfigError} for fewer than one trial or a negative variance.
 * @example deflatedSharpe({ sharpe: 0.1, observations: 1250, trials: 100, trialVariance: 0.0004 })
 */
export function deflatedSharpe(input: DeflatedSharpeInput): DeflatedSharpe {
  const issues = [
    ...(input.trials >= 1 ? [] : [{ path: 'trials', message: 'expected at least one trial' }]),
    ...(input.trialVariance >= 0 ? [] : [{ path: 'trialVariance', message: 'expected a variance >= 0' }]),
  ]
  if (issues.length > 0) throw new ConfigError('Invalid deflated Sharpe input', issues)
  const sr0 = expectedMaxSharpe(input.trials, input.trialVariance)
  return { expectedMaxSharpe: sr0, probability: probabilisticSharpe(input, sr0) }
}

/** Mean, standard deviation (n - 1), skewness and kurtosis (population moments, not excess) of a series. */
export function moments(values: NumericSeries): { mean: number; sd: number; skewness: number; kurtosis: number } {
  const n = values.length
  let mean = 0
  for (let i = 0; i < n; i++) mean += values[i] as number
  mean /= n
  let m2 = 0
  let m3 = 0
  let m4 = 0
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean
    m2 += d * d
    m3 += d * d * d
    m4 += d * d * d * d
  }
  m2 /= n
  m3 /= n
  m4 /= n
  return { mean, sd: Math.sqrt((m2 * n) / (n - 1)), skewness: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) }
}
