/**
 * Out-of-time evaluation: skill metrics, baselines, and the promotion gates.
 * @packageDocumentation
 */
export { skillMetrics, classPrior, constantProbabilities, majorityProbabilities } from './metrics.js'
export type { SkillMetrics, CalibrationBin, Probabilities } from './metrics.js'
