import { ConfigError } from '../errors.js'
import type { AnnualizationOptions, ReturnsPeriod } from './types.js'

/** Periods per year for each {@link ReturnsPeriod} (empyrical's `ANNUALIZATION_FACTORS`). */
export const ANNUALIZATION_FACTORS: Readonly<Record<ReturnsPeriod, number>> = {
  daily: 252,
  weekly: 52,
  monthly: 12,
  quarterly: 4,
  yearly: 1,
}

/**
 * Resolves the annualization factor: `annualization` when given, else the factor of `period`.
 * @throws {ConfigError} for an unknown period or a non-positive annualization.
 * @example annualizationFactor({ period: 'weekly' }) // 52
 */
export function annualizationFactor(options: AnnualizationOptions = {}): number {
  const { period = 'daily', annualization } = options
  if (annualization !== undefined) {
    if (!(annualization > 0) || !Number.isFinite(annualization)) {
      throw new ConfigError('Invalid annualization', [{ path: 'annualization', message: 'expected a positive number' }])
    }
    return annualization
  }
  if (!Object.hasOwn(ANNUALIZATION_FACTORS, period)) {
    const known = Object.keys(ANNUALIZATION_FACTORS).join(', ')
    throw new ConfigError('Invalid period', [{ path: 'period', message: `expected one of ${known}` }])
  }
  return ANNUALIZATION_FACTORS[period]
}
