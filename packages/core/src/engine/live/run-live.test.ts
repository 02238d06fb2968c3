import { firstValueFrom, map, toArray } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { definePlugin } from '../../define-plugin.js'
import { createPaperExchange } from '../../exchange/paper-exchange.js'
import { fixedNotional } from '../../plugins/fixed-notional.js'
import type { EngineEvent, QuantumPlugin } from '../../types.js'
import { buyAt, feed, HOUR, SYMBOL } from '../../../test/fixtures/live/feed.js'
import { SimulatedClock } from '../clock.js'
import { startLive } from './run-live.js'

/** On the entry fill: stop 2 below, target 3 above (reduce-only). */
const bracket = definePlugin({
  name: 'test:bracket',
  kind: 'exit',
  options: z.strictObject({}),
  create: () => ({
    onFill: (fill, position) => {
      if (fill.reduceOnly || position.side !== 'LONG') return position.side === 'FLAT' ? { cancelAll: true } : undefined
      const base = { symbol: fill.symbol, side: 'SELL', quantity: position.quantity, reduceOnly: true } as const
      return {
        place: [
          { ...base, type: 'STOP_MARKET', triggerPrice: position.entryPrice - 2, tag: 'stop' },
          { ...base, type: 'TAKE_PROFIT_MARKET', triggerPrice: position.entryPrice + 3, tag: 'take-profit' },
        ],
      }
    },
  }),
})

function paper() {
  return createPaperExchange({
    balance: 10_000,
    instruments: { [SYMBOL]: { tickSize: 0.01, stepSize: 0.001, minNotional: 0 } },
  })
}

