/**
 * The CLM pipeline: scheduler -> job queue -> orchestrator -> training adapter.
 * @packageDocumentation
 */
export { gbdtAdapter } from './adapter.js'
export type { TrainingAdapter, TrainingRequest, TrainedModel } from './adapter.js'
export { pythonAdapter, torchAdapter, findPython, locatePython } from './python-adapter.js'
export type { PythonAdapterOptions, PythonLibrary, TorchAdapterOptions, TorchArchitecture } from './python-adapter.js'
export { InProcessQueue } from './queue.js'
export { BullmqQueue } from './bullmq-queue.js'
export type { BullmqQueueOptions } from './bullmq-queue.js'
export type { JobQueue, TrainingJob, JobHandler } from './queue.js'
export { TrainingScheduler, DEFAULT_SCHEDULE_HOURS, scheduleHours } from './scheduler.js'
export type { SchedulerOptions } from './scheduler.js'
export { Orchestrator } from './orchestrator.js'
export type { AnyFamilyPlan, FamilyPlan, JobEvent, JobStep, JobReport, OrchestratorOptions } from './orchestrator.js'
export {
  DEFAULT_RL_GATES,
  DEFAULT_RL_SIZER,
  RlTableMetadataSchema,
  evaluateRl,
  replayPolicy,
  rlSamplesFromStore,
  runRlJob,
  trainQTable,
} from './rl-job.js'
export type {
  RlEvaluation,
  RlFamilyPlan,
  RlGates,
  RlReplay,
  RlSizerSettings,
  RlTableMetadata,
  RlTradeSample,
} from './rl-job.js'
