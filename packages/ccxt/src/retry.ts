import { isRetryable, isStatusUnknown } from './errors.js'

/** Backoff settings of the adapter's retries (reads and idempotent order placement). */
export interface RetryPolicy {
  /** Attempts in all, the first included. @default 5 */
  readonly attempts?: number
  /** Delay before the first retry (ms); doubles each time. @default 250 */
  readonly baseDelayMs?: number
  /** Ceiling of one delay (ms). @default 8000 */
  readonly maxDelayMs?: number
  /** Waits `ms` (injectable for tests). @default a timer */
  readonly sleep?: (ms: number) => Promise<void>
  /** Uniform [0, 1) for the jitter (injectable for tests). @default Math.random */
  readonly random?: () => number
  /** Told about every retry (logging, metrics). */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void
  /** Awaited before each retry with the error that caused it (e.g. a server-time resync after -1021). */
  readonly beforeRetry?: (error: unknown) => Promise<void>
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Delay before retry number `attempt` (1-based): full jitter over an exponential ceiling,
 * `random · min(max, base · 2^(attempt−1))`, never below a quarter of the ceiling.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy = {}): number {
  const { baseDelayMs = 250, maxDelayMs = 8000, random = Math.random } = policy
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling * (0.25 + 0.75 * random()))
}

/**
 * Runs `call`, retrying on retryable errors (ccxt `NetworkError` and `OperationFailed`: timeouts,
 * 5xx, -1003 rate limits, -1021 clock skew) with exponential backoff and jitter; rejections are thrown
 * at once. Use {@link placeIdempotent} for order placement instead (a timeout may hide an accepted order).
 * @example const balance = await withRetry(() => exchange.fetchBalance(), { attempts: 4 })
 */
export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy = {}): Promise<T> {
  const { attempts = 5 } = policy
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error
      await pause(attempt, error, policy)
    }
  }
}

/** Waits out the backoff of retry `attempt`, then runs the policy's `beforeRetry`. */
async function pause(attempt: number, error: unknown, policy: RetryPolicy): Promise<void> {
  const delayMs = backoffDelay(attempt, policy)
  policy.onRetry?.({ attempt, delayMs, error })
  await (policy.sleep ?? defaultSleep)(delayMs)
  await policy.beforeRetry?.(error)
}

/** The two calls {@link placeIdempotent} needs. */
export interface IdempotentPlacement<T> {
  /** Sends the order (always with the same client order id). */
  readonly send: () => Promise<T>
  /** Looks the order up by its client order id; `undefined` when the venue does not know it. */
  readonly lookup: () => Promise<T | undefined>
}

/**
 * Places an order at most once: on an error that leaves its fate unknown (timeout, 5xx, dropped
 * connection) the order is first looked up by its client order id and returned if the venue has it;
 * only when it is not found is it sent again (same client id, so a late duplicate is refused by the
 * venue). Rate limits and clock skew back off and resend; rejections throw at once.
 * @example await placeIdempotent({ send: () => ex.createOrder(...), lookup: () => findByClientId(id) })
 */
export async function placeIdempotent<T>(placement: IdempotentPlacement<T>, policy: RetryPolicy = {}): Promise<T> {
  const { attempts = 5 } = policy
  for (let attempt = 1; ; attempt++) {
    try {
      return await placement.send()
    } catch (error) {
      if (!isRetryable(error)) throw error
      if (isStatusUnknown(error)) {
        const found = await withRetry(placement.lookup, { ...policy, onRetry: undefined })
        if (found !== undefined) return found
      }
      if (attempt >= attempts) throw error
      await pause(attempt, error, policy)
    }
  }
}
