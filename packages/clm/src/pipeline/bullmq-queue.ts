/**
 * A {@link JobQueue} on BullMQ / Redis, so training workers can run on other machines: the scheduler
 * enqueues on one, workers process on any. The job id is the family, so at most one job per family is
 * waiting or running across every machine.
 * @packageDocumentation
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq'
import type { JobHandler, JobQueue, TrainingJob } from './queue.js'

/** Options of {@link BullmqQueue}. */
export interface BullmqQueueOptions {
  /** Redis connection. @default 127.0.0.1:6379 */
  readonly connection?: ConnectionOptions
  /** Queue name. @default 'quantum-clm-training' */
  readonly name?: string
  /** Redis key prefix (separates deployments or tests). @default 'bull' */
  readonly prefix?: string
  /** Lock duration of a running job; a training longer than this keeps renewing it. @default 60000 */
  readonly lockMs?: number
}

const ACTIVE_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'])

/** The BullMQ queue (see the module docs). */
export class BullmqQueue implements JobQueue {
  private readonly queue: Queue
  private worker: Worker | undefined
  private readonly connection: ConnectionOptions
  private readonly name: string
  private readonly prefix: string

  constructor(private readonly options: BullmqQueueOptions = {}) {
    this.connection = options.connection ?? { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: null }
    this.name = options.name ?? 'quantum-clm-training'
    this.prefix = options.prefix ?? 'bull'
    this.queue = new Queue(this.name, { connection: this.connection, prefix: this.prefix })
  }

  async enqueue(job: TrainingJob): Promise<'queued' | 'duplicate'> {
    const existing = await this.queue.getJob(job.family)
    if (existing !== undefined && ACTIVE_STATES.has(await existing.getState())) return 'duplicate'
    if (existing !== undefined) await existing.remove()
    await this.queue.add(job.family, job, { jobId: job.family, removeOnComplete: true, removeOnFail: 100 })
    return 'queued'
  }

  process(handler: JobHandler, onError?: (job: TrainingJob, error: unknown) => void): void {
    const worker = new Worker<TrainingJob>(this.name, (j) => handler(j.data), {
      connection: this.connection,
      prefix: this.prefix,
      concurrency: 1,
      lockDuration: this.options.lockMs ?? 60_000,
    })
    worker.on('failed', (j, error) => {
      const data = j?.data
      if (data !== undefined) onError?.(data, error)
    })
    this.worker = worker
  }

  async drain(): Promise<void> {
    for (;;) {
      const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')
      if (Object.values(counts).every((n) => n === 0)) return
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  async close(): Promise<void> {
    await this.worker?.close()
    await this.queue.close()
  }

  /** Removes every job and key of this queue (tests, decommissioning). */
  async obliterate(): Promise<void> {
    await this.queue.obliterate({ force: true })
  }
}
