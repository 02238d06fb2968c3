/**
 * The model registry: versions with lineage and content-addressed files behind a port, a file-backed
 * implementation, and the lifecycle TRAINING -> CANDIDATE -> PRODUCTION -> ARCHIVED with rollback.
 * @packageDocumentation
 */
export { MODEL_STAGES, LineageSchema, ModelVersionSchema, RegistryFileSchema } from './types.js'
export type { ModelStage, Lineage, ModelVersion, VersionPatch, RegistryPort } from './types.js'
export { openFileRegistry } from './file-registry.js'
export type { FileRegistryOptions } from './file-registry.js'
export { ModelLifecycle, STAGE_TRANSITIONS } from './lifecycle.js'
export type { ClmMetadata, LifecycleEvent, MaterializedModel } from './lifecycle.js'
