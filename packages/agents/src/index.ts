/**
 * `@quantum/agents`: agent plugins (market data -> BUY / SELL / HOLD signals). This release ships the
 * EMA-cross agent; the ONNX model agents and the Ensemble Manager arrive with the AI-agents work.
 * @packageDocumentation
 */
export { emaCross } from './plugins/ema-cross.js'
export { rsiReversal } from './plugins/rsi-reversal.js'
export { randomEntries } from './plugins/random-entries.js'
export * from './ensemble/index.js'
export * from './sizing/index.js'
export * from './regime/index.js'
export * from './universe/index.js'
export * from './supervisor/index.js'
export {
  ModelMetadataSchema,
  readModelMetadata,
  parseModelMetadata,
  metadataPathFor,
  assertModelFeatures,
  MODEL_METADATA_FORMAT,
  MODEL_FAMILIES,
  MODEL_CLASSES,
} from './models/model-metadata.js'
export type { ModelMetadata, ModelFamily, ModelClass, ModelInputShape } from './models/model-metadata.js'
export {
  xgboostJsonToOnnx,
  lightgbmTextToOnnx,
  TreeEnsembleBuilder,
  float32AtOrBelow,
  type XgboostToOnnxOptions,
  type LightgbmToOnnxOptions,
  type BranchMode,
  type BranchSpec,
  type TreeEnsembleOptions,
} from './convert/index.js'
/** The small ONNX writer the converters use (nodes, attributes, tensors, models over onnx-proto). */
export * as onnxWriter from './convert/onnx-writer.js'
export type { OnnxTensor, OnnxAttribute, OnnxNode, OnnxValueInfo } from './convert/onnx-writer.js'
export {
  STANDARD_FEATURES,
  STANDARD_FEATURES_WARMUP,
  StandardFeatureStream,
  computeStandardFeatures,
} from './features/standard-features.js'
export type { StandardFeature } from './features/standard-features.js'
export { modelAgent, xgboostAgent, lightgbmAgent, nhitsAgent, patchtstAgent } from './plugins/model-agent.js'
export type { ModelAgentOptions, TabularModelAgentOptions, SequenceModelAgentOptions } from './plugins/model-agent.js'
export type { ModelAgentPlugin, ModelAgentDiagnostics } from './plugins/model-agent-core.js'
export { ModelRegistry, ModelHandle, modelRegistryFor, defaultInferenceThreads } from './models/model-registry.js'
export type { ModelRegistryOptions, ModelRegistryEntry } from './models/model-registry.js'
export {
  ModelSession,
  openModelSession,
  checkExpectation,
  probabilityIssue,
  defaultWindowOf,
  OUTPUT_CLASSES,
  CLASS_COUNT,
  TABULAR_FAMILIES,
  SEQUENCE_FAMILIES,
  SEQUENCE_WINDOW,
  DEFAULT_SESSION_OPTIONS,
} from './models/model-session.js'
export type { ModelExpectation, OpenModelOptions, OrtSessionOptions, OrtSessionHandle } from './models/model-session.js'
export { BatchPredictor } from './models/batch-predictor.js'
export type { BatchTarget, BatchPredictorOptions } from './models/batch-predictor.js'
export {
  predictHistory,
  LiveWindow,
  featureColumns,
  ROW_NO_INPUT,
  ROW_OK,
  ROW_INVALID_OUTPUT,
} from './models/model-input.js'
export type { HistoryPredictions, PredictHistoryOptions, NormStats, OhlcvBar } from './models/model-input.js'
