/**
 * Drift: PSI per feature and of the predictions against the training reference, with hysteresis.
 * @packageDocumentation
 */
export { featureReference, featurePsi, predictionPsi, psiOfShares, DriftMonitor } from './psi.js'
export type { FeatureReference, Hysteresis, DriftFinding } from './psi.js'
export { RetrainTrigger } from './retrain-trigger.js'
export type { RetrainEvent, RetrainTriggerOptions, RetrainCounts } from './retrain-trigger.js'
