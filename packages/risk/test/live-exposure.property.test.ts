/**
 * Property, on the live path: a burst of entries on 20-40 symbols through the live engine and a venue
 * that answers late (orders queued, then in flight, then filled after their answer) never takes the gross
 * exposure past `maxExposure`'s cap. The guards must count the entries on their way, not only the book
 * (issue 12: the cap of 1,500 was exceeded by 29-62 % when they did not). Seeded: the same runs each time.
 */
import { createPaperExchange, definePlugin, fixedNotional, startLive } from '@quantum/core'
import type { ExchangePort, MarketBar, Order, OrderRequest, PaperExchange } from '@quantum/core'
import fc from 'fast-check'
import { Observable } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { maxExposure } from '../src/plugins/max-exposure.js'

const CAP = 1500

/** Buys every symbol on its first bar. */
const buyAll = definePlugin({
  name: 'test:buy-all',
  kind: 'agent',
  options: z.strictObject({}),
  create: () => ({
    onBar: (bar: MarketBar) =>
      bar.index === 0
        ? { agent: 'test:buy-all', symbol: bar.symbol, time: bar.openTime, action: 'BUY' as const, confidence: 1 }
        : undefined,
  }),
})

/**
 * A venue over the paper exchange that answers each order after a seeded delay and fills market orders a
 * little later (as Binance's user-data stream does), so entries spend time queued, in flight and unfilled.
 */
function lateVenue(paper: PaperExchange, delays: () => number, prices: ReadonlyMap<string, number>): ExchangePort {
  const later = <T>(run: () => T): Promise<T> =>
    new Promise((resolve, reject) =>
      setTimeout(() => {
        try {
          resolve(run())
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)))
        }
      }, delays()),
    )
  let time = 60_000
  const fillSoon = (symbol: string): void => {
    setTimeout(() => {
      const p = prices.get(symbol)!
      paper.onBar(symbol, { openTime: (time += 60_000), open: p, high: p, low: p, close: p })
    }, delays())
  }
  return {
    id: 'late-venue',
    account: paper.account,
    events$: paper.events$,
    instrument: (symbol) => paper.instrument(symbol),
    placeOrder: (request: OrderRequest): Promise<Order> =>
      later(() => {
        const order = paper.placeOrderSync(request)
        fillSoon(request.symbol)
        return order
      }),
    cancelOrder: (symbol, id) => later(() => paper.cancelOrderSync(symbol, id)),
    cancelAllOrders: (symbol) => later(() => paper.cancelAllOrdersSync(symbol)),
    setLeverage: (symbol, leverage) => later(() => paper.setLeverageSync(symbol, leverage)),
  }
}

/** One bar per symbol, each in its own turn of the event loop (as a socket delivers them). */
function burst(symbols: readonly string[], prices: ReadonlyMap<string, number>): Observable<MarketBar> {
  return new Observable<MarketBar>((subscriber) => {
    let i = 0
    const next = (): void => {
      if (subscriber.closed) return
      if (i >= symbols.length) return subscriber.complete()
      const symbol = symbols[i++]!
      const p = prices.get(symbol)!
      subscriber.next({ symbol, index: 0, openTime: 0, open: p, high: p, low: p, close: p, volume: 1 })
      setImmediate(next)
    }
    setImmediate(next)
  })
}

const seen = { runs: 0, limited: 0 }

async function burstRun(input: { symbols: number; notional: number; prices: number[]; seed: number }): Promise<void> {
  const symbols = Array.from({ length: input.symbols }, (_, i) => `S${i}USDT`)
  const prices = new Map(symbols.map((s, i) => [s, input.prices[i % input.prices.length]!]))
  const paper = createPaperExchange({
    balance: 1_000_000,
    instruments: Object.fromEntries(symbols.map((s) => [s, { tickSize: 0.0001, stepSize: 0.001, minNotional: 5 }])),
  })
  for (const [s, p] of prices) paper.onBar(s, { openTime: 0, open: p, high: p, low: p, close: p })
  let state = input.seed >>> 0
  const delays = (): number => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state % 7
  }
  let peak = 0
  const gross = (): number =>
    paper.account.getPositions().reduce((sum, p) => sum + p.quantity * prices.get(p.symbol)!, 0)
  const run = startLive({
    bars: burst(symbols, prices),
    exchange: lateVenue(paper, delays, prices),
    plugins: [buyAll(), fixedNotional({ notional: input.notional }), maxExposure({ perSymbol: CAP, total: CAP })],
    mode: 'live',
    protection: false,
    onEvent: (e) => {
      if (e.type === 'fill') peak = Math.max(peak, gross())
      if (e.type === 'risk') seen.limited++
    },
  })
  await run.done
  // Fills still on their way after the last command's answer.
  for (let i = 0; i < 50 && paper.account.getOpenOrders().length > 0; i++) await new Promise((r) => setTimeout(r, 5))
  peak = Math.max(peak, gross())
  seen.runs++
  expect(peak).toBeLessThanOrEqual(CAP * (1 + 1e-9))
}

describe('maxExposure on the live path (property)', () => {
  it('should never let a burst of 20-40 symbols take the gross exposure past the cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          symbols: fc.integer({ min: 20, max: 40 }),
          notional: fc.integer({ min: 60, max: 400 }),
          prices: fc.array(fc.double({ min: 0.5, max: 70_000, noNaN: true }), { minLength: 1, maxLength: 8 }),
          seed: fc.integer({ min: 1, max: 1_000_000 }),
        }),
        burstRun,
      ),
      { seed: 20_251_203, numRuns: 12 },
    )
    expect(seen.runs).toBeGreaterThanOrEqual(12)
    expect(seen.limited).toBeGreaterThan(12) // the cap was reached in the runs, not just respected by chance
  }, 120_000)
})
