import { describe, expect, it } from 'vitest'
import { createUsdmClient } from './client.js'

describe('createUsdmClient throttle', () => {
  it("should let a start's burst of weight through at once and pace requests after it", async () => {
    const client = await createUsdmClient({ mode: 'live' })
    const throttle = (cost: number): Promise<unknown> =>
      (client as unknown as { throttle(cost: number): Promise<unknown> }).throttle(cost)
    try {
      let t = performance.now()
      // What a start costs: exchangeInfo, positionSide/dual (30), balance, positions, orders, userTrades, klines.
      for (const cost of [1, 30, 5, 5, 1, 1, 5, 5, 5, 1, 1]) await throttle(cost)
      expect(performance.now() - t).toBeLessThan(300) // was ~3 s: 60 units at 50 ms each
      await throttle(130) // past the 120-unit burst (it goes out, the bucket is at least 10 units short) ...
      t = performance.now()
      await throttle(1) // ... so the next request waits for the refill: 10 units at 50 ms, less timer slack
      expect(performance.now() - t).toBeGreaterThanOrEqual(400)
    } finally {
      await client.close()
    }
  })
})
