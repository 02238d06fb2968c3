/**
 * Where the emergency stop keeps its state: a JSON file written atomically (temp file, fsync, rename,
 * so a crash leaves the old or the new state, never half of one) or memory (backtests, tests).
 * @packageDocumentation
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'

/** The emergency stop's states: ARMED (watching), TRIPPED (halted until reset), DISARMED (not watching). */
export const EssStateSchema = z.enum(['ARMED', 'TRIPPED', 'DISARMED'])
/** The emergency stop's states. */
export type EssState = z.infer<typeof EssStateSchema>

/** What trips the emergency stop. */
export const EssTriggerSchema = z.enum([
  'daily-drawdown',
  'open-loss',
  'error-burst',
  'stale-data',
  'manual',
  'protection',
])
/** What trips the emergency stop. */
export type EssTrigger = z.infer<typeof EssTriggerSchema>

/**
 * The persisted state. Version 2 (written by this release) names the account it belongs to and carries
 * a seal: an HMAC-SHA256 of the record under a key derived from the ESS token (see `sealEssRecord`), so
 * that a hand-written or copied ARMED/DISARMED record is refused. Version 1 (earlier releases) has
 * neither; it is still read, and honoured only when it says TRIPPED.
 */
export const EssRecordSchema = z.strictObject({
  version: z.union([z.literal(1), z.literal(2)]),
  state: EssStateSchema,
  /** Why it tripped (TRIPPED only). */
  reason: z.string().optional(),
  trigger: EssTriggerSchema.optional(),
  /** When it tripped, epoch ms (TRIPPED only). */
  trippedAt: z.number().optional(),
  /** When the state last changed, epoch ms. */
  updatedAt: z.number(),
  /** The account the state belongs to (version 2), e.g. `live-3f9a...` (a digest, never the key). */
  account: z.string().min(1).optional(),
  /** HMAC-SHA256 (hex) of the other fields under the token's sealing key (version 2). */
  seal: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
})
/** The persisted state of the emergency stop. */
export type EssRecord = z.infer<typeof EssRecordSchema>

/** A place for the emergency stop's state. Synchronous: a trip is saved before the next order. */
export interface EssStore {
  /** A description for status and logs, e.g. `file:/srv/q/.quantum/ess-state.json`. */
  readonly kind: string
  /** The saved state; undefined when nothing was saved yet. @throws when the saved state is unreadable */
  load(): EssRecord | undefined
  /** Saves the state (atomically for files). @throws when it cannot be written */
  save(record: EssRecord): void
}

/** The fields a seal covers, in a fixed order (the JSON of this array is what is MACed). */
function sealedText(record: EssRecord): string {
  return JSON.stringify([
    'quantum-ess-state',
    record.version,
    record.account ?? null,
    record.state,
    record.reason ?? null,
    record.trigger ?? null,
    record.trippedAt ?? null,
    record.updatedAt,
  ])
}

/** Seals `record` (version 2) with `key`: the returned record carries its HMAC. */
export function sealEssRecord(record: Omit<EssRecord, 'seal' | 'version'>, key: Buffer): EssRecord {
  const unsealed: EssRecord = { ...record, version: 2 }
  const { seal: _ignored, ...rest } = unsealed
  return { ...rest, seal: createHmac('sha256', key).update(sealedText(rest)).digest('hex') }
}

/** Whether `record` carries a valid seal under `key` (constant-time comparison). */
export function isSealedWith(record: EssRecord, key: Buffer): boolean {
  if (record.version !== 2 || record.seal === undefined) return false
  const { seal, ...rest } = record
  const expected = createHmac('sha256', key).update(sealedText(rest)).digest()
  return timingSafeEqual(expected, Buffer.from(seal, 'hex'))
}

/** A store in memory (backtests and tests): nothing survives the process. */
export function memoryEssStore(initial?: EssRecord): EssStore {
  let saved = initial
  return {
    kind: 'memory',
    load: () => saved,
    save: (record) => {
      saved = record
    },
  }
}

/**
 * A JSON file store: saves with {@link writeFileAtomicSync}; loading validates the file with zod
 * and throws on a malformed one (the emergency stop then fails closed: TRIPPED).
 * @example fileEssStore('.quantum/ess-state.json')
 */
export function fileEssStore(path: string): EssStore {
  return {
    kind: `file:${path}`,
    load: () => {
      let text: string
      try {
        text = readFileSync(path, 'utf8')
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw error
      }
      return EssRecordSchema.parse(JSON.parse(text))
    },
    save: (record) => {
      mkdirSync(dirname(path), { recursive: true })
      writeFileAtomicSync(path, `${JSON.stringify(record, null, 2)}\n`)
    },
  }
}

/**
 * Writes `content` to `path` atomically and durably: a temporary file beside it, fsync, rename over the
 * target. On failure the target is untouched and the temporary file removed. (The synchronous twin of
 * the runtime's `writeFileAtomic`: the emergency stop saves inside synchronous engine hooks.)
 */
export function writeFileAtomicSync(path: string, content: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const fd = openSync(tmp, 'w')
    try {
      writeSync(fd, content)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
  } catch (error) {
    rmSync(tmp, { force: true })
    throw error
  }
}
