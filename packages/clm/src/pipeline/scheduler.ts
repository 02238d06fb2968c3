/**
 * The training scheduler: each family runs on its cadence (the seed's by default, per-family
 * overrides), the last run of each family is kept in a small JSON file (written atomically), and a
 * schedule missed while the runtime was down runs once at start (not once per missed slot).
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { DataError, type ClmConfig } from '@quantum/core'
import { z } from 'zod'
import type { JobQueue, TrainingJob } from './queue.js'

/** The seed's retraining cadence, in hours, per model family. */
export const DEFAULT_SCHEDULE_HOURS: Readonly<Record<string, number>> = Object.freeze({
  xgboost: 6,
  lightgbm: 6,
  nhits: 12,
  patchtst: 12,
  rlV2: 24,
  rlV3: 4,
})

/**
 * The cadence of each family from the config's `clm` block: the seed's defaults, each overridden by
 * the family's `hours`, families with `enabled: false` left out, families the config adds included.
 * @example const hours = scheduleHours(config.clm) // { xgboost: 6, lightgbm: 6, nhits: 12, ... }
 */
export function scheduleHours(clm: Pick<ClmConfig, 'families'> | undefined): Record<string, number> {
  const hours: Record<string, number> = { ...DEFAULT_SCHEDULE_HOURS }
  for (const [family, f] of Object.entries(clm?.families ?? {})) {
    if (!f.enabled) delete hours[family]
    else hours[family] = f.hours ?? hours[family] ?? DEFAULT_SCHEDULE_HOURS[family] ?? 24
  }
  return hours
}

const HOUR = 3_600_000
const StateSchema = z.object({ lastRun: z.record(z.string(), z.number()) })

/** Options of {@link TrainingScheduler}. */
export interface SchedulerOptions {
  /** Where the schedule state is kept. */
  readonly statePath: string
  /** Where due jobs go. */
  readonly queue: JobQueue
  /** Families to schedule and their cadence in hours. @default DEFAULT_SCHEDULE_HOURS */
  readonly hours?: Readonly<Record<string, number>>
  /** Clock. @default Date.now */
  readonly now?: () => number
  /** Check interval of {@link TrainingScheduler.start}. @default 60000 */
  readonly tickMs?: number
  /** Called when a periodic check fails (e.g. the state file cannot be written). @default process.emitWarning */
  readonly onError?: (error: unknown) => void
}

/** Schedules training jobs (see the module docs). */
export class TrainingScheduler {
  private readonly hours: Readonly<Record<string, number>>
  private readonly now: () => number
  private lastRun: Record<string, number> = {}
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(private readonly options: SchedulerOptions) {
    this.hours = options.hours ?? DEFAULT_SCHEDULE_HOURS
    this.now = options.now ?? Date.now
  }

  /** Reads the state file (absent: nothing ran yet). @throws {DataError} when it is corrupt. */
  async load(): Promise<void> {
    let text: string
    try {
      text = await readFile(this.options.statePath, 'utf8')
    } catch {
      this.lastRun = {}
      return
    }
    const r = StateSchema.safeParse(
      (() => {
        try {
          return JSON.parse(text) as unknown
        } catch {
          return undefined
        }
      })(),
    )
    if (!r.success)
      throw new DataError(this.options.statePath, [{ kind: 'parse', message: 'not a schedule state file' }])
    this.lastRun = r.data.lastRun
  }

  /** Families due at `at`: never run, or last run at least one cadence ago. */
  due(at: number = this.now()): string[] {
    return Object.entries(this.hours)
      .filter(([family, h]) => {
        const last = this.lastRun[family]
        return last === undefined || at - last >= h * HOUR
      })
      .map(([family]) => family)
  }

  /** Queues every due family once and records the run; returns what was queued. */
  async tick(reason: TrainingJob['reason'] = 'schedule'): Promise<string[]> {
    const at = this.now()
    const queued: string[] = []
    for (const family of this.due(at)) {
      const r = await this.options.queue.enqueue({ family, reason, requestedAt: at })
      if (r === 'queued') queued.push(family)
      this.lastRun[family] = at
    }
    if (queued.length > 0) await this.save()
    return queued
  }

  /** Loads the state, queues what was missed while down (once per family), then checks every `tickMs`. */
  async start(): Promise<string[]> {
    await this.load()
    const missed = await this.tick('missed-at-start')
    const onError =
      this.options.onError ?? ((e: unknown) => process.emitWarning(`training scheduler: ${String(e)}`, 'QuantumClm'))
    this.timer = setInterval(() => void this.tick().catch(onError), this.options.tickMs ?? 60_000)
    this.timer.unref()
    return missed
  }

  /** Stops the checks. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }

  private async save(): Promise<void> {
    const path = this.options.statePath
    await mkdir(dirname(path), { recursive: true })
    const tmp = `${path}.${randomUUID()}.tmp`
    await writeFile(tmp, `${JSON.stringify({ lastRun: this.lastRun }, null, 2)}\n`)
    await rename(tmp, path)
  }
}
