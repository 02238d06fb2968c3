/**
 * Test harness: an emulator on a manual clock with a first bar, and a real ccxt `binanceusdm`
 * (ccxt.pro, for WebSockets) pointed at it with the real URLs kept (research §8 option b).
 */
import ccxt from 'ccxt'
import { afterEach, beforeEach } from 'vitest'
import { attachCcxt, startEmulator, type Emulator, type EmulatorOptions } from '../src/index.js'

export const T0 = Date.UTC(2026, 0, 1)
export const MINUTE = 60_000

export type Usdm = InstanceType<typeof ccxt.pro.binanceusdm>

/** An emulator on a manual clock starting at T0, with one BTCUSDT bar (close 60000) and one ETHUSDT bar. */
export async function emulatorWithMarket(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ clock: 'manual', startTime: T0, ...options })
  emulator.pushBar('BTCUSDT', { openTime: T0, open: 60000, high: 60100, low: 59900, close: 60000, volume: 12 })
  emulator.pushBar('ETHUSDT', { openTime: T0, open: 3000, high: 3010, low: 2990, close: 3000, volume: 100 })
  return emulator
}

/** A ccxt.pro binanceusdm instance talking to `emulator`, markets loaded and clock synchronised. */
export async function connectCcxt(emulator: Emulator, extra: Record<string, unknown> = {}): Promise<Usdm> {
  const ex = new ccxt.pro.binanceusdm({
    apiKey: emulator.credentials.key,
    secret: emulator.credentials.secret,
    enableRateLimit: false,
    timeout: 2000,
    options: { fetchCurrencies: false, fetchMargins: false, adjustForTimeDifference: true },
    ...extra,
  })
  await attachCcxt(ex, emulator)
  await ex.loadMarkets()
  return ex
}

/** The ccxt error class name of a rejected promise (fails the test when it resolves). */
export async function errorName(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (error) {
    return (error as Error).constructor.name
  }
  throw new Error('expected a rejection')
}

/** A per-test emulator with a market and a ccxt client on it (see {@link useCcxtEmulator}). */
export interface CcxtEmulatorFixture {
  /** The current test's emulator. */
  readonly emu: Emulator
  /** The current test's ccxt client, connected to {@link CcxtEmulatorFixture.emu}. */
  readonly ex: Usdm
  /** Binance error code of the emulator's last reply (undefined for a success). */
  lastCode(): number | undefined
}

/**
 * Registers `beforeEach` / `afterEach` hooks that give every test of the enclosing `describe` a fresh
 * {@link emulatorWithMarket} and a {@link connectCcxt} client, both closed after the test.
 */
export function useCcxtEmulator(options: EmulatorOptions = {}): CcxtEmulatorFixture {
  let current: { emu: Emulator; ex: Usdm } | undefined
  beforeEach(async () => {
    const emu = await emulatorWithMarket(options)
    current = { emu, ex: await connectCcxt(emu) }
  })
  afterEach(async () => {
    await current?.ex.close()
    await current?.emu.close()
    current = undefined
  })
  const get = (): { emu: Emulator; ex: Usdm } => {
    if (current === undefined) throw new Error('useCcxtEmulator: only inside a test')
    return current
  }
  return {
    get emu() {
      return get().emu
    },
    get ex() {
      return get().ex
    },
    lastCode: () => get().emu.requests.at(-1)?.code,
  }
}
