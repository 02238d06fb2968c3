import { z } from 'zod'
import { parseOrThrow } from '../validate.js'

const periodSchema = z.number().int().min(1).max(1_000_000)

/**
 * Validates an indicator period (an integer from `min` to 1,000,000) at construction time.
 * @throws {ConfigError} when `period` is not such an integer.
 * @internal
 */
export function parsePeriod(period: unknown, what: string, min = 1): number {
  return parseOrThrow(periodSchema.min(min), period, { what: `period of ${what}`, path: 'period' })
}
