/**
 * Time-ordered train / validation / test splits with a purge gap. A row belongs to a split only when
 * its bar is inside the split and the last bar its label reads is too, so no label reads past its split;
 * each later split also starts `purgeMs` after the previous one ends (an embargo at least as long as
 * the label horizon by default).
 * @packageDocumentation
 */
import { ConfigError } from '@quantum/core'
import type { LabelledMatrix } from '../gbdt/train.js'
import type { Dataset } from './dataset.js'

const DAY = 86_400_000

/** Where the splits start and end (epoch ms; each range is `[start, end)`). */
export interface SplitPlan {
  /** First bar time of the training split. */
  readonly trainStart: number
  /** End of the training split (start of validation, before the purge gap). */
  readonly trainEnd: number
  /** End of the validation split. */
  readonly validationEnd: number
  /** End of the test (out-of-time evaluation) split. */
  readonly testEnd: number
  /** Gap left at the start of validation and test. */
  readonly purgeMs: number
}

/** Options of {@link planSplits}. */
export interface PlanSplitsOptions {
  /** End of the data used (exclusive), e.g. the open time of the newest closed bar + 1 bar. */
  readonly end: number
  /** Length of the test split. @default 90 days */
  readonly testDays?: number
  /** Length of the validation split. @default 90 days */
  readonly validationDays?: number
  /** Length of the training split. @default everything before validation */
  readonly trainDays?: number
  /** Purge gap. @default label horizon x bar length */
  readonly purgeMs?: number
}

/**
 * Plans the splits back from `options.end` for `dataset`.
 * @example const plan = planSplits(ds, { end: Date.UTC(2025, 9, 1) })
 */
export function planSplits(dataset: Dataset, options: PlanSplitsOptions): SplitPlan {
  const testEnd = options.end
  const validationEnd = testEnd - (options.testDays ?? 90) * DAY
  const trainEnd = validationEnd - (options.validationDays ?? 90) * DAY
  const first = dataset.rows > 0 ? dataset.time[0]! : trainEnd
  const trainStart = options.trainDays === undefined ? first : Math.max(first, trainEnd - options.trainDays * DAY)
  const purgeMs = options.purgeMs ?? dataset.label.horizon * dataset.timeframeMs
  return { trainStart, trainEnd, validationEnd, testEnd, purgeMs }
}

/** The rows of one split, with where they came from. */
export interface DatasetSlice extends LabelledMatrix {
  /** Row indices in the dataset. */
  readonly index: Uint32Array
  /** Bar open times of the rows. */
  readonly time: Float64Array
  /** `[start, end)` of the split. */
  readonly range: { readonly start: number; readonly end: number }
}

/** The three splits of a dataset. */
export interface Splits {
  readonly train: DatasetSlice
  readonly validation: DatasetSlice
  readonly test: DatasetSlice
  readonly plan: SplitPlan
}

/**
 * The rows of `dataset` inside `[start, end)` whose label reads no bar at or after `end`.
 * @example const test = sliceDataset(ds, { start, end })
 */
export function sliceDataset(dataset: Dataset, range: { readonly start: number; readonly end: number }): DatasetSlice {
  const picked: number[] = []
  for (let i = 0; i < dataset.rows; i++) {
    if (dataset.time[i]! >= range.start && dataset.labelEnd[i]! < range.end) picked.push(i)
  }
  const f = dataset.columns
  const index = Uint32Array.from(picked)
  const values = new Float32Array(index.length * f)
  index.forEach((r, k) => values.set(dataset.values.subarray(r * f, r * f + f), k * f))
  return {
    values,
    labels: Uint8Array.from(index, (r) => dataset.labels[r]!),
    rows: index.length,
    columns: f,
    index,
    time: Float64Array.from(index, (r) => dataset.time[r]!),
    range: { start: range.start, end: range.end },
  }
}

/**
 * Splits `dataset` by `plan`.
 * @throws {ConfigError} when the plan's bounds are not in order.
 * @example const { train, validation, test } = splitDataset(ds, planSplits(ds, { end }))
 */
export function splitDataset(dataset: Dataset, plan: SplitPlan): Splits {
  const { trainStart, trainEnd, validationEnd, testEnd, purgeMs } = plan
  if (!(trainStart < trainEnd && trainEnd + purgeMs < validationEnd && validationEnd + purgeMs < testEnd)) {
    const bounds = [trainStart, trainEnd, validationEnd, testEnd].map((t) => new Date(t).toISOString())
    throw new ConfigError(`Splits out of order (purge ${purgeMs} ms): ${bounds.join(' < ')} does not hold`)
  }
  return {
    train: sliceDataset(dataset, { start: trainStart, end: trainEnd }),
    validation: sliceDataset(dataset, { start: trainEnd + purgeMs, end: validationEnd }),
    test: sliceDataset(dataset, { start: validationEnd + purgeMs, end: testEnd }),
    plan,
  }
}
