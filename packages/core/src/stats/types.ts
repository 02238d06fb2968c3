/**
 * Shared types of the statistics functions.
 * @packageDocumentation
 */

/** A numeric series, oldest first: `number[]`, `Float64Array`, … `NaN` entries are missing values. */
export type NumericSeries = ArrayLike<number>

/** A return series' sampling period, for the annualization factor (252 / 52 / 12 / 4 / 1). */
export type ReturnsPeriod = 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly'

/** How to annualize (empyrical's `period` / `annualization` arguments). */
export interface AnnualizationOptions {
  /** Sampling period of the returns. @default 'daily' (factor 252) */
  readonly period?: ReturnsPeriod
  /** Periods per year; overrides `period` (e.g. 8760 for hourly 24/7 bars). @default undefined */
  readonly annualization?: number
}

/** A constant or a per-period series (same length as the returns), subtracted element-wise. */
export type Benchmark = number | NumericSeries
