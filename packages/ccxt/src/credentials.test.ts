import { inspect } from 'node:util'
import { ConfigError } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { credentialsFromEnv } from './credentials.js'

const KEY = 'k3yK3yK3yK3yK3yK3yK3yK3y0001'
const SECRET = 's3cr3ts3cr3ts3cr3ts3cr3tXYZ9'

describe('credentialsFromEnv', () => {
  it('should read the testnet and live keys from their own variables', () => {
    const env = {
      QUANTUM_BINANCE_TESTNET_API_KEY: KEY,
      QUANTUM_BINANCE_TESTNET_API_SECRET: SECRET,
      QUANTUM_BINANCE_API_KEY: `${KEY}L`,
      QUANTUM_BINANCE_API_SECRET: `${SECRET}L`,
    }
    expect(credentialsFromEnv('testnet', env)).toMatchObject({ apiKey: KEY, secret: SECRET })
    expect(credentialsFromEnv('live', env).apiKey).toBe(`${KEY}L`)
  })

  it('should never show the secret in strings, JSON or inspection', () => {
    const c = credentialsFromEnv('testnet', {
      QUANTUM_BINANCE_TESTNET_API_KEY: KEY,
      QUANTUM_BINANCE_TESTNET_API_SECRET: SECRET,
    })
    for (const shown of [String(c), c.toString(), JSON.stringify({ c }), inspect(c)]) {
      expect(shown).not.toContain(SECRET)
      expect(shown).not.toContain(KEY)
    }
  })

  it('should name the missing or malformed variable, never its value', () => {
    const error = (() => {
      try {
        credentialsFromEnv('live', { QUANTUM_BINANCE_API_KEY: 'abc' })
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(ConfigError)
    const issues = (error as ConfigError).issues
    expect(issues.map((i) => i.path)).toEqual(['QUANTUM_BINANCE_API_KEY', 'QUANTUM_BINANCE_API_SECRET'])
    expect(issues[1]?.message).toBe('is not set')
    expect((error as Error).message).not.toContain('abc')
  })
})
