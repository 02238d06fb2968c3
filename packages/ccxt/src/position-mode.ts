import { ConfigError } from '@quantum/core'
import type { UsdmClient } from './client.js'
import { mapCcxtError } from './errors.js'
import { heldSecrets } from './redact.js'
import { withRetry, type RetryPolicy } from './retry.js'

/**
 * Reads the account's position mode (`GET /fapi/v1/positionSide/dual`) and refuses hedge mode: the SDK
 * sends one-way orders (`positionSide` BOTH), which Binance rejects (-4061) on a hedge-mode account.
 * @throws {ConfigError} when the account is in hedge mode, saying how to switch.
 * @throws {QuantumError} (mapped from ccxt) when the mode cannot be read.
 */
export async function requireOneWayMode(client: UsdmClient, policy: RetryPolicy = {}): Promise<void> {
  let mode: unknown
  try {
    mode = await withRetry(() => client.fetchPositionMode(), policy)
  } catch (error) {
    throw mapCcxtError(error, { method: 'fetchPositionMode', secrets: heldSecrets(client) })
  }
  if (typeof mode === 'object' && mode !== null && (mode as { hedged?: unknown }).hedged === true) {
    throw new ConfigError('The Binance USD-M account is in hedge mode; the SDK trades in one-way mode', [
      {
        path: 'positionMode',
        message:
          'switch the account to one-way mode (no open orders or positions): Binance Futures > Preferences > ' +
          'Position Mode > One-way, or POST /fapi/v1/positionSide/dual with dualSidePosition=false ' +
          '(ccxt: setPositionMode(false))',
      },
    ])
  }
}
