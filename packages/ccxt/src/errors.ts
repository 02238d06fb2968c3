import {
  ExchangeError,
  InsufficientFunds,
  InvalidOrder,
  NetworkError,
  NotSupportedError,
  QuantumError,
  RateLimitExceeded,
} from '@quantum/core'
import { isCcxtError } from './load-ccxt.js'
import { redactSecrets } from './redact.js'

/** What a failed call was doing, for the error message. */
export interface CallSite {
  /** The adapter method, e.g. `placeOrder`. */
  readonly method: string
  /** The symbol the call was about, when it had one. */
  readonly symbol?: string
  /** Credentials the text must not contain (the client's key and secret): scrubbed from the message and the cause. */
  readonly secrets?: readonly string[]
}

/**
 * Whether a failed order placement may have reached the venue anyway (timeouts, 5xx, dropped
 * connections): the order must be looked up by its client id before it is sent again.
 */
export function isStatusUnknown(error: unknown): boolean {
  return (
    isCcxtError(error, 'RequestTimeout') ||
    isCcxtError(error, 'ExchangeNotAvailable') ||
    (isCcxtError(error, 'OperationFailed') && !isCcxtError(error, 'NetworkError')) ||
    (isCcxtError(error, 'NetworkError') &&
      !isCcxtError(error, 'DDoSProtection') &&
      !isCcxtError(error, 'RateLimitExceeded') &&
      !isCcxtError(error, 'InvalidNonce'))
  )
}

/**
 * Whether a failed call is worth retrying after a backoff: every ccxt `NetworkError` (timeouts, 502/503,
 * rate limits -1003, clock skew -1021) and `OperationFailed` (Binance -1000/-1001 with HTTP 5xx).
 * Rejections (`ExchangeError`: margin, precision, auth, unknown order) are never retried.
 */
export function isRetryable(error: unknown): boolean {
  return isCcxtError(error, 'NetworkError') || isCcxtError(error, 'OperationFailed')
}

/** Scrubs `secrets` from an error's message and stack in place (the cause chain too). */
function scrub<E extends Error>(error: E, secrets: readonly string[] | undefined): E {
  if (secrets === undefined || secrets.length === 0) return error
  let e: unknown = error
  for (let depth = 0; e instanceof Error && depth < 5; depth++, e = e.cause) {
    if (secrets.some((x) => e instanceof Error && (e.message.includes(x) || (e.stack ?? '').includes(x)))) {
      Object.defineProperty(e, 'message', {
        value: redactSecrets(e.message, secrets),
        configurable: true,
        writable: true,
      })
      if (e.stack !== undefined) {
        Object.defineProperty(e, 'stack', {
          value: redactSecrets(e.stack, secrets),
          configurable: true,
          writable: true,
        })
      }
    }
  }
  return error
}

function withCause<E extends Error>(error: E, cause: unknown): E {
  Object.defineProperty(error, 'cause', { value: cause, enumerable: false, configurable: true })
  return error
}

/**
 * Maps a ccxt (or transport) error to the SDK's typed errors, keeping the original as `cause` and
 * Binance's message (with its code) in the text:
 * `InsufficientFunds` → `InsufficientFunds`; `InvalidOrder` / `BadRequest` / `OrderNotFound` /
 * `OrderImmediatelyFillable` / `OrderNotFillable` → `InvalidOrder`; `DDoSProtection` /
 * `RateLimitExceeded` → `RateLimitExceeded`; other `NetworkError` and `OperationFailed` → `NetworkError`;
 * `NotSupported` → `NotSupportedError`; any other ccxt `ExchangeError` (authentication, permissions,
 * rejected operations) → `ExchangeError`. SDK errors pass through unchanged.
 * @example throw mapCcxtError(error, { method: 'placeOrder', symbol: 'BTCUSDT' })
 */
export function mapCcxtError(error: unknown, at: CallSite): QuantumError {
  if (error instanceof QuantumError) return scrub(error, at.secrets)
  if (error instanceof Error) scrub(error, at.secrets)
  const detail = redactSecrets(error instanceof Error ? error.message : String(error), at.secrets ?? [])
  const text = `binanceusdm ${at.method}${at.symbol === undefined ? '' : ` ${at.symbol}`}: ${detail}`
  if (isCcxtError(error, 'InsufficientFunds')) return withCause(new InsufficientFunds(text, at.symbol), error)
  if (isCcxtError(error, 'InvalidOrder') || isCcxtError(error, 'BadRequest')) {
    return withCause(new InvalidOrder(text, at.symbol), error)
  }
  if (isCcxtError(error, 'DDoSProtection') || isCcxtError(error, 'RateLimitExceeded')) {
    return new RateLimitExceeded(text, { cause: error })
  }
  if (isCcxtError(error, 'NetworkError') || isCcxtError(error, 'OperationFailed')) {
    return new NetworkError(text, { cause: error })
  }
  if (isCcxtError(error, 'NotSupported')) return withCause(new NotSupportedError(text), error)
  if (isCcxtError(error, 'BaseError')) return new ExchangeError(text, at.symbol, { cause: error })
  // Anything else (a TypeError from a malformed reply, a bug): not retryable, still typed.
  return new ExchangeError(`${text} (unexpected reply)`, at.symbol, { cause: error })
}
