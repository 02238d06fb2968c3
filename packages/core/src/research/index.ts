/**
 * Strategy research: parameter spaces, samplers, objectives, the search loop, walk-forward statistics
 * and the look-ahead / recursion checks.
 * @packageDocumentation
 */
export {
  int,
  float,
  choice,
  validateSpace,
  checkParams,
  inDomain,
  isActive,
  dependencyOrder,
  ParamSpecSchema,
  IntParamSchema,
  FloatParamSchema,
  ChoiceParamSchema,
  ConditionSchema,
} from './param-space.js'
export type {
  ParamValue,
  IntParam,
  FloatParam,
  ChoiceParam,
  ParamSpec,
  ParamSpace,
  Params,
  ParamsOf,
  ValueOf,
  NumericOptions,
} from './param-space.js'
export { randomSampler, gridSampler, tpeSampler, samplePoint, gridAxis, toUnit, fromUnit } from './samplers.js'
export type { Sampler, TrialRecord, TpeOptions, NumericSpec } from './samplers.js'
export { OBJECTIVE_NAMES, scoreSummary, trialMetrics } from './objective.js'
export type {
  ObjectiveName,
  ObjectiveFunction,
  Objective,
  Constraints,
  TrialMetrics,
  TrialOutcome,
} from './objective.js'
export { runStudy, bestTrial, countStatuses, toRecord } from './study.js'
export type { Trial, StudyOptions, StudyResult, StatusCounts } from './study.js'
export { defineSearch, SearchSpecSchema, SEARCH_METHODS } from './search-spec.js'
export type { SearchSpec, SearchMethod } from './search-spec.js'
export { normalCdf, normalQuantile, erf } from './normal.js'
export { deflatedSharpe, expectedMaxSharpe, probabilisticSharpe, moments } from './deflated-sharpe.js'
export type { DeflatedSharpe, DeflatedSharpeInput, SharpeSample } from './deflated-sharpe.js'
export { probabilityOfOverfitting } from './pbo.js'
export type { Pbo, PboOptions } from './pbo.js'
export { walkForwardWindows, stitchEquity } from './walk-forward-windows.js'
export type { WalkForwardWindow, WalkForwardOptions } from './walk-forward-windows.js'
export { checkBias } from './bias-check.js'
export type {
  BiasCheckOptions,
  BiasReport,
  BiasWindow,
  LookAheadMismatch,
  PluginLookAhead,
  WarmupRow,
} from './bias-check.js'
export { recordPlugins } from './plugin-recorder.js'
export type { PluginOutput, RecordedPlugins } from './plugin-recorder.js'
