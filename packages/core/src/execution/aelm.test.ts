import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { buyAt, feed, SYMBOL } from '../../test/fixtures/live/feed.js'
import { PluginSchema } from '../config.js'
import { definePlugin } from '../define-plugin.js'
import { SimulatedClock } from '../engine/clock.js'
import { startLive } from '../engine/live/run-live.js'
import { ConfigError } from '../errors.js'
import { createPaperExchange } from '../exchange/paper-exchange.js'
import { fixedNotional } from '../plugins/fixed-notional.js'
import type { EngineEvent, ExecutionEvent } from '../types.js'
import { aelm } from './aelm.js'
import { paperBookTicker } from './book-ticker.js'

/** On each entry fill: the stop 2 below and the target 3 above the entry, replaced (never a gap) as slices add up. */
const bracket = definePlugin({
  name: 'test:bracket',
  kind: 'exit',
  options: z.strictObject({}),
  create: () => ({
    onFill: (fill, position, ctx) => {
      const mine = ctx.account.getOpenOrders(fill.symbol).filter((o) => o.tag === 'stop' || o.tag === 'take-profit')
      if (position.side === 'FLAT') return { cancel: mine.map((o) => o.id) }
      if (fill.reduceOnly || position.side !== 'LONG') return undefined
      const base = { symbol: fill.symbol, side: 'SELL', quantity: position.quantity, reduceOnly: true } as const
      const stop = { ...base, type: 'STOP_MARKET', triggerPrice: position.entryPrice - 2, tag: 'stop' } as const
      const target = {
        ...base,
        type: 'TAKE_PROFIT_MARKET',
        triggerPrice: position.entryPrice + 3,
        tag: 'take-profit',
      } as const
      const old = (tag: string) => mine.find((o) => o.tag === tag)
      const oldStop = old('stop')
      const oldTarget = old('take-profit')
      if (oldStop === undefined || oldTarget === undefined) return { place: [stop, target] }
      return {
        replace: [
          { cancel: oldStop.id, with: stop },
          { cancel: oldTarget.id, with: target },
        ],
      }
    },
  }),
})

/** A paper run through the venue queue with a 5 bps taker slippage model and AELM on a 2 bps paper book. */
async function paperRun(notional: number, slicing: false | { aboveNotional: number; intervalMs: number }) {
  const exchange = createPaperExchange({
    balance: 100_000,
    slippage: { type: 'bps', bps: 5 },
    instruments: { [SYMBOL]: { tickSize: 0.01, stepSize: 0.001, minNotional: 5 } },
  })
  const clock = new SimulatedClock(0)
  const book = paperBookTicker(exchange.account, { spreadBps: 2, depthNotional: 1_000_000, now: () => clock.now() })
  const events: EngineEvent[] = []
  const run = startLive({
    bars: feed([100, 100, 100, 100, 100, 100, 101, 102, 103, 104, 105, 106]),
    paper: exchange,
    sink: 'queue',
    plugins: [
      buyAt({ at: 2 }),
      fixedNotional({ notional }),
      bracket(),
      aelm({ book, slicing: slicing === false ? false : { mode: 'twap', maxSlices: 3, ...slicing } }),
    ],
    mode: 'paper',
    clock,
    onEvent: (e) => events.push(e),
  })
  const summary = await run.done
  return { summary, steps: events.filter((e): e is ExecutionEvent => e.type === 'execution') }
}

describe('aelm (execution plugin) on the paper exchange', () => {
  it('should record the entry slippage against the decision price in the trade (5 bps model, 0 drift)', async () => {
    const { summary, steps } = await paperRun(1000, false)
    expect(steps.map((s) => s.step)).toEqual(['book-checked'])
    expect(steps[0]).toMatchObject({ decisionPrice: 100, spreadBps: expect.closeTo(2, 9) })
    expect(summary.fills[0]).toMatchObject({ tag: 'entry', decisionPrice: 100, price: expect.closeTo(100.05, 9) })
    expect(summary.trades).toHaveLength(1)
    expect(summary.trades[0]!.entrySlippageBps).toBeCloseTo(5, 6)
  })

  it('should slice a large entry, each slice protected by the exits as it fills', async () => {
    const { summary, steps } = await paperRun(30_000, { aboveNotional: 10_000, intervalMs: 0 })
    expect(steps.map((s) => s.step).slice(0, 2)).toEqual(['book-checked', 'sliced'])
    const entries = summary.fills.filter((f) => !f.reduceOnly)
    expect(entries).toHaveLength(3)
    expect(entries.reduce((s, f) => s + f.quantity, 0)).toBeCloseTo(300, 9)
    expect(summary.unprotected).toBe(0)
    expect(summary.trades[0]!.entrySlippageBps).toBeGreaterThanOrEqual(5 - 1e-9)
  })

  it('should be a plugin of kind execution that configs accept, with typed option errors', () => {
    expect(aelm().kind).toBe('execution')
    expect(() => aelm({ maxSpreadBps: -1 })).toThrow(ConfigError)
    expect(PluginSchema.safeParse(aelm()).success).toBe(true)
  })
})
