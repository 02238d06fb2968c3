/**
 * Drift and live decay -> an out-of-schedule retrain: feature PSI against the training reference,
 * prediction-distribution PSI, and the Model Supervisor's accuracy-decay findings each pass through
 * hysteresis (a {@link DriftMonitor}; the supervisor's findings carry their own), and a finding that
 * starts queues one `drift` job for the family (the queue keeps one job per family, so a storm of
 * findings is one retrain). Every finding, clearing and queued job is reported as an event, and
 * counted for metrics.
 * @packageDocumentation
 */
import type { SupervisorFinding } from '@quantum/agents'
import type { JobQueue } from '../pipeline/queue.js'
import { DriftMonitor, featurePsi, predictionPsi, type FeatureReference, type Hysteresis } from './psi.js'

/** What the trigger reports. */
export type RetrainEvent =
  | {
      readonly type: 'drift'
      readonly family: string
      /** `feature:<name>`, `predictions` or `supervisor:<kind>:<agent>`. */
      readonly key: string
      readonly value: number
      /** What the queue answered (`duplicate`: a job of the family is already queued or running). */
      readonly job: 'queued' | 'duplicate'
    }
  | { readonly type: 'drift-cleared'; readonly family: string; readonly key: string; readonly value: number }

/** Options of {@link RetrainTrigger}. */
export interface RetrainTriggerOptions {
  readonly queue: JobQueue
  /** Feature and prediction PSI thresholds. @default { raise: 0.25, clear: 0.1 } (the usual PSI rule of thumb) */
  readonly psi?: Hysteresis
  /** The family an agent serves (for supervisor findings). @default `agents:<family>` -> `<family>` */
  readonly familyOf?: (agent: string) => string | undefined
  /** Supervisor finding kinds that ask for a retrain. @default ['accuracy-decay'] */
  readonly supervisorKinds?: readonly SupervisorFinding['kind'][]
  readonly onEvent?: (event: RetrainEvent) => void
  /** Clock. @default Date.now */
  readonly now?: () => number
}

/** Counters of a {@link RetrainTrigger}, for metrics. */
export interface RetrainCounts {
  findings: number
  cleared: number
  jobsQueued: number
}

/** Turns drift into retrain jobs (see the module docs). */
export class RetrainTrigger {
  private readonly monitors = new Map<string, DriftMonitor>()
  private seenFindings = 0
  readonly counts: RetrainCounts = { findings: 0, cleared: 0, jobsQueued: 0 }

  constructor(private readonly options: RetrainTriggerOptions) {}

  private monitor(family: string): DriftMonitor {
    let m = this.monitors.get(family)
    if (m === undefined)
      this.monitors.set(family, (m = new DriftMonitor(this.options.psi ?? { raise: 0.25, clear: 0.1 })))
    return m
  }

  private async raise(family: string, key: string, value: number): Promise<RetrainEvent> {
    this.counts.findings++
    const job = await this.options.queue.enqueue({
      family,
      reason: 'drift',
      requestedAt: (this.options.now ?? Date.now)(),
    })
    if (job === 'queued') this.counts.jobsQueued++
    const event: RetrainEvent = { type: 'drift', family, key, value, job }
    this.options.onEvent?.(event)
    return event
  }

  private clear(family: string, key: string, value: number): RetrainEvent {
    this.counts.cleared++
    const event: RetrainEvent = { type: 'drift-cleared', family, key, value }
    this.options.onEvent?.(event)
    return event
  }

  /**
   * Any monitored value of a family (e.g. a metric of your own), under the PSI thresholds: a rise
   * above `raise` queues a retrain, a fall below `clear` clears, values between change nothing.
   */
  async observeValue(family: string, key: string, value: number): Promise<RetrainEvent | undefined> {
    const finding = this.monitor(family).observe(key, value)
    if (finding === undefined) return undefined
    return finding.state === 'drift' ? this.raise(family, key, value) : this.clear(family, key, value)
  }

  /**
   * PSI of each recent feature column against its training reference; returns the state changes.
   * @example await trigger.observeFeatures('xgboost', references, { rsi_14: lastWeekColumn })
   */
  async observeFeatures(
    family: string,
    references: Readonly<Record<string, FeatureReference>>,
    recent: Readonly<Record<string, ArrayLike<number>>>,
  ): Promise<RetrainEvent[]> {
    const out: RetrainEvent[] = []
    for (const [name, values] of Object.entries(recent)) {
      const ref = references[name]
      if (ref === undefined) continue
      const e = await this.observeValue(family, `feature:${name}`, featurePsi(ref, values))
      if (e !== undefined) out.push(e)
    }
    return out
  }

  /** PSI of the recent predicted-class shares (`probs [n, k]`) against the training shares. */
  observePredictions(
    family: string,
    referenceShares: readonly number[],
    probs: ArrayLike<number>,
  ): Promise<RetrainEvent | undefined> {
    return this.observeValue(family, 'predictions', predictionPsi(referenceShares, probs, referenceShares.length))
  }

  /**
   * Reads the supervisor's findings raised since the last call (`handle.findings()`); each finding of a
   * retraining kind queues a job for the agent's family. The supervisor applies its own hysteresis.
   */
  async observeSupervisor(findings: readonly SupervisorFinding[]): Promise<RetrainEvent[]> {
    const fresh = findings.slice(this.seenFindings)
    this.seenFindings = findings.length
    const kinds = this.options.supervisorKinds ?? ['accuracy-decay']
    const familyOf = this.options.familyOf ?? ((agent: string) => /^agents:(.+)$/.exec(agent)?.[1])
    const out: RetrainEvent[] = []
    for (const f of fresh) {
      const family = familyOf(f.agent)
      if (family === undefined || !kinds.includes(f.kind)) continue
      out.push(await this.raise(family, `supervisor:${f.kind}:${f.agent}`, f.value))
    }
    return out
  }
}
