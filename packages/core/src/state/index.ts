export {
  RunStatusSchema,
  RunRecordSchema,
  IntentRecordSchema,
  AckRecordSchema,
  FillRecordSchema,
  TradeRecordSchema,
  EquityPointSchema,
  RiskStateRecordSchema,
  EXIT_STATE_VERSION,
  ExitStateSchema,
  PositionRecordSchema,
} from './schemas.js'
export type {
  RunStatus,
  RunRecord,
  IntentRecord,
  AckRecord,
  FillRecord,
  StoredTrade,
  EquityPoint,
  RiskStateRecord,
  ExitState,
  ExitStateInput,
  StoredExitState,
  PositionRecord,
} from './schemas.js'
export {
  StateStoreError,
  StateInvalidError,
  StateUnavailableError,
  StateLockedError,
  StateFullError,
} from './errors.js'
export type { StateInvalidReason, StateErrorOptions } from './errors.js'
export { MODEL_STAGES, LineageSchema, ModelVersionSchema, modelVersionId } from './models.js'
export type { ModelStage, Lineage, ModelVersion, VersionPatch, StageChange, ModelRegistryPort } from './models.js'
export { ModelLifecycle, STAGE_TRANSITIONS } from './model-lifecycle.js'
export type { LifecycleEvent, MaterializedModel, ModelLifecycleOptions } from './model-lifecycle.js'
export { ProductionWatcher } from './production-watcher.js'
export type { ProductionChange, ProductionWatcherOptions } from './production-watcher.js'
export { StudyTrialRecordSchema } from './studies.js'
export type { StudyTrialRecord, StudySummary, StudyTrialsPort } from './studies.js'
export type * from './types.js'
