import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startEmulator } from '@quantum/emulator'
import { describe, expect, it } from 'vitest'
import { cliBuilt, cliPath } from '../../../test-utils/cli.js'
import { fixture, tempDir } from './helpers.js'

/** Runs the built CLI in a child process; resolves with its exit code, or `'still running'` after `limitMs`. */
function runChild(
  args: readonly string[],
  options: { cwd: string; env: Record<string, string>; limitMs: number },
): Promise<{ code: number | null | 'still running'; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve({ code: 'still running', stderr })
    }, options.limitMs)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stderr })
    })
  })
}

describe.runIf(cliBuilt)('quantum-run --mode testnet --max-bars as a process (built CLI, local emulator)', () => {
  it('should exit by itself once the bars are done, not wait for ccxt listenKey keep-alive timer (20 min)', async () => {
    const key = 'emulator-test-key-0002'
    const secret = 'emulator-test-secret-0002'
    const emulator = await startEmulator({ balance: 10_000, seed: 5, apiKeys: [{ key, secret }] })
    const minute = Math.floor(emulator.clock.now() / 60_000) * 60_000
    let k = 0
    const bar = (): void => {
      emulator.pushBar('BTCUSDT', {
        openTime: minute + k * 60_000,
        open: 60_000,
        high: 60_020,
        low: 59_980,
        close: 60_005,
        volume: 3,
      })
      k++
    }
    bar()
    const feeder = setInterval(bar, 100)
    try {
      const cwd = await tempDir()
      const run = await runChild([fixture('venue.config.ts'), '--mode', 'testnet', '--max-bars', '2', '--out', 'run'], {
        cwd,
        env: {
          QUANTUM_BINANCE_TESTNET_API_KEY: key,
          QUANTUM_BINANCE_TESTNET_API_SECRET: secret,
          QUANTUM_BINANCE_REST_URL: emulator.restUrl,
          QUANTUM_BINANCE_WS_URL: emulator.wsUrl,
        },
        // Startup of a fresh node with the built packages takes a few seconds on a loaded machine.
        limitMs: 40_000,
      })
      expect(run.code, run.stderr).toBe(0)
      const summary = JSON.parse(await readFile(join(cwd, 'run', 'summary.json'), 'utf8')) as { bars: number }
      expect(summary.bars).toBe(2)
    } finally {
      clearInterval(feeder)
      await emulator.close()
    }
  }, 60_000)
})
