/**
 * Training data: labels declared in config, rows from the SDK's own feature code, time-ordered splits.
 * @packageDocumentation
 */
export {
  LabelSpecSchema,
  DEFAULT_LABEL,
  LABEL_SELL,
  LABEL_HOLD,
  LABEL_BUY,
  LABEL_UNKNOWN,
  parseLabelSpec,
  describeLabel,
  forwardReturnLabels,
} from './labels.js'
export type { LabelSpec } from './labels.js'
export { buildDataset } from './dataset.js'
export type { Dataset, DatasetOptions } from './dataset.js'
export { planSplits, splitDataset, sliceDataset } from './splits.js'
export type { SplitPlan, PlanSplitsOptions, DatasetSlice, Splits } from './splits.js'
export { sequenceMatrix, windowedSlice, columnStats, windowBatch } from './windows.js'
export type { SequenceMatrix, Normalization } from './windows.js'
export { venueCandles } from './venue-data.js'
export type { VenueCandlesOptions } from './venue-data.js'
