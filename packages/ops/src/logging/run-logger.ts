import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { Writable } from 'node:stream'
import type { Logger } from '@quantum/core'
import { pino, type DestinationStream, type Logger as Pino } from 'pino'

/** Levels the run logger knows, most verbose first (`silent` writes nothing). */
export type RunLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

/** Options of {@link createRunLogger}. */
export interface RunLoggerOptions {
  /** Lowest level written. @default 'info' */
  readonly level?: RunLogLevel
  /** Service tag on every record. @default 'quantum-run' */
  readonly service?: string
  /** The run's id, on every record. */
  readonly runId?: string
  /** JSON-lines log file (the run folder's `run.log`); its folder is created. */
  readonly file?: string
  /** Console output: `human` one line per record, `json` the records themselves, `none`. @default human on a TTY, else json */
  readonly console?: 'human' | 'json' | 'none'
  /** Where console output goes. @default process.stderr */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean }
  /** Records with the same message and source allowed per window before they are summarised. @default 3 */
  readonly repeatLimit?: number
  /** Window for `repeatLimit`, ms. @default 60000 */
  readonly repeatWindowMs?: number
  /** Clock for the repeat windows. @default Date.now */
  readonly now?: () => number
}

/** A {@link Logger} that can be flushed and closed at shutdown. */
export interface RunLogger extends Logger {
  /** Writes out what is buffered and the pending repeat summaries. */
  flush(): void
  /** A logger that adds `bindings` to every record. */
  child(bindings: Record<string, unknown>): RunLogger
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
}
const RESERVED = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'run'])

/** Formats one pino JSON record as `HH:MM:SS level message key=value…` for people. */
export function humanLine(json: string): string {
  let record: Record<string, unknown>
  try {
    record = JSON.parse(json) as Record<string, unknown>
  } catch {
    return json
  }
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 19) : ''
  const level = (LEVEL_NAMES[record.level as number] ?? String(record.level)).padEnd(5)
  const fields = Object.entries(record)
    .filter(([key]) => !RESERVED.has(key))
    .map(
      ([key, value]) => `${key}=${typeof value === 'string' && !/[\s="]/.test(value) ? value : JSON.stringify(value)}`,
    )
  return `${time} ${level} ${typeof record.msg === 'string' ? record.msg : JSON.stringify(record.msg ?? '')}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}\n`
}

class HumanStream extends Writable {
  constructor(private readonly out: NodeJS.WritableStream) {
    super()
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.length > 0) this.out.write(humanLine(line))
    done()
  }
}

interface Repeat {
  windowStart: number
  count: number
  level: 'debug' | 'info' | 'warn' | 'error'
  msg: string
  fields: Record<string, unknown>
  /** The (child) logger the records came through, so the summary keeps its bindings. */
  target: Pino
}

/**
 * The runtime's structured logger on pino: JSON lines with `service`, `run`, `level` and `time`, to the
 * run folder's log file and to the console (human lines on a TTY). Repeated records (same message and
 * source) are rate-limited: the first `repeatLimit` per window are written, the rest counted and
 * summarised once as `… (repeated N more times)` when the window ends, so a supervisor flagging every bar
 * prints a few lines, not hundreds.
 */
export function createRunLogger(options: RunLoggerOptions = {}): RunLogger {
  const streams: { stream: DestinationStream; level: string }[] = []
  const level = options.level ?? 'info'
  const minLevel = level === 'silent' ? 'info' : level
  if (options.file) {
    mkdirSync(dirname(options.file), { recursive: true })
    streams.push({ stream: pino.destination({ dest: options.file, sync: true }), level: minLevel })
  }
  const out = options.stream ?? process.stderr
  const mode = options.console ?? (out.isTTY ? 'human' : 'json')
  if (mode === 'human') streams.push({ stream: new HumanStream(out), level: minLevel })
  else if (mode === 'json') streams.push({ stream: out, level: minLevel })
  const base = pino(
    {
      level: level === 'silent' ? 'silent' : level,
      base: { service: options.service ?? 'quantum-run', ...(options.runId ? { run: options.runId } : {}) },
      timestamp: pino.stdTimeFunctions.epochTime,
    },
    pino.multistream(streams),
  )
  const now = options.now ?? Date.now
  const limit = options.repeatLimit ?? 3
  const windowMs = options.repeatWindowMs ?? 60_000
  const repeats = new Map<string, Repeat>()

  const summarise = (key: string, repeat: Repeat): void => {
    const extra = repeat.count - limit
    if (extra > 0)
      repeat.target[repeat.level]({ ...repeat.fields, repeated: extra }, `${repeat.msg} (repeated ${extra} more times)`)
    repeats.delete(key)
  }

  const wrap = (target: Pino, bindings: Record<string, unknown>): RunLogger => {
    const named = bindings.plugin ?? bindings.component
    const source = typeof named === 'string' ? named : ''
    const log =
      (lvl: Repeat['level']) =>
      (msg: string, fields?: Record<string, unknown>): void => {
        if (!target.isLevelEnabled(lvl)) return
        const key = `${lvl}\u0000${source}\u0000${msg}`
        const t = now()
        let repeat = repeats.get(key)
        if (repeat && t - repeat.windowStart >= windowMs) {
          summarise(key, repeat)
          repeat = undefined
        }
        if (repeat === undefined) {
          repeat = { windowStart: t, count: 0, level: lvl, msg, fields: {}, target }
          repeats.set(key, repeat)
        }
        repeat.count++
        repeat.fields = fields ?? {}
        if (repeat.count <= limit) target[lvl](serialisable(fields ?? {}), msg)
      }
    return {
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: (more) => wrap(target.child(serialisable(more)), { ...bindings, ...more }),
      flush: () => {
        for (const [key, repeat] of repeats) summarise(key, repeat)
        base.flush()
      },
    }
  }
  return wrap(base, {})
}

/** Error values logged as `{ name, message, code }` rather than `{}`. */
function serialisable(fields: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) {
      copy ??= { ...fields }
      copy[key] = { name: value.name, message: value.message, ...('code' in value ? { code: value.code } : {}) }
    }
  }
  return copy ?? fields
}
