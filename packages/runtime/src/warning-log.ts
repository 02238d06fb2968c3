/**
 * What a run warned about, for its report and summary: every `warn` and `error` record of the run's
 * logger, grouped by message and subject (the agent, plugin or symbol it names), with a count and the
 * first and last time (the record's `time` field, e.g. the bar a Model Supervisor finding was raised on).
 * The console keeps its own lines; this is the after-the-run view (409 findings become a few rows).
 * @packageDocumentation
 */
import type { Logger } from '@quantum/core'

/** One group of warnings as the report lists it. */
export interface WarningEntry {
  readonly level: 'warn' | 'error'
  readonly message: string
  /** The agent, plugin or symbol the records name, when they do. */
  readonly subject: string | undefined
  /** A finding's kind (`kind` field), when the records carry one. */
  readonly kind: string | undefined
  readonly count: number
  /** Time of the first record (epoch ms), from its `time` field. */
  readonly first: number | undefined
  readonly last: number | undefined
  /** The first record's other fields, as text (`value=0.81 limit=0.7`). */
  readonly detail: string
}

interface Group {
  level: 'warn' | 'error'
  message: string
  subject: string | undefined
  kind: string | undefined
  count: number
  first: number | undefined
  last: number | undefined
  detail: string
}

/** Groups kept; past it, records of new groups are only counted. */
const MAX_GROUPS = 200

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function detailOf(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .filter(([k, v]) => !['agent', 'plugin', 'symbol', 'kind', 'time', 'message'].includes(k) && v !== undefined)
    .map(([k, v]) => `${k}=${v instanceof Error ? v.message : typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ')
}

/** Collects a run's warnings and errors from the logger it hands the engine. */
export class WarningLog {
  private readonly groups = new Map<string, Group>()
  /** Records of groups beyond the cap. */
  dropped = 0

  /**
   * A logger that writes to `logger` and records its `warn` and `error` records here.
   * @param bindings Fields of a child logger, recorded with each of its records.
   */
  tap(logger: Logger, bindings: Record<string, unknown> = {}): Logger {
    return {
      debug: (m, f) => logger.debug(m, f),
      info: (m, f) => logger.info(m, f),
      warn: (m, f) => {
        this.add('warn', m, { ...bindings, ...f })
        logger.warn(m, f)
      },
      error: (m, f) => {
        this.add('error', m, { ...bindings, ...f })
        logger.error(m, f)
      },
      child: (more) => this.tap(logger.child(more), { ...bindings, ...more }),
    }
  }

  /** Records one warning or error. */
  add(level: 'warn' | 'error', message: string, fields: Record<string, unknown>): void {
    const subject = textOf(fields.agent) ?? textOf(fields.plugin) ?? textOf(fields.symbol)
    const kind = textOf(fields.kind)
    const key = `${level}\u0000${message}\u0000${subject ?? ''}\u0000${kind ?? ''}`
    const time = typeof fields.time === 'number' && Number.isFinite(fields.time) ? fields.time : undefined
    const group = this.groups.get(key)
    if (group !== undefined) {
      group.count++
      if (time !== undefined) {
        group.first = group.first === undefined ? time : Math.min(group.first, time)
        group.last = group.last === undefined ? time : Math.max(group.last, time)
      }
      return
    }
    if (this.groups.size >= MAX_GROUPS) {
      this.dropped++
      return
    }
    this.groups.set(key, { level, message, subject, kind, count: 1, first: time, last: time, detail: detailOf(fields) })
  }

  /** The groups, errors first, then by count (largest first). */
  entries(): WarningEntry[] {
    return [...this.groups.values()]
      .map((g) => ({ ...g }))
      .sort((a, b) => (a.level === b.level ? b.count - a.count : a.level === 'error' ? -1 : 1))
  }
}
