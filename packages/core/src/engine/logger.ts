import type { Logger } from '../types.js'

/** Log levels, most verbose first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 }

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lowest level written. @default 'info' */
  level?: LogLevel
  /** Receives each record as one JSON line. @default discards records */
  write?: (line: string) => void
  /** Fields added to every record, e.g. `{ service: 'quantum-run' }`. @default {} */
  bindings?: Record<string, unknown>
  /** Source of the `time` field (epoch ms). @default Date.now */
  now?: () => number
}

/**
 * Creates a structured JSON-lines logger (`{"level","time","msg",...fields}`), the one injected into
 * plugins through their context.
 * @example const log = createLogger({ level: 'debug', write: (l) => process.stderr.write(l + '\n') })
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const min = RANK[options.level ?? 'info']
  const write = options.write
  const now = options.now ?? Date.now
  const bindings = options.bindings ?? {}
  const log = (level: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (write === undefined || RANK[level] < min) return
    write(JSON.stringify({ level, time: now(), msg, ...bindings, ...fields }))
  }
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (extra) => createLogger({ ...options, bindings: { ...bindings, ...extra } }),
  }
}

/** A logger that discards everything. */
export const silentLogger: Logger = createLogger({ level: 'silent' })
