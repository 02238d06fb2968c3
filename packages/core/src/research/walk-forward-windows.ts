/**
 * Walk-forward windows: in-sample ranges to fit on, each followed (after a purge gap) by the
 * out-of-sample range the fitted point is tested on.
 * @packageDocumentation
 */
import { ConfigError, type ValidationIssue } from '../errors.js'

/** One walk-forward step (epoch ms, `from` inclusive, `to` exclusive). */
export interface WalkForwardWindow {
  readonly index: number
  readonly inSample: { readonly from: number; readonly to: number }
  readonly outOfSample: { readonly from: number; readonly to: number }
}

/** Options of {@link walkForwardWindows}. */
export interface WalkForwardOptions {
  /** Start of the data (epoch ms). */
  readonly from: number
  /** End of the data, exclusive (epoch ms). */
  readonly to: number
  /** Out-of-sample windows. */
  readonly windows: number
  /** In-sample length as a multiple of the out-of-sample length (rolling windows). @default 3 */
  readonly inSampleRatio?: number
  /** Anchored: every in-sample range starts at `from` (growing); rolling: a fixed length. @default false */
  readonly anchored?: boolean
  /** Gap between the in-sample end and the out-of-sample start, so that no trade spans both. @default 0 */
  readonly purgeMs?: number
}

/**
 * Cuts `[from, to)` into `windows` consecutive out-of-sample ranges of equal length L after a first
 * in-sample range of `inSampleRatio x L` plus the purge gap: window k tests on
 * `[from + ratio L + purge + k L, ... + L)` and fits on the `ratio x L` before the purge gap (rolling) or
 * on everything from `from` up to the purge gap (anchored).
 * @throws {ConfigError} for a range too short for the windows, or bad counts.
 * @example walkForwardWindows({ from: 0, to: 14, windows: 4, inSampleRatio: 3 }) // OOS [6,8), [8,10), [10,12), [12,14)
 */
export function walkForwardWindows(options: WalkForwardOptions): WalkForwardWindow[] {
  const ratio = options.inSampleRatio ?? 3
  const purge = options.purgeMs ?? 0
  const issues: ValidationIssue[] = []
  if (!(Number.isInteger(options.windows) && options.windows >= 1))
    issues.push({ path: 'windows', message: 'expected an integer >= 1' })
  if (!(ratio > 0)) issues.push({ path: 'inSampleRatio', message: 'expected a number > 0' })
  if (!(purge >= 0)) issues.push({ path: 'purgeMs', message: 'expected a duration >= 0' })
  const oosLength = (options.to - options.from - purge) / (options.windows + ratio)
  if (!(oosLength > 0))
    issues.push({ path: 'to', message: 'the data range is too short for these windows and purge gap' })
  if (issues.length > 0) throw new ConfigError('Invalid walk-forward windows', issues)
  const isLength = ratio * oosLength
  return Array.from({ length: options.windows }, (_, k) => {
    const oosFrom = Math.round(options.from + isLength + purge + k * oosLength)
    const oosTo =
      k === options.windows - 1 ? options.to : Math.round(options.from + isLength + purge + (k + 1) * oosLength)
    const isTo = oosFrom - purge
    const isFrom = options.anchored === true ? options.from : Math.round(isTo - isLength)
    return { index: k, inSample: { from: isFrom, to: isTo }, outOfSample: { from: oosFrom, to: oosTo } }
  })
}

/**
 * Chains out-of-sample equity curves, each starting from its own balance, into one curve starting at
 * `start`: every segment's growth is applied to the previous segment's end.
 * @example stitchEquity([[110, 121], [95]], [100, 100], 100) // [110, 121, 114.95]
 */
export function stitchEquity(
  segments: readonly (readonly number[])[],
  starts: readonly number[],
  start: number,
): number[] {
  const out: number[] = []
  let base = start
  segments.forEach((seg, k) => {
    const s0 = starts[k] as number
    for (const e of seg) out.push((base * e) / s0)
    if (seg.length > 0) base = (base * (seg[seg.length - 1] as number)) / s0
  })
  return out
}
