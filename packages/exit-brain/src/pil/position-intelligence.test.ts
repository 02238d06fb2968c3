import { ConfigError, definePlugin } from '@quantum/core'
import type { ExitActions, Order } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { profitAmplifier } from '../pal/profit-amplifier.js'
import { createPositionBook } from './position-book.js'
import type { PositionBook, PositionRecord } from './position-book.js'
import { positionIntelligence } from './position-intelligence.js'
import { flatBars, runBars, signalOnce, SYMBOL, trendBars } from './test-helpers.js'

const base = flatBars(20, 100) // ATR settles at 2, so 1R = 2 × 2 = 4 price units
const BUY = signalOnce({ at: 19 }) // fills at 100 on bar 20

/** Test exit policy: a wide reduce-only stop `distance` below the entry, placed on the entry fill. */
const wideStop = definePlugin({
  name: 'test:wide-stop',
  kind: 'exit',
  options: z.strictObject({ distance: z.number().default(20) }),
  create: ({ distance }) => ({
    onFill: (fill, position): ExitActions | undefined =>
      fill.reduceOnly || position.side !== 'LONG'
        ? undefined
        : {
            place: [
              {
                symbol: fill.symbol,
                side: 'SELL',
                type: 'STOP_MARKET',
                quantity: position.quantity,
                reduceOnly: true,
                triggerPrice: position.entryPrice - distance,
                tag: 'stop',
              },
            ],
          },
  }),
})

/** A position book that also logs every record written to it (as a report would read them). */
function loggingBook() {
  const inner = createPositionBook()
  const log: PositionRecord[] = []
  const book: PositionBook = {
    ...inner,
    set: (record) => {
      log.push(record)
      inner.set(record)
    },
  }
  return { book, log }
}

const stopsPlaced = (orders: readonly Order[]): number[] =>
  orders.filter((o) => o.type === 'STOP_MARKET').map((o) => o.triggerPrice ?? NaN)

