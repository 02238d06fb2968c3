/**
 * `@quantum/clm`: continuous learning — a histogram GBDT trainer in TypeScript (worker thread, ONNX
 * export), training data from the SDK's own features, out-of-time evaluation, promotion gates, and a
 * model registry with a lifecycle.
 * @packageDocumentation
 */
export * from './gbdt/index.js'
export * from './data/index.js'
export * from './eval/index.js'
export * from './registry/index.js'
export { TrainerError, type TrainerFailure } from './errors.js'
export { runWorker, type RunWorkerOptions, type WorkerIsolation, type WorkerReply } from './worker/run-worker.js'
export { startWorkerHost } from './worker/worker-host-client.js'
export {
  BACKGROUND_NICENESS,
  checkNiceness,
  currentNiceness,
  lowerProcessPriority,
  threadId,
} from './worker/priority.js'
export * from './pipeline/index.js'
export * from './drift/index.js'
export { prepareJob, runJobTask, jobWorkerFile, transferableHistories } from './worker/job-tasks.js'
export type {
  BacktestInput,
  JobTaskResult,
  PrepareInput,
  PreparedJob,
  PreparedSequences,
  ScoreInput,
  JobTask,
  JobTaskOptions,
} from './worker/job-tasks.js'
