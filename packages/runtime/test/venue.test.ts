import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startEmulator } from '@quantum/emulator'
import { describe, expect, it } from 'vitest'
import { runCli } from '../src/run-cli.js'
import { CaptureStream, fixture, jitiOptions, tempDir } from './helpers.js'

describe('quantum-run --mode testnet (against the local emulator)', () => {
  it('should reconcile, stream closed klines into the strategy, trade on the venue and write summary.json', async () => {
    const key = 'emulator-test-key-0001'
    const secret = 'emulator-test-secret-0001'
    const emulator = await startEmulator({ balance: 10_000, seed: 3, apiKeys: [{ key, secret }] })
    const stdout = new CaptureStream()
    const stderr = new CaptureStream()
    const cwd = await tempDir()
    const minute = Math.floor(emulator.clock.now() / 60_000) * 60_000
    let k = 0
    const bar = (): void => {
      const price = 60_000 + k * 10
      emulator.pushBar('BTCUSDT', {
        openTime: minute + k * 60_000,
        open: price,
        high: price + 20,
        low: price - 20,
        close: price + 5,
        volume: 3,
      })
      k++
    }
    bar()
    // An order placed by hand before the run: --orphans flatten cancels it at the start.
    const { createUsdmClient } = await import('@quantum/ccxt')
    const manual = await createUsdmClient({
      mode: 'testnet',
      credentials: { apiKey: key, secret, toString: () => 'manual' },
      transport: { restUrl: emulator.restUrl, wsUrl: emulator.wsUrl },
    })
    await manual.loadMarkets()
    await manual.createOrder('BTC/USDT:USDT', 'limit', 'buy', 0.002, 50_000, { clientOrderId: 'by-hand' })
    await manual.close()
    const feeder = setInterval(bar, 40)
    try {
      const code = await runCli(
        [
          fixture('venue.config.ts'),
          '--mode',
          'testnet',
          '--max-bars',
          '3',
          '--orphans',
          'flatten',
          '--out',
          'run',
          '--json',
        ],
        {
          stdout,
          stderr,
          cwd,
          env: {
            QUANTUM_BINANCE_TESTNET_API_KEY: key,
            QUANTUM_BINANCE_TESTNET_API_SECRET: secret,
            QUANTUM_BINANCE_REST_URL: emulator.restUrl,
            QUANTUM_BINANCE_WS_URL: emulator.wsUrl,
          },
          jitiOptions,
        },
      )
      expect(stderr.text).not.toContain('error')
      expect(code).toBe(0)
      const summary = JSON.parse(await readFile(join(cwd, 'run', 'summary.json'), 'utf8')) as Record<string, unknown>
      expect(summary).toMatchObject({ mode: 'testnet', symbols: ['BTCUSDT'], bars: 3, unprotected: 0 })
      expect(summary['fills']).toBe(1)
      expect(summary['startReconciliation']).toMatchObject({
        orphanOrders: 1,
        actions: [expect.stringContaining('by-hand')],
      })
      expect(emulator.state().openOrders).toHaveLength(0)
      expect(emulator.state().positions).toMatchObject([{ symbol: 'BTCUSDT', side: 'LONG', quantity: 0.004 }])
    } finally {
      clearInterval(feeder)
      await emulator.close()
    }
  }, 30_000)
})
