import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'libsql'
import { afterAll, describe, expect, it } from 'vitest'
import { StateFullError, StateInvalidError, StateUnavailableError } from '@quantum/core'
import { openSqliteStore, openStateStore } from '../src/index.js'
import { runKilledChild } from './killed-child.js'
import { describeStateStoreContract, intent, run } from './store-contract.js'

const dir = mkdtempSync(join(tmpdir(), 'quantum-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex')

const file = join(dir, 'contract', 'state.db')
describeStateStoreContract('SQLite (libsql)', {
  open: () => openSqliteStore(file),
  exec: (statement) => {
    const db = new Database(file, { timeout: 5 })
    try {
      db.exec(statement)
    } finally {
      db.close()
    }
    return Promise.resolve()
  },
})

describe('SQLite store', () => {
  it.each(['intents', 'every-write'] as const)(
    'keeps every resolved write when the process is killed (durability %s)',
    (durability) => {
      const path = join(dir, `killed-${durability}.db`)
      const signal = runKilledChild(dir, `killed-${durability}`, [
        `const store = await openSqliteStore(${JSON.stringify(path)}, { durability: ${JSON.stringify(durability)} })`,
        `await store.startRun(run('k'))`,
        `await store.recordAck({ runId: 'k', clientOrderId: 'q-0', orderId: 'o-0', status: 'NEW', time: 1 })`,
        `await store.journalIntent(intent('k', 'q-1'))`,
        `await store.recordAck({ runId: 'k', clientOrderId: 'q-1', orderId: 'o-1', status: 'NEW', time: 2 })`,
      ])
      expect(signal).toBe('SIGKILL')
      const db = new Database(path)
      try {
        expect(db.prepare('select client_order_id as id from intents').all()).toEqual([{ id: 'q-1' }])
        expect(db.prepare('select client_order_id as id from acks order by id').all()).toEqual([
          { id: 'q-0' },
          { id: 'q-1' },
        ])
      } finally {
        db.close()
      }
    },
  )

  it('opens for reading beside a writer: no lock, no checkpoint, writes refused, a missing file unavailable', async () => {
    const path = join(dir, 'reader.db')
    const writer = await openSqliteStore(path)
    await writer.startRun(run('w'))
    await writer.journalIntent(intent('w', 'q-1'))
    const wal = statSync(`${path}-wal`).size
    expect(wal).toBeGreaterThan(0)
    const reader = await openSqliteStore(path, { readOnly: true })
    expect((await reader.listRuns()).map((r) => r.id)).toEqual(['w'])
    await expect(reader.startRun(run('r'))).rejects.toThrow(/readonly|read-only|query_only/i)
    await writer.journalIntent(intent('w', 'q-2')) // the writer is not held up by the open reader
    await reader.close()
    expect(statSync(`${path}-wal`).size).toBeGreaterThanOrEqual(wal) // the reader's close folded nothing
    expect((await writer.intents('w')).map((i) => i.clientOrderId)).toEqual(['q-1', 'q-2'])
    await writer.close()
    await expect(openSqliteStore(join(dir, 'absent.db'), { readOnly: true })).rejects.toBeInstanceOf(
      StateUnavailableError,
    )
    expect(existsSync(join(dir, 'absent.db'))).toBe(false)
  })

  it('runs in WAL mode', async () => {
    const path = join(dir, 'pragmas.db')
    const store = await openStateStore(path)
    await store.close()
    const db = new Database(path)
    expect(db.pragma('journal_mode')).toEqual([{ journal_mode: 'wal' }])
    db.close()
    expect(store.backend).toBe('sqlite')
  })

  it('refuses a file that is not a database and leaves its bytes as they were', async () => {
    const path = join(dir, 'garbage.db')
    writeFileSync(path, 'these are the notes of another program, not a database\n'.repeat(200))
    const before = sha(path)
    const error = await openSqliteStore(path).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StateInvalidError)
    expect(error).toMatchObject({ reason: 'corrupt', store: path })
    expect(sha(path)).toBe(before)
  })

  it('refuses a database of another application and leaves it as it was', async () => {
    const path = join(dir, 'foreign.db')
    const db = new Database(path)
    db.exec("create table users (id integer primary key, name text); insert into users values (1, 'ada')")
    db.close()
    const before = sha(path)
    const error = await openSqliteStore(path).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StateInvalidError)
    expect(error).toMatchObject({ reason: 'foreign' })
    expect((error as Error).message).toContain('users')
    expect(sha(path)).toBe(before)
  })

  it('refuses a state file whose pages were damaged', async () => {
    const path = join(dir, 'damaged.db')
    const store = await openSqliteStore(path)
    await store.startRun(run('r1'))
    for (let k = 0; k < 200; k++) await store.journalIntent(intent('r1', `c-${k}`))
    await store.close()
    const bytes = readFileSync(path)
    expect(bytes.length).toBeGreaterThan(4096 * 8)
    bytes.fill(0x5a, 4096 * 3, 4096 * 6) // overwrite three pages in the middle of the file
    writeFileSync(path, bytes)
    const before = sha(path)
    const error = await openSqliteStore(path).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StateInvalidError)
    expect(error).toMatchObject({ reason: 'corrupt' })
    expect(sha(path)).toBe(before)
  })

  it('reports a full database as StateFullError and keeps everything written before it', async () => {
    const path = join(dir, 'capped.db')
    const store = await openSqliteStore(path, { maxSizeBytes: 160 * 1024 })
    await store.startRun(run('r1'))
    let written = 0
    const error = await (async () => {
      for (; written < 10_000; written++) await store.journalIntent(intent('r1', `c-${written}`))
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StateFullError)
    expect(written).toBeGreaterThan(10)
    expect(await store.intents('r1')).toHaveLength(written)
    await store.close()
    const reopened = await openSqliteStore(path)
    expect(await reopened.intents('r1')).toHaveLength(written)
    await reopened.close()
  })

  it('reports a file it cannot open as unavailable', async () => {
    const blocker = join(dir, 'a-file')
    writeFileSync(blocker, '')
    await expect(openSqliteStore(join(blocker, 'state.db'))).rejects.toBeInstanceOf(StateUnavailableError)
  })
})

/** A real full filesystem: a 256 KiB tmpfs, mounted only where this process may (root in CI). */
const mountPoint = mkdtempSync(join(tmpdir(), 'quantum-full-'))
const mounted = ((): boolean => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint], { stdio: 'ignore' })
    return true
  } catch {
    rmSync(mountPoint, { recursive: true, force: true })
    console.warn(
      '[skip] full-disk test: cannot mount a small tmpfs here (needs root); the size cap test covers SQLITE_FULL',
    )
    return false
  }
})()

describe.skipIf(!mounted)('SQLite store on a full filesystem (256 KiB tmpfs)', () => {
  afterAll(() => {
    // Lazy: libsql frees a closed database's file handles only when its statements are collected.
    execFileSync('umount', ['-l', mountPoint])
    rmSync(mountPoint, { recursive: true, force: true })
  })

  it('raises StateFullError when the disk fills and keeps every write that resolved', async () => {
    const path = join(mountPoint, 'state.db')
    const store = await openSqliteStore(path)
    await store.startRun(run('r1'))
    let written = 0
    const error = await (async () => {
      for (; written < 100_000; written++) await store.journalIntent(intent('r1', `c-${written}`))
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StateFullError)
    expect(await store.intents('r1')).toHaveLength(written)
    await store.close()
  })
})
