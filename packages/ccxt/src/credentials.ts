import { ConfigError } from '@quantum/core'
import { z } from 'zod'

/** Where the adapter trades: Binance demo trading (`testnet`) or the live venue. */
export type VenueMode = 'testnet' | 'live'

/** API credentials. `toString`/`toJSON` never reveal the secret (nor the key beyond 4 characters). */
export interface Credentials {
  readonly apiKey: string
  readonly secret: string
  /** `Credentials(abcd…, secret hidden)`. */
  toString(): string
}

/** Environment variables read for each mode. */
export const CREDENTIAL_ENV: Readonly<Record<VenueMode, { readonly key: string; readonly secret: string }>> =
  Object.freeze({
    testnet: Object.freeze({ key: 'QUANTUM_BINANCE_TESTNET_API_KEY', secret: 'QUANTUM_BINANCE_TESTNET_API_SECRET' }),
    live: Object.freeze({ key: 'QUANTUM_BINANCE_API_KEY', secret: 'QUANTUM_BINANCE_API_SECRET' }),
  })

const value = z.string().trim().min(16, 'too short for a Binance key').max(512).regex(/^\S+$/, 'contains whitespace')

/**
 * Reads the API key and secret of `mode` from the environment (see {@link CREDENTIAL_ENV}); keys are
 * never read from config files. The returned object hides both values from logs and JSON.
 * @throws {ConfigError} naming the missing or malformed variable (never its value).
 * @example const credentials = credentialsFromEnv('testnet') // QUANTUM_BINANCE_TESTNET_API_KEY / _SECRET
 */
export function credentialsFromEnv(mode: VenueMode, env: NodeJS.ProcessEnv = process.env): Credentials {
  const names = CREDENTIAL_ENV[mode]
  const issues = [names.key, names.secret].flatMap((name) => {
    const parsed = value.safeParse(env[name])
    if (parsed.success) return []
    const message = env[name] === undefined ? 'is not set' : (parsed.error.issues[0]?.message ?? 'is invalid')
    return [{ path: name, message }]
  })
  if (issues.length > 0) throw new ConfigError(`Binance ${mode} credentials missing or invalid`, issues)
  const apiKey = (env[names.key] ?? '').trim()
  const secret = (env[names.secret] ?? '').trim()
  const shown = `Credentials(${apiKey.slice(0, 4)}…, secret hidden)`
  return Object.freeze(
    Object.defineProperties(
      {},
      {
        apiKey: { value: apiKey, enumerable: false },
        secret: { value: secret, enumerable: false },
        toString: { value: () => shown, enumerable: false },
        toJSON: { value: () => shown, enumerable: false },
        [Symbol.for('nodejs.util.inspect.custom')]: { value: () => shown, enumerable: false },
      },
    ) as Credentials,
  )
}
