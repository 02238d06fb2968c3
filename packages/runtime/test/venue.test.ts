import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '@quantum/emulator'
import { beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/run-cli.js'
import { CaptureStream, fixture, jitiOptions, tempDir } from './helpers.js'

// The venue modes import @quantum/ccxt and ccxt on first use: load them once here, outside the timed runs.
beforeAll(async () => {
  const { createUsdmClient } = await import('@quantum/ccxt')
  await (await createUsdmClient({ mode: 'live' })).close()
}, 60_000)

/** Closed 1m BTC bars pushed into the emulator one by one: open 60,000 + 10 per minute. */
function minuteBars(emulator: Emulator): { minute: number; bar: () => void } {
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
  return { minute, bar }
}

describe('quantum-run --mode testnet (against the local emulator)', () => {
  it('should reconcile, stream closed klines into the strategy, trade on the venue and write summary.json', async () => {
    const key = 'emulator-test-key-0001'
    const secret = 'emulator-test-secret-0001'
    const emulator = await startEmulator({ balance: 10_000, seed: 3, apiKeys: [{ key, secret }] })
    const stdout = new CaptureStream()
    const stderr = new CaptureStream()
    const cwd = await tempDir()
    const { bar } = minuteBars(emulator)
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
          typecheck: false,
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

describe('quantum-run --mode testnet with a model agent (inference driven by the kernel)', () => {
  it('should answer every live bar from the ONNX model, warmed up on the REST history', async () => {
    const key = 'emulator-test-key-0002'
    const secret = 'emulator-test-secret-0002'
    const emulator = await startEmulator({ balance: 10_000, seed: 6, apiKeys: [{ key, secret }] })
    const { minute, bar } = minuteBars(emulator)
    // 80 closed minutes before now, more than the agent's declared warm-up (65 bars), with some noise.
    for (let k = 1; k <= 80; k++) {
      const price = 59_000 + k * 7 + ((k * 37) % 11) * 9
      const b = {
        open: price,
        high: price + 25,
        low: price - 15,
        close: price + ((k * 13) % 7) - 3,
        volume: 2 + (k % 5),
      }
      emulator.pushBar('BTCUSDT', { openTime: minute - (81 - k) * 60_000, ...b })
    }
    const cwd = await tempDir()
    const signals = join(cwd, 'signals.jsonl')
    process.env.QUANTUM_TEST_SIGNALS = signals // read by the fixture's observer when the config loads
    const stderr = new CaptureStream()
    const feeder = setInterval(bar, 40)
    try {
      const code = await runCli(
        [fixture('venue-model.config.ts'), '--mode', 'testnet', '--max-bars', '4', '--out', 'run', '--json'],
        {
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
        },
      )
      expect(stderr.text).not.toContain('error')
      expect(stderr.text).not.toContain('no opinion')
      expect(code).toBe(0)
      const summary = JSON.parse(await readFile(join(cwd, 'run', 'summary.json'), 'utf8')) as { bars: number }
      expect(summary.bars).toBe(4)
      const answered = (await readFile(signals, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { agent: string; time: number; probabilities?: unknown; meta?: unknown })
      // One model answer per live bar (consecutive minutes from the feed's first), each with its
      // probabilities and the model's family; none for the warm-up bars before `minute`.
      expect(answered).toHaveLength(4)
      const first = answered[0]!.time
      expect(first).toBeGreaterThanOrEqual(minute)
      expect(answered.map((s) => s.time)).toEqual([0, 1, 2, 3].map((k) => first + k * 60_000))
      for (const s of answered) {
        expect(s.agent).toBe('agents:xgboost')
        expect(s.probabilities).toBeDefined()
        expect(s.meta).toMatchObject({ family: 'xgboost' })
      }
    } finally {
      delete process.env.QUANTUM_TEST_SIGNALS
      clearInterval(feeder)
      await emulator.close()
    }
  }, 30_000)
})

describe('quantum-run --mode paper --feed venue (the emulator as the market)', () => {
  it('should run the strategy on the venue live klines with fills simulated locally, sending no order to the venue', async () => {
    const emulator = await startEmulator({ balance: 10_000, seed: 4 })
    const stdout = new CaptureStream()
    const stderr = new CaptureStream()
    const cwd = await tempDir()
    const { minute, bar } = minuteBars(emulator)
    const feeder = setInterval(bar, 40)
    try {
      const code = await runCli(
        [fixture('venue.config.ts'), '--mode', 'paper', '--feed', 'venue', '--max-bars', '3', '--out', 'run', '--json'],
        {
          stdout,
          stderr,
          cwd,
          // No API key: market data only.
          env: { QUANTUM_BINANCE_REST_URL: emulator.restUrl, QUANTUM_BINANCE_WS_URL: emulator.wsUrl },
          jitiOptions,
          typecheck: false,
        },
      )
      expect(stderr.text).not.toContain('error')
      expect(code).toBe(0)
      const summary = JSON.parse(await readFile(join(cwd, 'run', 'summary.json'), 'utf8')) as {
        bars: number
        ledger: { fees: number; startBalance: number; endEquity: number; unrealizedPnl: number; endBalance: number }
        data: { symbol: string; file: string; rows: number }[]
      }
      expect(summary.bars).toBe(3)
      expect(summary.data).toEqual([
        expect.objectContaining({
          symbol: 'BTCUSDT',
          rows: 3,
          file: `binanceusdm 1m klines (${new URL(emulator.restUrl).host})`,
        }),
      ])
      // The BUY on the first bar the feed delivered filled at the next bar's open, from the venue's market:
      // 300 USDT -> 0.004 BTC with the taker fee (0.05 %); nothing but market data was asked of the venue.
      const equity = (await readFile(join(cwd, 'run', 'equity.csv'), 'utf8')).trim().split('\n').slice(1)
      expect(equity).toHaveLength(3)
      const second = Number(equity[1]!.split(',')[0])
      const open = 60_000 + ((second - minute) / 60_000) * 10
      expect(summary.ledger.fees).toBeCloseTo(0.004 * open * 0.0005, 10)
      expect(summary.ledger.endBalance).toBeCloseTo(10_000 - summary.ledger.fees, 8)
      expect(summary.ledger.endEquity).toBeCloseTo(summary.ledger.endBalance + summary.ledger.unrealizedPnl, 8)
      expect(emulator.requests.map((r) => r.path)).not.toContain('/fapi/v1/order')
      expect(emulator.state().positions).toHaveLength(0)
    } finally {
      clearInterval(feeder)
      await emulator.close()
    }
  }, 30_000)
})

describe('quantum-run --mode paper --feed venue --warmup', () => {
  it('should warm the strategy up on closed bars fetched over REST, never trading them, and continue the feed after them', async () => {
    const emulator = await startEmulator({ balance: 10_000, seed: 5 })
    const { minute, bar } = minuteBars(emulator)
    // Five closed minutes before now: the warm-up history.
    for (let k = 1; k <= 5; k++) {
      const price = 59_000 + k * 10
      const b = { open: price, high: price + 20, low: price - 20, close: price + 5, volume: 3 }
      emulator.pushBar('BTCUSDT', { openTime: minute - (6 - k) * 60_000, ...b })
    }
    const cwd = await tempDir()
    const stderr = new CaptureStream()
    const feeder = setInterval(bar, 40)
    try {
      const code = await runCli(
        [
          fixture('venue.config.ts'),
          '--mode',
          'paper',
          '--feed',
          'venue',
          '--warmup',
          '5',
          '--max-bars',
          '3',
          '--out',
          'run',
          '--json',
          '--quiet',
        ],
        {
          stdout: new CaptureStream(),
          stderr,
          cwd,
          env: { QUANTUM_BINANCE_REST_URL: emulator.restUrl, QUANTUM_BINANCE_WS_URL: emulator.wsUrl },
          jitiOptions,
          typecheck: false,
        },
      )
      expect(stderr.text).toBe('')
      expect(code).toBe(0)
      const summary = JSON.parse(await readFile(join(cwd, 'run', 'summary.json'), 'utf8')) as {
        bars: number
        fees: number
        data: { rows: number }[]
      }
      // The fixture buys on index 0: a warm-up bar now, so nothing is traded; the live bars are indexes 5-7.
      expect(summary.bars).toBe(3)
      expect(summary.data[0]?.rows).toBe(3)
      expect(summary.fees).toBe(0)
      const equity = (await readFile(join(cwd, 'run', 'equity.csv'), 'utf8')).trim().split('\n').slice(1)
      expect(Number(equity[0]!.split(',')[0])).toBe(minute) // the first live bar follows the history
    } finally {
      clearInterval(feeder)
      await emulator.close()
    }
  }, 30_000)
})

describe('quantum-run --feed on a backtest config', () => {
  it('should refuse a venue feed unless the run is a paper run', async () => {
    const stderr = new CaptureStream()
    const code = await runCli([fixture('venue.config.ts'), '--feed', 'venue'], {
      stdout: new CaptureStream(),
      stderr,
      cwd: await tempDir(),
      env: {},
      jitiOptions,
      typecheck: false,
    })
    expect(code).toBe(2)
    expect(stderr.text).toContain('--feed')
  })
})
