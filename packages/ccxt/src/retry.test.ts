/* eslint-disable @typescript-eslint/require-await -- the fakes stand in for async venue calls */
import ccxt from 'ccxt'
import { beforeAll, describe, expect, it } from 'vitest'
import { backoffDelay, placeIdempotent, withRetry } from './retry.js'
import { loadCcxt } from './load-ccxt.js'

// ccxt is imported on first use (createUsdmClient, connect); these tests build its errors without a client.
beforeAll(async () => {
  await loadCcxt()
})

const noSleep = { sleep: async () => undefined, random: () => 0.5 }

describe('backoffDelay', () => {
  it('should grow exponentially up to the ceiling, with jitter in [25 %, 100 %]', () => {
    expect(backoffDelay(1, { random: () => 1 })).toBe(250)
    expect(backoffDelay(3, { random: () => 1 })).toBe(1000)
    expect(backoffDelay(20, { random: () => 1 })).toBe(8000)
    expect(backoffDelay(3, { random: () => 0 })).toBe(250)
  })
})

describe('withRetry', () => {
  it('should retry network errors and return the first success', async () => {
    let calls = 0
    const delays: number[] = []
    const result = await withRetry(
      async () => {
        calls++
        if (calls < 3) throw new ccxt.RequestTimeout('t')
        return 'ok'
      },
      { ...noSleep, onRetry: ({ delayMs }) => delays.push(delayMs) },
    )
    expect(result).toBe('ok')
    expect(calls).toBe(3)
    expect(delays).toEqual([156, 313])
  })

  it('should throw a rejection at once and give up after the last attempt', async () => {
    let calls = 0
    await expect(
      withRetry(async () => {
        calls++
        throw new ccxt.InsufficientFunds('-2019')
      }, noSleep),
    ).rejects.toBeInstanceOf(ccxt.InsufficientFunds)
    expect(calls).toBe(1)
    calls = 0
    await expect(
      withRetry(
        async () => {
          calls++
          throw new ccxt.DDoSProtection('-1003')
        },
        { ...noSleep, attempts: 3 },
      ),
    ).rejects.toBeInstanceOf(ccxt.DDoSProtection)
    expect(calls).toBe(3)
  })
})

describe('withRetry beforeRetry', () => {
  it('should await beforeRetry with the error after the backoff and before the next attempt', async () => {
    const log: string[] = []
    let calls = 0
    const result = await withRetry(
      async () => {
        log.push(`call ${++calls}`)
        if (calls === 1) throw new ccxt.InvalidNonce('-1021')
        return 'ok'
      },
      {
        ...noSleep,
        beforeRetry: async (error) => void log.push(`resync after ${(error as Error).constructor.name}`),
      },
    )
    expect(result).toBe('ok')
    expect(log).toEqual(['call 1', 'resync after InvalidNonce', 'call 2'])
  })
})

describe('placeIdempotent', () => {
  it('should return the order found by client id instead of sending it again after a timeout', async () => {
    let sends = 0
    let lookups = 0
    const order = await placeIdempotent(
      {
        send: async () => {
          sends++
          throw new ccxt.RequestTimeout('accepted, reply lost')
        },
        lookup: async () => {
          lookups++
          return { id: '1' }
        },
      },
      noSleep,
    )
    expect(order).toEqual({ id: '1' })
    expect([sends, lookups]).toEqual([1, 1])
  })

  it('should resend (same client id) only when the venue does not know the order', async () => {
    let sends = 0
    const order = await placeIdempotent(
      {
        send: async () => {
          sends++
          if (sends === 1) throw new ccxt.ExchangeNotAvailable('502')
          return { id: '2' }
        },
        lookup: async () => undefined,
      },
      noSleep,
    )
    expect(order).toEqual({ id: '2' })
    expect(sends).toBe(2)
  })

  it('should back off on rate limits without a lookup, and never retry a rejection', async () => {
    let lookups = 0
    let sends = 0
    await placeIdempotent(
      {
        send: async () => {
          sends++
          if (sends === 1) throw new ccxt.DDoSProtection('-1003')
          return { id: '3' }
        },
        lookup: async () => {
          lookups++
          return undefined
        },
      },
      noSleep,
    )
    expect([sends, lookups]).toEqual([2, 0])
    await expect(
      placeIdempotent(
        { send: async () => Promise.reject(new ccxt.InvalidOrder('-4164')), lookup: async () => undefined },
        noSleep,
      ),
    ).rejects.toBeInstanceOf(ccxt.InvalidOrder)
  })
})
