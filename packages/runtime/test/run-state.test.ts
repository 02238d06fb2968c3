import { readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { StateInvalidError, StateLockedError, silentLogger, type QuantumConfig } from '@quantum/core'
import { startEmulator } from '@quantum/emulator'
import { openStateStore, STATE_SCHEMA_VERSION } from '@quantum/store'
import Database from 'libsql'
import { describe, expect, it } from 'vitest'
import { runCli } from '../src/run-cli.js'
import { configHashOf, openRunState } from '../src/run-state.js'
import { CaptureStream, fixture, jitiOptions, tempDir } from './helpers.js'

const config = {
  name: 'state-test',
  mode: 'testnet',
  data: { candles: ['BTCUSDT-1m.csv'] },
  exchange: { balance: 1000 },
  plugins: [{ name: 'a', kind: 'agent', options: { fast: 3 } }],
} as unknown as QuantumConfig

describe('the run state of testnet/live runs', () => {
  it('should resume the newest stopped run of the same config and account, and start a new one after a completed run', async () => {
    const db = join(await tempDir(), 'state.db')
    const open = () => openRunState({ location: db, config, mode: 'testnet', account: 'acct', logger: silentLogger })
    const first = await open()
    expect(first.resumed).toBe(false)
    await first.close('stopped')
    const second = await open()
    expect(second.resumed).toBe(true)
    expect(second.run.id).toBe(first.run.id)
    await second.close('completed')
    const third = await open()
    expect(third.resumed).toBe(false)
    expect(third.run.id).not.toBe(first.run.id)
    await third.close('stopped')
  })

  it('should refuse a second process on the same run with a typed error naming the holder', async () => {
    const db = join(await tempDir(), 'state.db')
    const open = () => openRunState({ location: db, config, mode: 'testnet', account: 'acct', logger: silentLogger })
    const first = await open()
    await first.close('stopped')
    const holder = await open()
    const error = await open().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StateLockedError)
    expect((error as StateLockedError).message).toContain(`pid ${process.pid}`)
    await holder.close('stopped')
  })

  it('should refuse to resume a run started with another config (config-changed, naming both hashes), and start a new one with newRun', async () => {
    const db = join(await tempDir(), 'state.db')
    const changed = {
      ...config,
      plugins: [{ name: 'a', kind: 'agent', options: { fast: 4 } }],
    } as unknown as QuantumConfig
    const open = (c: QuantumConfig, newRun = false) =>
      openRunState({ location: db, config: c, mode: 'testnet', account: 'acct', logger: silentLogger, newRun })
    const first = await open(config)
    const firstId = first.run.id
    await first.close('stopped')
    const error = await open(changed).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StateInvalidError)
    expect(error).toMatchObject({ reason: 'config-changed' })
    expect((error as Error).message).toContain(firstId)
    expect((error as Error).message).toContain(configHashOf(config).slice(0, 12))
    expect((error as Error).message).toContain(configHashOf(changed).slice(0, 12))
    expect((error as Error).message).toContain('--new-run')
    // The old config still resumes its run; --new-run starts another and the stored hash is the new config's.
    const again = await open(config)
    expect([again.resumed, again.run.id]).toEqual([true, firstId])
    await again.close('stopped')
    const fresh = await open(changed, true)
    expect(fresh.resumed).toBe(false)
    expect(fresh.run.id).not.toBe(firstId)
    expect(fresh.run.configHash).toBe(configHashOf(changed))
    await fresh.close('stopped')
    // After it, the changed config resumes its own run; a crashed (running) old run is ended by --new-run.
    const resumedNew = await open(changed)
    expect(resumedNew.run.id).toBe(fresh.run.id)
    const store = await openStateStore(db)
    expect((await store.getRun(fresh.run.id))?.configHash).toBe(configHashOf(changed))
    await store.close()
    await resumedNew.close('stopped')
  })

  it('should start a new run with newRun even when the same config could resume, and mark a crashed one stopped', async () => {
    const db = join(await tempDir(), 'state.db')
    const open = (newRun: boolean) =>
      openRunState({ location: db, config, mode: 'testnet', account: 'acct', logger: silentLogger, newRun })
    const first = await open(false)
    // A crash: the run stays `running` and its lock is released by nobody but its dead process (here: released).
    await first.journal.flush()
    const store = await openStateStore(db)
    expect((await store.getRun(first.run.id))?.status).toBe('running')
    await store.close()
    await first.close('stopped')
    const crashedDb = await openStateStore(db)
    await crashedDb.resumeRun(first.run.id)
    await crashedDb.close()
    const second = await open(true)
    expect(second.resumed).toBe(false)
    expect(second.run.id).not.toBe(first.run.id)
    await second.close('stopped')
    const check = await openStateStore(db)
    expect((await check.getRun(first.run.id))?.status).toBe('stopped')
    await check.close()
  })

  it('should refuse a database with a newer schema and an unreachable PostgreSQL with typed errors before any request to the venue, leaving the file as it was', async () => {
    const cwd = await tempDir()
    const db = join(cwd, 'newer.db')
    await (await openStateStore(db)).close()
    const raw = new Database(db)
    raw.exec(`update quantum_meta set value = '${STATE_SCHEMA_VERSION + 1}' where key = 'schema_version'`)
    raw.exec('pragma wal_checkpoint(truncate)') // into the file itself, so that its bytes say it all
    raw.close()
    const before = await readFile(db)
    // A port nobody listens on: bound, then released.
    const port = await new Promise<number>((resolvePort) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address()
        server.close(() => resolvePort(typeof address === 'object' && address !== null ? address.port : 1))
      })
    })
    const key = 'state-test-key-000000000000000000000000000000000000000000000000'
    const secret = 'state-test-secret-000000000000000000000000000000000000000000000'
    const emulator = await startEmulator({ balance: 10_000, apiKeys: [{ key, secret }] })
    try {
      const run = async (state: string): Promise<{ code: number; stderr: string }> => {
        const stderr = new CaptureStream()
        const code = await runCli([fixture('venue.config.ts'), '--mode', 'testnet', '--state', state], {
          stdout: new CaptureStream(),
          stderr,
          cwd,
          env: {
            QUANTUM_BINANCE_TESTNET_API_KEY: key,
            QUANTUM_BINANCE_TESTNET_API_SECRET: secret,
            QUANTUM_BINANCE_REST_URL: emulator.restUrl,
            QUANTUM_BINANCE_WS_URL: emulator.wsUrl,
          },
          jitiOptions,
          typecheck: false,
        })
        return { code, stderr: stderr.text }
      }
      const newer = await run(db)
      expect(newer.code).toBe(2)
      expect(newer.stderr).toContain(`schema version ${STATE_SCHEMA_VERSION + 1} is newer than this build's`)
      expect(await readFile(db)).toEqual(before)
      const pgDown = await run(`postgres://quantum:secret-pw@127.0.0.1:${port}/test`)
      expect(pgDown.code).toBe(1)
      expect(pgDown.stderr).toContain(`127.0.0.1:${port}`)
      expect(pgDown.stderr).not.toContain('secret-pw')
      expect(emulator.requests).toHaveLength(0)
    } finally {
      await emulator.close()
    }
  }, 240_000)

  it('should hash configs that differ in a plugin option differently', () => {
    const other = {
      ...config,
      plugins: [{ name: 'a', kind: 'agent', options: { fast: 4 } }],
    } as unknown as QuantumConfig
    expect(configHashOf(other)).not.toBe(configHashOf(config))
    expect(configHashOf({ ...config })).toBe(configHashOf(config))
  })

  it('should exit 2 on a corrupt state file before connecting to any venue, leaving the file as it was', async () => {
    const cwd = await tempDir()
    const db = join(cwd, 'state.db')
    await writeFile(db, 'this is not a database, it is a text file with enough bytes to look like one '.repeat(20))
    const before = await readFile(db)
    const stderr = new CaptureStream()
    const code = await runCli([fixture('venue.config.ts'), '--mode', 'testnet', '--state', db], {
      stdout: new CaptureStream(),
      stderr,
      cwd,
      env: {
        QUANTUM_BINANCE_TESTNET_API_KEY: 'state-test-key-000000000000000000000000000000000000000000000000',
        QUANTUM_BINANCE_TESTNET_API_SECRET: 'state-test-secret-000000000000000000000000000000000000000000000',
        // Nothing listens here: a connection attempt would fail differently.
        QUANTUM_BINANCE_REST_URL: 'http://127.0.0.1:9',
        QUANTUM_BINANCE_WS_URL: 'ws://127.0.0.1:9',
      },
      jitiOptions,
      typecheck: false,
    })
    expect(stderr.text).toContain('State store')
    expect(code).toBe(2)
    expect(await readFile(db)).toEqual(before)
  }, 240_000)
})
