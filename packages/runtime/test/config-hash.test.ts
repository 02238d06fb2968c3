/**
 * Every mode's run folder carries the run's config hash (`summary.json` and the report), computed by the
 * one function a stored run is resumed by; the plugins the runtime attaches (`--http`) do not change it.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startEmulator } from '@quantum/emulator'
import { openStateStore } from '@quantum/store'
import { beforeAll, describe, expect, it } from 'vitest'
import { configHashOf } from '../src/config-hash.js'
import { loadQuantumConfig } from '../src/load-config.js'
import { runCli, type CliDeps } from '../src/run-cli.js'
import { CaptureStream, fixture, jitiOptions, tempDir } from './helpers.js'
import { makeResult } from './make-result.js'

/** The hash of a fixture config as the CLI loads it for `mode`. */
async function expectedHash(name: string, mode: 'backtest' | 'paper' | 'testnet'): Promise<string> {
  const loaded = await loadQuantumConfig(fixture(name), { cwd: fixture(''), mode, jitiOptions })
  return configHashOf({ ...loaded.config, mode })
}

async function deps(env: Record<string, string> = {}): Promise<CliDeps & { cwd: string; stderr: CaptureStream }> {
  const result = () => Promise.resolve(makeResult({ bars: 50, trades: 2 }))
  return {
    run: result,
    runPaper: result,
    stdout: new CaptureStream(),
    stderr: new CaptureStream(),
    cwd: await tempDir(),
    env,
    now: () => new Date(2024, 4, 6, 7, 8, 9),
    jitiOptions,
    typecheck: false,
  }
}

const summaryOf = async (dir: string): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>

beforeAll(async () => {
  const { createUsdmClient } = await import('@quantum/ccxt')
  await (await createUsdmClient({ mode: 'live' })).close()
}, 60_000)

describe('the config hash in every run folder', () => {
  it('should write the config hash into a backtest summary.json and report.html', async () => {
    const d = await deps()
    expect(await runCli([fixture('valid.config.ts'), '--out', 'r', '--quiet'], d)).toBe(0)
    const hash = await expectedHash('valid.config.ts', 'backtest')
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect((await summaryOf(join(d.cwd, 'r')))['configHash']).toBe(hash)
    expect(await readFile(join(d.cwd, 'r', 'report.html'), 'utf8')).toContain(hash)
  })

  it('should write the stored run config hash into a paper summary.json, the same with or without --http', async () => {
    const d = await deps()
    const argv = [fixture('valid.config.ts'), '--mode', 'paper', '--quiet', '--no-progress', '--state', 'state.db']
    expect(await runCli([...argv, '--out', 'a'], d)).toBe(0)
    const hash = await expectedHash('valid.config.ts', 'paper')
    expect(hash).not.toBe(await expectedHash('valid.config.ts', 'backtest'))
    expect((await summaryOf(join(d.cwd, 'a')))['configHash']).toBe(hash)
    // With --http (metrics, dashboard and risk API plugins attached) the hash is the same one.
    expect(await runCli([...argv, '--out', 'b', '--http', '127.0.0.1:0'], d)).toBe(0)
    expect(d.stderr.text).not.toContain('config-changed')
    expect((await summaryOf(join(d.cwd, 'b')))['configHash']).toBe(hash)
    const store = await openStateStore(join(d.cwd, 'state.db'), { createIfMissing: false })
    try {
      const runs = await store.listRuns({ limit: 10 })
      expect(runs.length).toBeGreaterThan(0)
      expect(runs.map((r) => r.configHash)).toEqual(runs.map(() => hash))
    } finally {
      await store.close()
    }
  })

  it('should write the config hash into a testnet summary.json, equal to the stored run hash', async () => {
    const key = 'config-hash-key-0001'
    const secret = 'config-hash-secret-0001'
    const emulator = await startEmulator({ balance: 10_000, seed: 5, apiKeys: [{ key, secret }] })
    const minute = Math.floor(emulator.clock.now() / 60_000) * 60_000
    let k = 0
    const bar = (): void => {
      const price = 60_000 + k * 10
      emulator.pushBar('BTCUSDT', {
        openTime: minute + k++ * 60_000,
        open: price,
        high: price + 20,
        low: price - 20,
        close: price + 5,
        volume: 3,
      })
    }
    bar()
    const feeder = setInterval(bar, 40)
    try {
      const d = await deps({
        QUANTUM_BINANCE_TESTNET_API_KEY: key,
        QUANTUM_BINANCE_TESTNET_API_SECRET: secret,
        QUANTUM_BINANCE_REST_URL: emulator.restUrl,
        QUANTUM_BINANCE_WS_URL: emulator.wsUrl,
      })
      const argv = [fixture('venue.config.ts'), '--mode', 'testnet', '--max-bars', '2', '--out', 'run', '--quiet']
      const code = await runCli([...argv, '--state', 'state.db'], d)
      expect(d.stderr.text).toBe('')
      expect(code).toBe(0)
      const summary = await summaryOf(join(d.cwd, 'run'))
      const hash = await expectedHash('venue.config.ts', 'testnet')
      expect(summary['configHash']).toBe(hash)
      expect(summary['state']).toMatchObject({ configHash: hash })
    } finally {
      clearInterval(feeder)
      await emulator.close()
    }
  }, 60_000)
})
