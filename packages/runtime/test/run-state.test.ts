import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { StateLockedError, silentLogger, type QuantumConfig } from '@quantum/core'
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
