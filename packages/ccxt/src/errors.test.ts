import {
  ConfigError,
  ExchangeError,
  InsufficientFunds,
  InvalidOrder,
  NetworkError,
  NotSupportedError,
  RateLimitExceeded,
} from '@quantum/core'
import ccxt from 'ccxt'
import { beforeAll, describe, expect, it } from 'vitest'
import { isRetryable, isStatusUnknown, mapCcxtError } from './errors.js'
import { loadCcxt } from './load-ccxt.js'

// ccxt is imported on first use (createUsdmClient, connect); these tests build its errors without a client.
beforeAll(async () => {
  await loadCcxt()
})

const at = { method: 'placeOrder', symbol: 'BTCUSDT' }

describe('mapCcxtError', () => {
  it.each([
    [new ccxt.InsufficientFunds('binanceusdm {"code":-2019,"msg":"Margin is insufficient."}'), InsufficientFunds],
    [new ccxt.InvalidOrder('binanceusdm {"code":-4164}'), InvalidOrder],
    [new ccxt.OrderNotFound('binanceusdm {"code":-2011}'), InvalidOrder],
    [new ccxt.BadRequest('binanceusdm {"code":-1111}'), InvalidOrder],
    [new ccxt.OrderImmediatelyFillable('binanceusdm {"code":-2021}'), InvalidOrder],
    [new ccxt.DDoSProtection('binanceusdm 429 {"code":-1003}'), RateLimitExceeded],
    [new ccxt.RateLimitExceeded('binanceusdm {"code":-1003}'), RateLimitExceeded],
    [new ccxt.RequestTimeout('binanceusdm timed out'), NetworkError],
    [new ccxt.InvalidNonce('binanceusdm {"code":-1021}'), NetworkError],
    [new ccxt.ExchangeNotAvailable('binanceusdm 502'), NetworkError],
    [new ccxt.OperationFailed('binanceusdm {"code":-1001}'), NetworkError],
    [new ccxt.AuthenticationError('binanceusdm {"code":-2015}'), ExchangeError],
    [new ccxt.NotSupported('binanceusdm no sandbox'), NotSupportedError],
    [new TypeError("Cannot read properties of undefined (reading 'orderId')"), ExchangeError],
  ])('should map %s to the SDK class', (error, expected) => {
    const mapped = mapCcxtError(error, at)
    expect(mapped).toBeInstanceOf(expected)
    expect(mapped.message).toContain('binanceusdm placeOrder BTCUSDT')
    expect(mapped.message).toContain(error.message)
    expect(mapped.cause).toBe(error)
  })

  it('should keep RateLimitExceeded a NetworkError and pass SDK errors through', () => {
    expect(mapCcxtError(new ccxt.DDoSProtection('x'), at)).toBeInstanceOf(NetworkError)
    const own = new ConfigError('bad')
    expect(mapCcxtError(own, at)).toBe(own)
  })
})

describe('retry classification', () => {
  it('should retry transport failures and 5xx, never rejections', () => {
    expect(isRetryable(new ccxt.RequestTimeout('t'))).toBe(true)
    expect(isRetryable(new ccxt.OperationFailed('-1001'))).toBe(true)
    expect(isRetryable(new ccxt.DDoSProtection('-1003'))).toBe(true)
    expect(isRetryable(new ccxt.InvalidNonce('-1021'))).toBe(true)
    expect(isRetryable(new ccxt.InsufficientFunds('-2019'))).toBe(false)
    expect(isRetryable(new ccxt.InvalidOrder('-4164'))).toBe(false)
    expect(isRetryable(new ccxt.AuthenticationError('-1022'))).toBe(false)
  })

  it('should treat timeouts, 5xx and dropped connections as "maybe placed", not rate limits or skew', () => {
    expect(isStatusUnknown(new ccxt.RequestTimeout('t'))).toBe(true)
    expect(isStatusUnknown(new ccxt.ExchangeNotAvailable('502'))).toBe(true)
    expect(isStatusUnknown(new ccxt.OperationFailed('-1000'))).toBe(true)
    expect(isStatusUnknown(new ccxt.NetworkError('socket hang up'))).toBe(true)
    expect(isStatusUnknown(new ccxt.DDoSProtection('-1003'))).toBe(false)
    expect(isStatusUnknown(new ccxt.InvalidNonce('-1021'))).toBe(false)
    expect(isStatusUnknown(new ccxt.InvalidOrder('-4164'))).toBe(false)
  })
})
