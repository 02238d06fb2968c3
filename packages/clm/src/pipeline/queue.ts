/**
 * The job-queue port between the scheduler and the training workers, and its in-process
 * implementation (the default: no server). At most one job per family is queued or running at a time.
 * @packageDocumentation
 */

/** One training job. */
export interface TrainingJob {
  /** Model family to train. */
  readonly family: string
  /** Why it runs: its schedule, a missed schedule at start, drift, or by hand. */
  readonly reason: 'schedule' | 'missed-at-start' | 'drift' | 'manual'
  /** When it was asked for (epoch ms). */
  readonly requestedAt: number
}

/** Handles one job; a rejection is reported, never lost. */
export type JobHandler = (job: TrainingJob) => Promise<void>

/** A queue of training jobs. */
export interface JobQueue {
  /** Queues `job` unless a job of its family is queued or running (then `'duplicate'`). */
  enqueue(job: TrainingJob): Promise<'queued' | 'duplicate'>
  /** Starts processing with `handler` (one job at a time per worker). */
  process(handler: JobHandler, onError?: (job: TrainingJob, error: unknown) => void): void
  /** Waits until nothing is queued or running. */
  drain(): Promise<void>
  /** Stops taking jobs (a running job finishes). */
  close(): Promise<void>
}

/**
 * In-process queue: FIFO, one job at a time (training is CPU-bound; the machine has few cores).
 * @example const queue = new InProcessQueue(); queue.process((job) => orchestrator.run(job))
 */
export class InProcessQueue implements JobQueue {
  private readonly pending: TrainingJob[] = []
  private readonly families = new Set<string>()
  private handler: JobHandler | undefined
  private onError: ((job: TrainingJob, error: unknown) => void) | undefined
  private running: Promise<void> | undefined
  private closed = false

  enqueue(job: TrainingJob): Promise<'queued' | 'duplicate'> {
    if (this.closed || this.families.has(job.family)) return Promise.resolve('duplicate')
    this.families.add(job.family)
    this.pending.push(job)
    this.pump()
    return Promise.resolve('queued')
  }

  process(handler: JobHandler, onError?: (job: TrainingJob, error: unknown) => void): void {
    this.handler = handler
    this.onError = onError
    this.pump()
  }

  async drain(): Promise<void> {
    while (this.running !== undefined || (this.pending.length > 0 && this.handler !== undefined)) {
      await (this.running ?? Promise.resolve())
    }
  }

  async close(): Promise<void> {
    this.closed = true
    this.pending.length = 0
    await this.running
  }

  private pump(): void {
    if (this.running !== undefined || this.handler === undefined) return
    const job = this.pending.shift()
    if (job === undefined) return
    const handler = this.handler
    this.running = handler(job)
      .catch((error: unknown) => this.onError?.(job, error))
      .finally(() => {
        this.families.delete(job.family)
        this.running = undefined
        this.pump()
      })
  }
}
