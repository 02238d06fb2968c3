/**
 * Gap detection for time series with a fixed step (candles, funding events).
 * @packageDocumentation
 */

import type { DataIssue } from '../errors.js'

/** A hole in a time series: `missing` steps absent between two consecutive rows. */
export interface Gap {
  /** Time of the last row before the hole (epoch ms). */
  readonly from: number
  /** Time of the first row after the hole (epoch ms). */
  readonly to: number
  /** How many rows would fill the hole (`(to - from) / step - 1`, rounded). */
  readonly missing: number
}

/** What a reader found in a valid file: size, range, step and gaps. Printable by the caller. */
export interface DataReport {
  /** Number of rows. */
  readonly rows: number
  /** Time of the first row (epoch ms). */
  readonly first: number
  /** Time of the last row (epoch ms). */
  readonly last: number
  /** The step used for gap detection (ms): the timeframe, or the funding interval. */
  readonly stepMs: number
  /** Price spikes kept with `onSpike: 'report'` (each with its line); absent when there were none. */
  readonly spikes?: readonly DataIssue[]
  /** Every gap, in time order. Empty when the series is contiguous. */
  readonly gaps: readonly Gap[]
}

/**
 * Lists the places where consecutive times are more than one step apart (at least one step missing,
 * after rounding `(to - from) / stepMs` to the nearest integer). `times` must be ascending.
 * @example findGaps(series.openTime, 3_600_000) // [{ from, to, missing: 5 }]
 */
export function findGaps(times: Float64Array, stepMs: number): Gap[] {
  const gaps: Gap[] = []
  const limit = stepMs * 1.5
  for (let i = 1; i < times.length; i++) {
    const from = times[i - 1]!
    const to = times[i]!
    if (to - from < limit) continue
    gaps.push({ from, to, missing: Math.round((to - from) / stepMs) - 1 })
  }
  return gaps
}
