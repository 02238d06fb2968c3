/**
 * The Model Supervisor (bias detection) and its shared handle (findings, mute list).
 * @packageDocumentation
 */
export { modelSupervisor } from './model-supervisor.js'
export { createSupervisorHandle, isMuteList } from './supervisor-handle.js'
export type { ModelSupervisorOptions } from './model-supervisor.js'
export type { FindingKind, MuteList, SupervisorFinding, SupervisorHandle } from './supervisor-handle.js'
