/**
 * The intent log of the embedded store: a small preallocated file beside the database
 * (`<db>-intents-<pid>-<tag>`, one per open store) into which each order intent is written with a single
 * `O_DSYNC` write before its order is sent. That write is the intent's durability: it flushes one
 * block, where a `synchronous=FULL` commit of the write-ahead log also flushed every record written
 * since the previous intent. The intent's row then goes into SQLite like the other records (handed to
 * the operating system, no fsync); the log keeps it until the database itself is synced (a roll, a
 * checkpoint at close). A store opened after a crash or a power loss folds the logs of processes that
 * are gone into its intents table (idempotently: rows already there are kept) and deletes them.
 *
 * Layout (little-endian): a 512-byte header (`QTIL`, version, generation, pid, process start ticks,
 * boot id, CRC-32), then records `[magic u32][generation u32][length u32][crc32 u32][payload]`. A
 * record is valid while its magic, generation and CRC-32 match: a torn write or the remains of an
 * earlier generation end the scan. A record whose row could not be inserted is voided in place.
 * @packageDocumentation
 */
import {
  closeSync,
  constants,
  fdatasyncSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import { crc32 } from 'node:zlib'
import { StateInvalidError, StateUnavailableError } from '@quantum/core'
import { processAlive } from './run-lock.js'

const HEADER_BYTES = 512
const RECORD_HEADER_BYTES = 16
const FILE_MAGIC = 0x4c495451 // 'QTIL'
const RECORD = 0x43455251 // 'QREC'
const VOID = 0x44494f56 // 'VOID'
const VERSION = 1

/** Default size of one intent log: about 4,000 intents of 1 KiB between two rolls. */
export const DEFAULT_INTENT_LOG_BYTES = 4 * 2 ** 20

/** Who wrote a log: a log is folded only once its writer is gone. */
export interface Writer {
  readonly pid: number
  readonly startTicks: number
  readonly bootId: string
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

/** The process's start time in clock ticks since boot (Linux), 0 where unknown. */
function startTicks(pid: number): number {
  const stat = readText(`/proc/${pid}/stat`)
  if (stat === undefined) return 0
  // The command name is in parentheses and may hold spaces: fields count from after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[19] ?? 0) || 0
}

function currentWriter(): Writer {
  return {
    pid: process.pid,
    startTicks: startTicks(process.pid),
    bootId: (readText('/proc/sys/kernel/random/boot_id') ?? '').trim().slice(0, 36),
  }
}

function alive(writer: Writer, me: Writer): boolean {
  if (writer.bootId !== me.bootId) return false // written before a reboot
  if (!processAlive(writer.pid)) return false
  // A pid reused by another process has another start time.
  return writer.startTicks === 0 || startTicks(writer.pid) === writer.startTicks
}

function encodeHeader(generation: number, writer: Writer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES)
  header.writeUInt32LE(FILE_MAGIC, 0)
  header.writeUInt32LE(VERSION, 4)
  header.writeUInt32LE(generation, 8)
  header.writeUInt32LE(writer.pid, 12)
  header.writeDoubleLE(writer.startTicks, 16)
  header.write(writer.bootId.padEnd(36, ' '), 24, 36, 'latin1')
  header.writeUInt32LE(crc32(header.subarray(0, 60)), 60)
  return header
}

function decodeHeader(buffer: Buffer): { generation: number; writer: Writer } | undefined {
  if (buffer.length < HEADER_BYTES || buffer.readUInt32LE(0) !== FILE_MAGIC) return undefined
  if (buffer.readUInt32LE(4) !== VERSION || buffer.readUInt32LE(60) !== crc32(buffer.subarray(0, 60))) return undefined
  return {
    generation: buffer.readUInt32LE(8),
    writer: {
      pid: buffer.readUInt32LE(12),
      startTicks: buffer.readDoubleLE(16),
      bootId: buffer.toString('latin1', 24, 60).trim(),
    },
  }
}

/** The payloads of a log's current generation, in the order they were written (voided ones left out). */
export function readIntentLog(buffer: Buffer): { writer: Writer; payloads: Buffer[] } | undefined {
  const header = decodeHeader(buffer)
  if (header === undefined) return undefined
  const payloads: Buffer[] = []
  let at = HEADER_BYTES
  while (at + RECORD_HEADER_BYTES <= buffer.length) {
    const magic = buffer.readUInt32LE(at)
    const length = buffer.readUInt32LE(at + 8)
    const end = at + RECORD_HEADER_BYTES + length
    if ((magic !== RECORD && magic !== VOID) || buffer.readUInt32LE(at + 4) !== header.generation) break
    if (end > buffer.length) break
    const payload = buffer.subarray(at + RECORD_HEADER_BYTES, end)
    if (buffer.readUInt32LE(at + 12) !== crc32(payload)) break
    if (magic === RECORD) payloads.push(payload)
    at = end
  }
  return { writer: header.writer, payloads }
}

/** The prefix of the intent logs of database `file`. */
const logPrefix = (file: string): string => `${basename(file)}-intents-`

/**
 * Folds the logs of writers that are gone into the store through `fold` (which must ignore rows it
 * already has and make them durable before it resolves), then deletes them. Logs of live writers (another
 * process, another store of this process) are left alone; a file that is not a log is refused.
 * @returns how many intents were handed to `fold`.
 * @throws {StateInvalidError} `corrupt` when a file named like a log is not one (nothing is deleted).
 */
export async function recoverIntentLogs(file: string, fold: (payloads: Buffer[]) => Promise<void>): Promise<number> {
  const dir = dirname(file)
  const prefix = logPrefix(file)
  const me = currentWriter()
  let folded = 0
  let names: string[]
  try {
    names = readdirSync(dir).filter((name) => name.startsWith(prefix))
  } catch {
    return 0
  }
  for (const name of names.sort()) {
    const path = join(dir, name)
    const buffer = readFileSync(path)
    // A log whose header never reached the disk holds no record either (records follow the header).
    const log = buffer.every((byte) => byte === 0) ? { payloads: [], writer: undefined } : readIntentLog(buffer)
    if (log === undefined) {
      throw new StateInvalidError('corrupt', `${name} is not an intent log (bad header); move it away to open`, {
        store: file,
      })
    }
    if (log.writer !== undefined && alive(log.writer, me)) continue
    if (log.payloads.length > 0) await fold(log.payloads)
    folded += log.payloads.length
    unlinkSync(path)
  }
  return folded
}

/** Options of {@link IntentLog.create}. */
export interface IntentLogOptions {
  /** Size of the preallocated file. @default {@link DEFAULT_INTENT_LOG_BYTES} */
  readonly bytes?: number
  /**
   * Makes every row written to the database so far durable (fsyncs its write-ahead log and file): run
   * when the log is full, before its records are dropped.
   */
  readonly syncDatabase: () => void
}

/** One open store's intent log (see the module's description). */
export class IntentLog {
  readonly path: string
  readonly #fd: number
  readonly #size: number
  readonly #writer: Writer
  readonly #syncDatabase: () => void
  #generation = 1
  #at = HEADER_BYTES
  #closed = false

  private constructor(at: { path: string; fd: number; size: number; syncDatabase: () => void }) {
    this.path = at.path
    this.#fd = at.fd
    this.#size = at.size
    this.#writer = currentWriter()
    this.#syncDatabase = at.syncDatabase
  }

  /**
   * Creates the log of a store opened on `file`: writes the whole file (so that a record's write never
   * allocates), its header, and syncs the file and its directory.
   * @throws {StateUnavailableError} when the file cannot be written.
   */
  static create(file: string, options: IntentLogOptions): IntentLog {
    const size = Math.max(64 * 1024, Math.ceil((options.bytes ?? DEFAULT_INTENT_LOG_BYTES) / 4096) * 4096)
    const path = join(dirname(file), `${logPrefix(file)}${process.pid}-${randomBytes(4).toString('hex')}`)
    let fd: number | undefined
    try {
      fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600)
      const zeros = Buffer.alloc(Math.min(size, 1 << 20))
      for (let at = 0; at < size; at += zeros.length) writeSync(fd, zeros, 0, Math.min(zeros.length, size - at), at)
      writeSync(fd, encodeHeader(1, currentWriter()), 0, HEADER_BYTES, 0)
      fsyncSync(fd)
      closeSync(fd)
      fd = undefined
      syncDirectory(dirname(path))
      const dsync = openSync(path, constants.O_WRONLY | constants.O_DSYNC)
      return new IntentLog({ path, fd: dsync, size, syncDatabase: options.syncDatabase })
    } catch (error) {
      if (fd !== undefined) closeSync(fd)
      try {
        unlinkSync(path)
      } catch {
        // never created
      }
      throw new StateUnavailableError(`cannot create the intent log ${path}: ${String(error)}`, {
        store: file,
        cause: error,
      })
    }
  }

  /**
   * Writes one record durably (one `O_DSYNC` write); when the log is full it first syncs the database
   * and starts a new generation. Returns the record's position (for {@link IntentLog.void}).
   * @throws {StateUnavailableError} when the write fails; {@link StateInvalidError} `bad-record` for a
   *   record larger than the log.
   */
  append(payload: Uint8Array): number {
    if (this.#closed) throw new StateUnavailableError('the intent log is closed', { store: this.path })
    const length = RECORD_HEADER_BYTES + payload.length
    if (length > this.#size - HEADER_BYTES) {
      throw new StateInvalidError('bad-record', `an intent of ${payload.length} bytes exceeds the intent log`, {
        store: this.path,
      })
    }
    if (this.#at + length > this.#size) this.roll()
    const record = Buffer.allocUnsafe(length)
    record.writeUInt32LE(RECORD, 0)
    record.writeUInt32LE(this.#generation, 4)
    record.writeUInt32LE(payload.length, 8)
    record.writeUInt32LE(crc32(payload), 12)
    record.set(payload, RECORD_HEADER_BYTES)
    const at = this.#at
    this.#write(record, at)
    this.#at = at + length
    return at
  }

  /** Marks the record at `at` void (its row was not stored, so its order is not sent). */
  void(at: number): void {
    const magic = Buffer.alloc(4)
    magic.writeUInt32LE(VOID, 0)
    this.#write(magic, at)
  }

  /** Syncs the database, then starts a new generation: the records so far are no longer needed. */
  roll(): void {
    this.#syncDatabase()
    this.#generation++
    this.#write(encodeHeader(this.#generation, this.#writer), 0)
    this.#at = HEADER_BYTES
  }

  /** Closes and deletes the log; call it once the database is synced (a checkpoint at close). */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    closeSync(this.#fd)
    unlinkSync(this.path)
  }

  #write(buffer: Buffer, at: number): void {
    try {
      writeSync(this.#fd, buffer, 0, buffer.length, at)
    } catch (error) {
      throw new StateUnavailableError(`writing the intent log: ${String(error)}`, { store: this.path, cause: error })
    }
  }
}

/** Makes a directory entry (a new file) durable. */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Fsyncs the SQLite database `file` and its write-ahead log (each if present). */
export function syncSqliteFiles(file: string): void {
  for (const path of [`${file}-wal`, file]) {
    let fd: number
    try {
      fd = openSync(path, 'r')
    } catch {
      continue
    }
    try {
      fdatasyncSync(fd)
    } finally {
      closeSync(fd)
    }
  }
}
