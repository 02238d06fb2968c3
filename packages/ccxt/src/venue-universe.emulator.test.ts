import { ConfigError } from '@quantum/core'
import { fullExchangeInfo, startEmulator, type Emulator } from '@quantum/emulator'
import { afterEach, describe, expect, it } from 'vitest'
import { createEmulatorClient, type UsdmClient } from './client.js'
import { scanVenueUniverse, startVenueUniverse, type VenueUniverseSelection } from './venue-universe.js'

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'XRPUSDT', 'SOLUSDT']
let emulator: Emulator | undefined
let client: UsdmClient | undefined

afterEach(async () => {
  await client?.close()
  await emulator?.close()
  client = undefined
  emulator = undefined
})

/** The emulator with five listed symbols (SOL listed 5 days ago) and a minute of market for each. */
async function venue() {
  const info = fullExchangeInfo()
  const now = Date.now()
  for (const s of info['symbols'] as { symbol: string; onboardDate: number }[]) {
    if (s.symbol === 'SOLUSDT') s.onboardDate = now - 5 * 86_400_000
  }
  emulator = await startEmulator({ balance: 10_000, symbols: SYMBOLS, exchangeInfo: info })
  const t = Math.floor(emulator.clock.now() / 60_000) * 60_000 - 60_000
  const bar = (price: number, volume: number) => ({
    openTime: t,
    open: price,
    high: price * 1.005,
    low: price * 0.995,
    close: price,
    volume,
  })
  emulator.pushBar('BTCUSDT', bar(60_000, 100)) // 6.0e6 USDT
  emulator.pushBar('ETHUSDT', bar(3_000, 1_000)) // 3.0e6
  emulator.pushBar('BNBUSDT', bar(600, 10)) // 6.0e3: too little volume
  emulator.pushBar('XRPUSDT', bar(0.5, 10_000_000)) // 5.0e6, but a wide book below
  emulator.pushBar('SOLUSDT', bar(150, 100_000)) // 1.5e7, but listed 5 days ago
  emulator.setBook('XRPUSDT', { spreadBps: 40, qty: 1000 })
  client = await createEmulatorClient({ restUrl: emulator.restUrl, wsUrl: emulator.wsUrl })
  return { emulator, client, bar }
}

const FILTERS = {
  minQuoteVolume: 1_000_000,
  maxSpreadBps: 10,
  minAgeDays: 30,
  volatility: [0.001, 0.2] as [number, number],
}

describe('the venue universe against the emulator (exchangeInfo, ticker/24hr, bookTicker through real ccxt)', () => {
  it('should choose symbols by volume, spread, age and volatility and say why each other one was left out', async () => {
    const { client } = await venue()
    const selection = await scanVenueUniverse(client, FILTERS)
    expect(selection.symbols).toEqual(['BTCUSDT', 'ETHUSDT'])
    const why = Object.fromEntries(selection.rejected.map((r) => [r.symbol, r.reason]))
    expect(why['BNBUSDT']).toMatch(/^quoteVolume 6000 < 1000000$/)
    expect(why['XRPUSDT']).toMatch(/^spread 40\.\d+ bps > 10$/)
    expect(why['SOLUSDT']).toMatch(/^listed 5\.0 days ago < 30$/)
    expect(
      emulator!.requests.map((r) => r.path).filter((p) => p.includes('ticker') || p.includes('exchangeInfo')),
    ).toEqual(expect.arrayContaining(['/fapi/v1/exchangeInfo', '/fapi/v1/ticker/24hr', '/fapi/v1/ticker/bookTicker']))
    const capped = await scanVenueUniverse(client, { ...FILTERS, maxSymbols: 1 })
    expect(capped.symbols).toEqual(['BTCUSDT'])
    expect(capped.rejected).toContainEqual({ symbol: 'ETHUSDT', reason: 'beyond maxSymbols 1' })
  })

  it('should refresh on its schedule, report the change, and keep the members when a scan fails', async () => {
    const { emulator, client, bar } = await venue()
    const changes: VenueUniverseSelection[] = []
    const errors: unknown[] = []
    const universe = await startVenueUniverse(client, FILTERS, {
      everyMs: 100,
      onChange: (s) => changes.push(s),
      onError: (e) => errors.push(e),
    })
    try {
      expect([...universe.members()]).toEqual(['BTCUSDT', 'ETHUSDT'])
      expect(universe.has('BNBUSDT', 0)).toBe(false)
      // BNB trades 10,000 more in the next minute: 6.0e6 USDT, in at the next refresh, ranked by volume.
      emulator.pushBar('BNBUSDT', { ...bar(600, 10_000), openTime: bar(600, 0).openTime + 60_000 })
      for (let i = 0; i < 100 && !universe.has('BNBUSDT', 0); i++) await new Promise((r) => setTimeout(r, 20))
      expect(universe.selection()!.symbols).toEqual(['BNBUSDT', 'BTCUSDT', 'ETHUSDT'])
      expect(changes.length).toBe(2)
      emulator.faults.inject({ kind: 'http-503', path: '/fapi/v1/ticker/24hr', times: 5 })
      expect(await universe.rescan()).toBeUndefined()
      expect(errors.length).toBeGreaterThan(0)
      expect([...universe.members()]).toEqual(['BNBUSDT', 'BTCUSDT', 'ETHUSDT'])
    } finally {
      universe.stop()
    }
  })

  it('should refuse bad filters with a ConfigError', async () => {
    await expect(scanVenueUniverse({}, { maxSymbols: 0 })).rejects.toBeInstanceOf(ConfigError)
    await expect(scanVenueUniverse({}, {})).rejects.toThrow(/fapiPublicGetExchangeInfo is missing/)
  })
})
