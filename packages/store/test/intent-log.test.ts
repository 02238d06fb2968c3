import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'libsql'
import { afterAll, describe, expect, it } from 'vitest'
import { StateInvalidError } from '@quantum/core'
import { IntentLog, readIntentLog } from '../src/intent-log.js'
import { openSqliteStore } from '../src/index.js'
import { runKilledChild } from './killed-child.js'
import { intent, run } from './store-contract.js'

const dir = mkdtempSync(join(tmpdir(), 'quantum-intent-log-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The intent logs beside the database `path`. */
const logsOf = (path: string): string[] => {
  const name = path.slice(path.lastIndexOf('/') + 1)
  return readdirSync(join(path, '..'))
    .filter((f) => f.startsWith(`${name}-intents-`))
    .map((f) => join(path, '..', f))
}
const payloadsOf = (log: string): string[] =>
  (readIntentLog(readFileSync(log))?.payloads ?? []).map((p) => (JSON.parse(p.toString()) as string[])[1]!)
const ids = async (path: string, runId: string): Promise<string[]> => {
  const store = await openSqliteStore(path)
  try {
    return (await store.intents(runId)).map((i) => i.clientOrderId)
  } finally {
    await store.close()
  }
}

describe('intent log', () => {
  it('folds the intents of a process that died before their rows reached the disk, then deletes its log', async () => {
    const sub = join(dir, 'died')
    mkdirSync(sub)
    const path = join(sub, 'state.db')
    const signal = runKilledChild(sub, 'child', [
      `const store = await openSqliteStore(${JSON.stringify(path)})`,
      `await store.startRun(run('k'))`,
      `for (const id of ['q-1', 'q-2', 'q-3']) await store.journalIntent(intent('k', id))`,
    ])
    expect(signal).toBe('SIGKILL')
    const [log, ...more] = logsOf(path)
    expect(more).toEqual([])
    expect(payloadsOf(log!)).toEqual(['q-1', 'q-2', 'q-3'])
    // A power loss loses the write-ahead log's tail: the rows of q-2 and q-3 are gone, their log records are not.
    const db = new Database(path)
    db.exec("delete from intents where client_order_id in ('q-2', 'q-3')")
    db.close()
    const store = await openSqliteStore(path)
    expect((await store.intents('k')).map((i) => i.clientOrderId)).toEqual(['q-1', 'q-2', 'q-3'])
    expect((await store.pendingIntents('k')).map((i) => i.clientOrderId)).toEqual(['q-1', 'q-2', 'q-3'])
    expect((await store.intents('k'))[1]).toEqual(intent('k', 'q-2'))
    expect(logsOf(path)).not.toContain(log) // folded and deleted; only the new store's own log is left
    expect(logsOf(path)).toHaveLength(1)
    await store.close()
    expect(logsOf(path)).toEqual([])
  })

  it("leaves a live writer's log alone, and deletes its own at close", async () => {
    const path = join(dir, 'two.db')
    const a = await openSqliteStore(path)
    await a.startRun(run('a'))
    await a.journalIntent(intent('a', 'q-1'))
    const [logA] = logsOf(path)
    const b = await openSqliteStore(path)
    expect(logsOf(path)).toContain(logA)
    expect(logsOf(path)).toHaveLength(2)
    await a.journalIntent(intent('a', 'q-2'))
    expect(payloadsOf(logA!)).toEqual(['q-1', 'q-2'])
    await b.close()
    await a.close()
    expect(logsOf(path)).toEqual([])
    expect(await ids(path, 'a')).toEqual(['q-1', 'q-2'])
  })

  it('voids the record of an intent whose row was refused, so a restart never folds it', async () => {
    const path = join(dir, 'void.db')
    const store = await openSqliteStore(path)
    await store.startRun(run('v'))
    await store.journalIntent(intent('v', 'q-1'))
    const error = await store.journalIntent(intent('v', 'q-1')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StateInvalidError)
    await store.journalIntent(intent('v', 'q-2'))
    const [log] = logsOf(path)
    expect(payloadsOf(log!)).toEqual(['q-1', 'q-2'])
    await store.close()
  })

  it('rolls when full: syncs the database, starts a new generation, and every intent stays stored', async () => {
    const path = join(dir, 'roll.db')
    const store = await openSqliteStore(path, { intentLogBytes: 64 * 1024 })
    await store.startRun(run('r'))
    const all = Array.from({ length: 300 }, (_, k) => `q-${k}`)
    for (const id of all) await store.journalIntent(intent('r', id))
    const [log] = logsOf(path)
    const kept = payloadsOf(log!)
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThan(300) // the records before the last roll were dropped...
    expect(kept).toEqual(all.slice(300 - kept.length)) // ...and the newest generation holds the latest ones
    expect((await store.intents('r')).map((i) => i.clientOrderId)).toEqual(all)
    await store.close()
  })

  it('refuses a file named like a log that is not one, and leaves it as it was', async () => {
    const path = join(dir, 'foreign-log.db')
    await (await openSqliteStore(path)).close()
    const stray = `${path}-intents-1-00000000`
    writeFileSync(stray, 'not an intent log\n'.repeat(100))
    const before = readFileSync(stray)
    const error = await openSqliteStore(path).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StateInvalidError)
    expect(error).toMatchObject({ reason: 'corrupt' })
    expect((error as Error).message).toContain('foreign-log.db-intents-1-00000000')
    expect(readFileSync(stray)).toEqual(before)
  })
})

describe('intent log file', () => {
  const open = (name: string): IntentLog => IntentLog.create(join(dir, name), { syncDatabase: () => undefined })
  const payload = (id: string): Buffer => Buffer.from(JSON.stringify(['r', id]))

  it('ends the scan at a torn record', () => {
    const log = open('torn.db')
    const second = (log.append(payload('a')), log.append(payload('b')))
    log.append(payload('c'))
    const bytes = readFileSync(log.path)
    bytes[second + 16 + 3]! ^= 0xff // a byte of b's payload
    expect(payloadsOf2(bytes)).toEqual(['a'])
    log.close()
  })

  it('ignores the remains of an earlier generation after a roll, and syncs the database first', () => {
    let syncs = 0
    const log = IntentLog.create(join(dir, 'gen.db'), { syncDatabase: () => void syncs++ })
    for (const id of ['a', 'b', 'c']) log.append(payload(id))
    log.roll()
    log.append(payload('d'))
    expect(syncs).toBe(1)
    expect(payloadsOf2(readFileSync(log.path))).toEqual(['d'])
    log.close()
  })

  it('refuses a record larger than the log', () => {
    const log = IntentLog.create(join(dir, 'big.db'), { bytes: 64 * 1024, syncDatabase: () => undefined })
    expect(() => log.append(Buffer.alloc(70 * 1024))).toThrow(StateInvalidError)
    log.close()
  })
})

function payloadsOf2(bytes: Buffer): string[] {
  return (readIntentLog(bytes)?.payloads ?? []).map((p) => (JSON.parse(p.toString()) as string[])[1]!)
}
