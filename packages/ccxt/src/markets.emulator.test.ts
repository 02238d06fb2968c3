import { ConfigError } from '@quantum/core'
import { startEmulator } from '@quantum/emulator'
import { describe, expect, it } from 'vitest'
import { createEmulatorClient } from './client.js'
import { listedMarkets } from './markets.js'

describe('listedMarkets against the local emulator (real ccxt 4.5.84)', () => {
  it('should retry a dropped exchangeInfo request with a reload (ccxt caches the failed load)', async () => {
    const emulator = await startEmulator({ balance: 10_000 })
    const client = await createEmulatorClient({ restUrl: emulator.restUrl, wsUrl: emulator.wsUrl })
    try {
      emulator.faults.inject({ kind: 'drop-connection', path: '/fapi/v1/exchangeInfo' })
      const markets = await listedMarkets(client, ['BTCUSDT', 'ETHUSDT'], { baseDelayMs: 5 })
      expect([...markets.unified]).toEqual([
        ['BTCUSDT', 'BTC/USDT:USDT'],
        ['ETHUSDT', 'ETH/USDT:USDT'],
      ])
      expect(markets.instruments.get('BTCUSDT')).toMatchObject({ tickSize: 0.1, stepSize: 0.001 })
      expect(emulator.requests.filter((r) => r.path === '/fapi/v1/exchangeInfo')).toHaveLength(2)
    } finally {
      await client.close()
      await emulator.close()
    }
  })

  it('should name every symbol the venue does not list', async () => {
    const emulator = await startEmulator({ balance: 10_000 })
    const client = await createEmulatorClient({ restUrl: emulator.restUrl, wsUrl: emulator.wsUrl })
    try {
      const error = await listedMarkets(client, ['BTCUSDT', 'NOPEUSDT', 'ZZZUSDT']).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).issues.map((i) => i.message)).toEqual([
        'NOPEUSDT is not a USD-M market',
        'ZZZUSDT is not a USD-M market',
      ])
    } finally {
      await client.close()
      await emulator.close()
    }
  })
})
