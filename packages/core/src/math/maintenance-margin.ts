import { z } from 'zod'
import { ConfigError } from '../errors.js'
import { parseOrThrow } from '../validate.js'
import { nonNegative, numeric } from './schemas.js'
import type { MaintenanceBracket, MaintenanceBracketInput } from './types.js'

const bracketSchema = z.object({
  notionalFloor: numeric().pipe(z.number().finite().nonnegative()),
  notionalCap: numeric().pipe(z.number().finite().positive()),
  maintMarginRatio: numeric().pipe(z.number().finite().min(0).lt(1)),
  cum: numeric().pipe(z.number().finite().nonnegative()),
  initialLeverage: numeric().pipe(z.number().finite().min(1)),
})

const bracketsSchema = z
  .array(bracketSchema)
  .min(1)
  .refine((bs) => bs.every((b) => b.notionalFloor < b.notionalCap), {
    message: 'each bracket needs notionalFloor < notionalCap',
  })

/**
 * Parses a leverage-bracket table (Binance `brackets`, or the `info` of ccxt's leverage tiers:
 * numeric strings accepted) and sorts it by `notionalFloor`.
 * @throws {ConfigError} for a missing field, a non-numeric value or an empty table.
 * @example parseMaintenanceBrackets(tiers['BTC/USDT:USDT'].map((t) => t.info))
 */
export function parseMaintenanceBrackets(brackets: readonly MaintenanceBracketInput[]): MaintenanceBracket[] {
  const parsed = parseOrThrow(bracketsSchema, brackets, { what: 'leverage brackets', path: 'brackets' })
  return [...parsed].sort((a, b) => a.notionalFloor - b.notionalFloor)
}

/**
 * Finds the bracket of a position notional: the first (by floor) with `notional ≤ notionalCap`.
 * At a boundary either neighbour gives the same maintenance margin (that is what `cum` is for).
 * @throws {ConfigError} for a bad table, a negative notional or one above the largest cap.
 * @example findMaintenanceBracket(60_000, brackets).maintMarginRatio // 0.005 for BTCUSDT
 */
export function findMaintenanceBracket(
  notional: number,
  brackets: readonly MaintenanceBracketInput[],
): MaintenanceBracket {
  const n = parseOrThrow(nonNegative(), notional, { what: 'notional', path: 'notional' })
  const table = parseMaintenanceBrackets(brackets)
  const found = table.find((b) => n <= b.notionalCap)
  if (found === undefined) {
    const cap = table[table.length - 1]?.notionalCap
    throw new ConfigError('Notional above the largest leverage bracket', [
      { path: 'notional', message: `${n} > ${cap}` },
    ])
  }
  return found
}

/** Input of {@link maintenanceMargin}. */
export interface MaintenanceMarginInput {
  /** Position notional at the mark price (USDT, ≥ 0). */
  readonly notional: number
  /** Leverage-bracket table of the symbol (numbers or Binance's numeric strings). */
  readonly brackets: readonly MaintenanceBracketInput[]
}

/**
 * Maintenance margin of a position: `notional · maintMarginRatio − cum` of its bracket (Binance).
 * @see https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93 (Binance: maintenance margin = notional · MMR − cum)
 * @throws {ConfigError} for a bad table, a negative notional or one above the largest cap.
 * @example maintenanceMargin({ notional: 100_000, brackets }) // 100000·0.005 − 50 = 450 for BTCUSDT
 */
export function maintenanceMargin(input: MaintenanceMarginInput): number {
  const b = findMaintenanceBracket(input.notional, input.brackets)
  return input.notional * b.maintMarginRatio - b.cum
}
