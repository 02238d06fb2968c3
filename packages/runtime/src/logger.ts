/**
 * A small structured {@link Logger} for the CLI that writes one line per record to a stream.
 * @packageDocumentation
 */
import type { Logger } from '@quantum/core'
import type { CliStream } from './streams.js'

/** How much the CLI logger prints. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 }

/** Options of {@link createCliLogger}. */
export interface CliLoggerOptions {
  /** Where records go (stderr, so that stdout stays clean for `--json`). */
  readonly stream: CliStream
  /** Lowest level printed. @default 'info' */
  readonly level?: LogLevel
  /** Fields added to every record. @default {} */
  readonly bindings?: Record<string, unknown>
}

/** Creates a logger that prints `level message key=value ...` lines at or above `level`. */
export function createCliLogger(options: CliLoggerOptions): Logger {
  const min = RANK[options.level ?? 'info']
  const bindings = options.bindings ?? {}
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (RANK[level] < min) return
    options.stream.write(`${level.padEnd(5)} ${message}${formatFields({ ...bindings, ...fields })}\n`)
  }
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more) => createCliLogger({ ...options, bindings: { ...bindings, ...more } }),
  }
}

function formatFields(fields: Record<string, unknown>): string {
  const parts = Object.entries(fields).map(([key, value]) => `${key}=${formatValue(value)}`)
  return parts.length === 0 ? '' : ` ${parts.join(' ')}`
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message)
  if (typeof value === 'string') return /\s|=|"/.test(value) ? JSON.stringify(value) : value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  if (value === null || value === undefined) return String(value)
  try {
    return JSON.stringify(value) ?? `[${typeof value}]`
  } catch {
    return '[unserializable]'
  }
}

/**
 * A logger that writes every record to each of `loggers` (the console and the run folder's `run.log`).
 * @example const logger = teeLogger(createCliLogger({ stream: process.stderr }), runLog)
 */
export function teeLogger(...loggers: readonly Logger[]): Logger {
  return {
    debug: (m, f) => loggers.forEach((l) => l.debug(m, f)),
    info: (m, f) => loggers.forEach((l) => l.info(m, f)),
    warn: (m, f) => loggers.forEach((l) => l.warn(m, f)),
    error: (m, f) => loggers.forEach((l) => l.error(m, f)),
    child: (more) => teeLogger(...loggers.map((l) => l.child(more))),
  }
}
