/**
 * Labels declared in config: what a model learns to predict for each bar. The one kind today is the
 * forward return over `horizon` bars, cut at `±threshold` into SELL / HOLD / BUY (class 0 / 1 / 2, the
 * agents' `OUTPUT_CLASSES` order).
 * @packageDocumentation
 */
import { parseOrThrow } from '@quantum/core'
import { z } from 'zod'

/** Zod schema of a label declaration (config). */
export const LabelSpecSchema = z.object({
  kind: z.literal('forward-return'),
  /** Bars ahead the return is measured over (the label of bar i reads the close of bar i + horizon). */
  horizon: z.number().int().positive().max(10_000),
  /** Return beyond which the label is BUY (above +threshold) or SELL (below -threshold). */
  threshold: z.number().positive().max(1),
})

/** A label declaration (see {@link LabelSpecSchema}). */
export type LabelSpec = z.output<typeof LabelSpecSchema>

/** The label the bundled example models were trained on: 4-bar return, ±0.6 %. */
export const DEFAULT_LABEL: LabelSpec = Object.freeze({ kind: 'forward-return', horizon: 4, threshold: 0.006 })

/** Class indices of the labels. */
export const LABEL_SELL = 0
/** Class indices of the labels. */
export const LABEL_HOLD = 1
/** Class indices of the labels. */
export const LABEL_BUY = 2
/** Marks a bar whose label is not known (its horizon runs past the data). */
export const LABEL_UNKNOWN = 255

/**
 * Validates a label declaration.
 * @throws {ConfigError} naming every bad field.
 * @example const spec = parseLabelSpec({ kind: 'forward-return', horizon: 4, threshold: 0.006 })
 */
export function parseLabelSpec(value: unknown, path = 'label'): LabelSpec {
  return parseOrThrow(LabelSpecSchema, value, { what: 'label declaration', path })
}

/** A one-line description of `spec`, stored in model metadata. */
export function describeLabel(spec: LabelSpec): string {
  const pct = `${+(spec.threshold * 100).toFixed(4)}%`
  return `forward ${spec.horizon}-bar return r = close[i+${spec.horizon}]/close[i]-1: BUY if r > +${pct}, SELL if r < -${pct}, else HOLD`
}

/**
 * The label of every bar of `close`: bar `i` reads `close[i]` and `close[i + horizon]` and nothing else;
 * the last `horizon` bars are {@link LABEL_UNKNOWN}.
 * @example const y = forwardReturnLabels(series.close, DEFAULT_LABEL)
 */
export function forwardReturnLabels(close: ArrayLike<number>, spec: LabelSpec): Uint8Array {
  const n = close.length
  const labels = new Uint8Array(n).fill(LABEL_UNKNOWN)
  for (let i = 0; i + spec.horizon < n; i++) {
    const r = close[i + spec.horizon]! / close[i]! - 1
    if (!Number.isFinite(r)) continue
    labels[i] = r > spec.threshold ? LABEL_BUY : r < -spec.threshold ? LABEL_SELL : LABEL_HOLD
  }
  return labels
}