describe('positionIntelligence', () => {
  it('should classify a rally as neutral then winner and hand it to PAL through the shared book', async () => {
    const bars = [...base, ...trendBars(40, 100, 0.5)]
    const { book, log } = loggingBook()
    const pil = positionIntelligence({ book })
    const pal = profitAmplifier({ book, maxAdds: 1, onlyWhenStopAtBreakEven: false, minDistanceAtr: 0.1 })
    const { output } = await runBars(bars, [BUY, pil, pal])
    const seen = log.map((r) => r.classification)
    expect(seen[0]).toBe('neutral')
    expect(seen.at(-1)).toBe('winner')
    const firstWinner = log.find((r) => r.classification === 'winner')!
    expect(firstWinner.rMultiple).toBeGreaterThanOrEqual(1)
    expect(log[0]!.updatedAt / 3_600_000).toBe(20)
    // PAL waited for PIL: the add's signal bar is the first winner bar
    const add = output.fills.find((f) => f.tag === 'pal-add')!
    expect(add.time - 3_600_000).toBe(firstWinner.updatedAt)
    // without the book, the same PAL adds on the first bar (0.1 ATR is reached at once)
    const alone = await runBars(bars, [
      BUY,
      profitAmplifier({ maxAdds: 1, onlyWhenStopAtBreakEven: false, minDistanceAtr: 0.1 }),
    ])
    expect(alone.output.fills.find((f) => f.tag === 'pal-add')!.time / 3_600_000).toBe(21)
    expect(book.get(SYMBOL)).toMatchObject({ classification: 'winner', palEligible: true, side: 'LONG' })
    expect(book.counts().winner).toBeGreaterThan(0)
  })

  it('should close a stale position with a reduce-only market order after staleBars bars', async () => {
    const bars = [...base, ...flatBars(30, 100)]
    const book = createPositionBook()
    const { output } = await runBars(bars, [BUY, positionIntelligence({ book, staleBars: 5 })])
    const close = output.fills.find((f) => f.tag === 'pil-time-stop')!
    expect(close).toMatchObject({ reduceOnly: true, side: 'SELL' })
    // entry on bar 20; bars 20..24 without progress -> stale on bar 24, closed at bar 25's open
    expect(close.time / 3_600_000).toBe(25)
    expect(output.trades).toHaveLength(1)
    expect(output.trades[0]!.exitReason).toBe('pil-time-stop')
    expect(book.get(SYMBOL)).toBeUndefined()
    expect(book.counts().stale).toBe(1)
  })

  it('should leave a stale position alone when the policy says none', async () => {
    const bars = [...base, ...flatBars(30, 100)]
    const pil = positionIntelligence({ staleBars: 5, policy: { stale: 'none' } })
    const { output } = await runBars(bars, [BUY, pil])
    expect(output.fills.filter((f) => f.reduceOnly)).toHaveLength(0)
  })

  it('should tighten a loser stop via replace and never widen it', async () => {
    // falls, bounces, falls again: the stop may only ever move up
    const bars = [...base, ...trendBars(8, 100, -0.5), ...trendBars(4, 96, 0.5), ...trendBars(12, 98, -0.5)]
    const pil = positionIntelligence({ policy: { loser: 'tighten' }, tightenAtr: 1 })
    const { events, output } = await runBars(bars, [BUY, pil, wideStop()])
    const placed = stopsPlaced(events.flatMap((e) => (e.type === 'order' && e.order.status === 'NEW' ? [e.order] : [])))
    expect(placed[0]).toBe(80)
    expect(placed.length).toBeGreaterThanOrEqual(2)
    for (let k = 1; k < placed.length; k++) expect(placed[k]!).toBeGreaterThan(placed[k - 1]!)
    const cancelled = events.filter((e) => e.type === 'order' && e.order.status === 'CANCELED')
    expect(cancelled.length).toBe(placed.length - 1)
    expect(output.trades[0]?.exitReason).toBe('stop')
  })

  it('should call an unprotected loser at-risk and give it a stop', async () => {
    const bars = [...base, ...trendBars(10, 100, -0.5)]
    const book = createPositionBook()
    const { events } = await runBars(bars, [BUY, positionIntelligence({ book })])
    expect(book.counts()['at-risk']).toBeGreaterThan(0)
    const placed = events.flatMap((e) => (e.type === 'order' && e.order.tag === 'pil-stop' ? [e.order] : []))
    expect(placed.length).toBeGreaterThan(0)
    expect(placed[0]).toMatchObject({ type: 'STOP_MARKET', reduceOnly: true, side: 'SELL' })
  })

  it('should reject bad options with a ConfigError at the factory call', () => {
    expect(() => positionIntelligence({ loserR: 0.5 })).toThrow(ConfigError)
    expect(() => positionIntelligence({ staleBars: 0 })).toThrow(ConfigError)
    expect(() => positionIntelligence({ tightenAtr: -1 })).toThrow(ConfigError)
    // @ts-expect-error -- a winner cannot be time-stopped by policy
    expect(() => positionIntelligence({ policy: { winner: 'time-stop' } })).toThrow(ConfigError)
    // @ts-expect-error -- not a position book
    expect(() => positionIntelligence({ book: 42 })).toThrow(ConfigError)
  })
})

describe('createPositionBook', () => {
  it('should keep the latest record per symbol, count classes and forget closed positions', () => {
    const book = createPositionBook()
    const rec = { side: 'LONG', rMultiple: 1.2, barsHeld: 3, barsSinceProgress: 0, updatedAt: 0 } as const
    book.set({ ...rec, symbol: 'ETHUSDT', classification: 'neutral', palEligible: false })
    book.set({ ...rec, symbol: 'ETHUSDT', classification: 'winner', palEligible: true })
    book.set({ ...rec, symbol: 'BTCUSDT', classification: 'loser', palEligible: false })
    expect(book.records().map((r) => r.symbol)).toEqual(['BTCUSDT', 'ETHUSDT'])
    expect(book.isPalEligible('ETHUSDT')).toBe(true)
    expect(book.isPalEligible('BTCUSDT')).toBe(false)
    expect(book.counts()).toEqual({ winner: 1, loser: 1, stale: 0, 'at-risk': 0, neutral: 1 })
    book.delete('ETHUSDT')
    expect(book.get('ETHUSDT')).toBeUndefined()
    expect(book.isPalEligible('ETHUSDT')).toBe(false)
  })
})
