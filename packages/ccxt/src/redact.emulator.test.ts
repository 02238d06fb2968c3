import { inspect } from 'node:util'
import { QuantumError } from '@quantum/core'
import { startEmulator, type Emulator } from '@quantum/emulator'
import { afterEach, describe, expect, it } from 'vitest'
import { BinanceUsdmExchange } from './binance-usdm.js'
import { createUsdmClient, type UsdmClient } from './client.js'
import { mapCcxtError } from './errors.js'
import { redactSecrets } from './redact.js'

const KEY = 'emulatorKEYvisible0123456789abcdef'
const SECRET = 'emulatorSECRETvisible0123456789abcdef'

let emulator: Emulator | undefined
let client: UsdmClient | undefined
afterEach(async () => {
  await client?.close()
  await emulator?.close()
  client = undefined
  emulator = undefined
})

/** Every way a person or a log line might show `value`. */
function shown(value: unknown): string[] {
  let json: string
  try {
    json = JSON.stringify({ value }) ?? ''
  } catch (error) {
    json = String(error)
  }
  return [
    inspect(value, { depth: 6, showHidden: false }),
    inspect({ nested: { value } }, { depth: 8 }),
    json,
    String(value),
  ]
}

async function connect(secret: string): Promise<{ exchange: BinanceUsdmExchange | undefined; error: unknown }> {
  emulator = await startEmulator({ balance: 10_000, seed: 11, apiKeys: [{ key: KEY, secret: SECRET }] })
  client = await createUsdmClient({
    mode: 'live',
    credentials: { apiKey: KEY, secret, toString: () => 'Credentials(test)' },
    transport: { restUrl: emulator.restUrl, wsUrl: emulator.wsUrl },
    throttle: false,
  })
  try {
    return { exchange: await BinanceUsdmExchange.connect({ client, symbols: ['BTCUSDT'] }), error: undefined }
  } catch (error) {
    return { exchange: undefined, error }
  }
}

describe('credentials of the ccxt client and the exchange (emulator)', () => {
  it('should hide the key and secret from util.inspect, JSON.stringify and String of the client and the exchange', async () => {
    const { exchange, error } = await connect(SECRET)
    expect(error).toBeUndefined()
    for (const text of [...shown(client), ...shown(exchange), ...shown({ exchange, client })]) {
      expect(text).not.toContain(KEY)
      expect(text).not.toContain(SECRET)
    }
    expect(inspect(exchange)).toContain('BTCUSDT')
    // ccxt still signs with them: a private call works.
    await expect(exchange!.reconcile(Date.now() - 60_000)).resolves.toBeDefined()
  })

  it('should keep the key and secret out of error text (message, stack, cause) of a failed call', async () => {
    const { error } = await connect(`${SECRET}-wrong`)
    expect(error).toBeInstanceOf(QuantumError)
    for (const text of [String(error), (error as Error).stack ?? '', ...shown(error)]) {
      expect(text).not.toContain(KEY)
      expect(text).not.toContain(SECRET)
    }
  })

  it('should scrub a key or secret that a transport error quotes', () => {
    const quoting = new Error(`request to https://x/?apiKey=${KEY}&s=${SECRET} failed`)
    const mapped = mapCcxtError(quoting, { method: 'fetchBalance', secrets: [KEY, SECRET] })
    for (const text of [mapped.message, mapped.stack ?? '', inspect(mapped), String(mapped.cause)]) {
      expect(text).not.toContain(KEY)
      expect(text).not.toContain(SECRET)
    }
    expect(mapped.message).toContain('[redacted]')
    expect(redactSecrets('a KEY b KEY', ['KEY'])).toBe('a [redacted] b [redacted]')
  })
})
