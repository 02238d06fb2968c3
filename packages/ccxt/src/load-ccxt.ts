/**
 * `ccxt` is an optional peer of `@quantum/ccxt`: about 60 MB on disk and 0.4 s to import, which only the
 * testnet and live modes (and `--mode paper --feed venue`) need. It is imported on first use.
 * @packageDocumentation
 */
import { importOptional } from '@quantum/core'
import type Ccxt from 'ccxt'

type CcxtModule = typeof Ccxt

let loaded: CcxtModule | undefined
let loading: Promise<CcxtModule> | undefined

/**
 * Imports `ccxt` once (later calls share the first import).
 * @throws {MissingDependencyError} when `ccxt` is not installed.
 */
export function loadCcxt(): Promise<CcxtModule> {
  loading ??= importOptional(
    'ccxt',
    'The testnet and live modes (and paper on the venue feed)',
    () => import('ccxt'),
  ).then(
    (mod) => {
      loaded = mod.default
      return mod.default
    },
    (error: unknown) => {
      loading = undefined
      throw error
    },
  )
  return loading
}

/** The ccxt error classes the adapter tells apart. */
export type CcxtErrorName =
  | 'BaseError'
  | 'BadRequest'
  | 'DDoSProtection'
  | 'ExchangeNotAvailable'
  | 'InsufficientFunds'
  | 'InvalidNonce'
  | 'InvalidOrder'
  | 'NetworkError'
  | 'NotSupported'
  | 'OperationFailed'
  | 'OrderNotFound'
  | 'RateLimitExceeded'
  | 'RequestTimeout'

/**
 * `error instanceof ccxt[name]`. False while ccxt is not loaded: a ccxt error cannot exist before a
 * client was made, which loads it.
 */
export function isCcxtError(error: unknown, name: CcxtErrorName): boolean {
  return loaded !== undefined && error instanceof loaded[name]
}