describe('startLive (paper mode on a replayed feed)', () => {
  it('should trade through the serial command queue: entry, bracket, take-profit', async () => {
    const exchange = paper()
    const events: EngineEvent[] = []
    const plugins: QuantumPlugin[] = [buyAt({ at: 2 }), fixedNotional({ notional: 1000 }), bracket()]
    const closes = [100, 100, 100, 100.5, 101, 102, 103, 104, 105]
    const run = startLive({
      bars: feed(closes),
      paper: exchange,
      sink: 'queue',
      plugins,
      mode: 'paper',
      clock: new SimulatedClock(0),
      onEvent: (e) => events.push(e),
    })
    const summary = await run.done
    expect(summary.bars).toBe(closes.length)
    expect(summary.fills.map((f) => f.tag)).toEqual(['entry', 'take-profit'])
    expect(summary.trades).toHaveLength(1)
    expect(summary.trades[0]).toMatchObject({ side: 'LONG', exitReason: 'take-profit', entryPrice: 100 })
    expect(summary.trades[0]!.exitPrice).toBeCloseTo(103, 9)
    expect(exchange.account.getOpenOrders()).toHaveLength(0) // the stop was cancelled on close
    expect(summary.unprotected).toBe(0)
    expect(summary.pendingCommands).toBe(0)
    expect(events.some((e) => e.type === 'order-rejected')).toBe(false)
  })

  it('should raise `unprotected` once when a position stays without a stop beyond the grace period', async () => {
    const exchange = paper()
    const events: EngineEvent[] = []
    const run = startLive({
      bars: feed([100, 100, 100, 100, 100, 100, 100]),
      paper: exchange,
      plugins: [buyAt({ at: 1 }), fixedNotional({ notional: 1000 })],
      mode: 'paper',
      clock: new SimulatedClock(0),
      protectionGraceMs: 2 * HOUR,
      onEvent: (e) => events.push(e),
    })
    const summary = await run.done
    const alerts = events.filter((e) => e.type === 'unprotected')
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({ symbol: SYMBOL, side: 'LONG', since: 2 * HOUR, time: 5 * HOUR })
    expect(summary.unprotected).toBe(1)
  })

  it('should stop consuming bars on stop() and finish the queued commands', async () => {
    const exchange = paper()
    const closes = Array.from({ length: 1000 }, () => 100)
    const run = startLive({
      bars: feed(closes),
      paper: exchange,
      plugins: [buyAt({ at: 1 }), fixedNotional({ notional: 1000 })],
      mode: 'paper',
      clock: new SimulatedClock(0),
    })
    await new Promise((resolve) => setTimeout(resolve, 5))
    const summary = await run.stop()
    expect(summary.bars).toBeLessThan(1000)
    expect(summary.pendingCommands).toBe(0)
  })

  it("should hand history through the agents' onBlock as warm-up, then each live tick as its own block", async () => {
    const blocks: { warmup: boolean; times: number[] }[] = []
    const answered: number[] = []
    const agent: QuantumPlugin = {
      name: 'test:blockwise',
      kind: 'agent',
      onBlock: async (block) => {
        blocks.push({ warmup: block.warmup, times: Array.from(block.openTime.subarray(0, block.length)) })
        await new Promise((resolve) => setTimeout(resolve, 2)) // inference takes time: bars must wait for it
      },
      onBar: (bar) => {
        answered.push(bar.openTime)
        return undefined
      },
    }
    const history = await firstValueFrom(feed([100, 101, 102]).pipe(toArray()))
    const live = feed([103, 104, 105]).pipe(map((b) => ({ ...b, index: b.index + 3, openTime: b.openTime + 3 * HOUR })))
    const run = startLive({
      bars: live,
      history,
      paper: paper(),
      plugins: [agent],
      mode: 'paper',
      clock: new SimulatedClock(0),
    })
    const summary = await run.done
    expect(summary.bars).toBe(3)
    expect(blocks).toEqual([
      { warmup: true, times: [0, HOUR, 2 * HOUR] },
      { warmup: false, times: [3 * HOUR] },
      { warmup: false, times: [4 * HOUR] },
      { warmup: false, times: [5 * HOUR] },
    ])
    expect(answered).toEqual([0, 1, 2, 3, 4, 5].map((k) => k * HOUR))
  })

  it('should warm agents and exits up on history bars without acting on them', async () => {
    const exchange = paper()
    const seen: number[] = []
    const recorder = definePlugin({
      name: 'test:recorder',
      kind: 'exit',
      options: z.strictObject({}),
      create: () => ({ onBar: (bar) => void seen.push(bar.index) }),
    })
    const history = await firstValueFrom(feed([100, 101, 102]).pipe(toArray()))
    const live = feed([103, 104, 105, 106]).pipe(
      map((b) => ({ ...b, index: b.index + 3, openTime: b.openTime + 3 * HOUR })),
    )
    const events: EngineEvent[] = []
    const run = startLive({
      bars: live,
      history,
      paper: exchange,
      // BUY on index 1 (a history bar: dropped) and on index 4 (the second live bar: traded).
      plugins: [buyAt({ at: 1 }), fixedNotional({ notional: 1000 }), recorder()],
      mode: 'paper',
      clock: new SimulatedClock(0),
      onEvent: (e) => events.push(e),
    })
    const summary = await run.done
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(summary.bars).toBe(4)
    expect(events.filter((e) => e.type === 'signal')).toHaveLength(0)
    expect(summary.fills).toHaveLength(0)

    const again = startLive({
      bars: feed([103, 104, 105, 106]).pipe(
        map((b) => ({ ...b, index: b.index + 3, openTime: b.openTime + 3 * HOUR })),
      ),
      history,
      paper: paper(),
      plugins: [buyAt({ at: 4 }), fixedNotional({ notional: 1000 })],
      mode: 'paper',
      clock: new SimulatedClock(0),
    })
    const traded = await again.done
    expect(traded.fills).toHaveLength(1)
    expect(traded.fills[0]).toMatchObject({ side: 'BUY', price: 104, time: 5 * HOUR }) // the next bar's open
  })
})
