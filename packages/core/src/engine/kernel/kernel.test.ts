import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { generateCandles } from '../../data/generate-candles.js'
import { definePlugin } from '../../define-plugin.js'
import { createPaperExchange } from '../../exchange/paper-exchange.js'
import { fixedNotional } from '../../plugins/fixed-notional.js'
import type { EngineEvent, QuantumPlugin } from '../../types.js'
import { SimulatedClock } from '../clock.js'
import { replayBars } from '../live/replay-bars.js'
import { startLive } from '../live/run-live.js'
import { runEngine } from '../run-engine.js'

const SYMBOL = 'TESTUSDT'
const series = generateCandles({ bars: 1500, seed: 11, symbol: SYMBOL, timeframeMs: 3_600_000 })

/** BUY every 40th bar, SELL 7 bars later; throws on bar 333 (a plugin error in both modes). */
const swing = definePlugin({
  name: 'test:swing',
  kind: 'agent',
  options: z.strictObject({}),
  create: () => ({
    onBar: (bar) => {
      if (bar.index === 333) throw new Error('agent failure')
      const k = bar.index % 40
      if (k !== 0 && k !== 7) return undefined
      const action = k === 0 ? ('BUY' as const) : ('SELL' as const)
      return { agent: 'test:swing', symbol: bar.symbol, time: bar.openTime, action, confidence: 1 }
    },
  }),
})

/** Halves every entry above 600 USDT and denies every third order (risk events of both kinds). */
const halve = definePlugin({
  name: 'test:halve',
  kind: 'risk',
  options: z.strictObject({}),
  create: () => {
    let n = 0
    return {
      check: (intent) => {
        n++
        if (n % 3 === 0) return { action: 'deny' as const, reason: 'every third' }
        const q = intent.quoteQuantity
        return q !== undefined && q > 600
          ? { action: 'resize' as const, quoteQuantity: q / 2, reason: 'halve' }
          : { action: 'approve' as const }
      },
    }
  },
})

/** Bracket on every entry fill (stop 3% away, target 4%); on a bar 5 bars into a trade, moves the stop. */
const bracket = definePlugin({
  name: 'test:bracket',
  kind: 'exit',
  options: z.strictObject({}),
  create: () => {
    let stopId: string | undefined
    let entryIndex = -1
    return {
      onFill: (fill, position, ctx) => {
        if (position.side === 'FLAT') {
          stopId = undefined
          return { cancelAll: true }
        }
        if (fill.reduceOnly) return undefined
        const long = position.side === 'LONG'
        const base = {
          symbol: fill.symbol,
          side: long ? 'SELL' : 'BUY',
          quantity: position.quantity,
          reduceOnly: true,
        } as const
        const stop = ctx.exchange.account.getOpenOrders(fill.symbol).find((o) => o.type === 'STOP_MARKET')
        stopId = stop?.id
        entryIndex = -1
        return {
          ...(stop === undefined ? {} : { cancelAll: true }),
          place: [
            { ...base, type: 'STOP_MARKET', triggerPrice: position.entryPrice * (long ? 0.97 : 1.03), tag: 'stop' },
            {
              ...base,
              type: 'TAKE_PROFIT_MARKET',
              triggerPrice: position.entryPrice * (long ? 1.04 : 0.96),
              tag: 'tp',
            },
          ],
        }
      },
      onBar: (bar, ctx) => {
        const position = ctx.account.getPosition(bar.symbol)
        if (position.side === 'FLAT') return undefined
        if (entryIndex < 0) entryIndex = bar.index
        if (bar.index !== entryIndex + 5) return undefined
        const stop = ctx.account.getOpenOrders(bar.symbol).find((o) => o.type === 'STOP_MARKET')
        if (stop === undefined || stopId === undefined) return undefined
        return { replace: [{ cancel: stop.id, with: { ...stopFrom(stop), triggerPrice: position.entryPrice } }] }
      },
    }
  },
})

function stopFrom(order: { symbol: string; side: 'BUY' | 'SELL'; quantity: number }) {
  return {
    symbol: order.symbol,
    side: order.side,
    type: 'STOP_MARKET',
    quantity: order.quantity,
    reduceOnly: true,
    tag: 'stop',
  } as const
}

const plugins = (): QuantumPlugin[] => [swing(), fixedNotional({ notional: 1000 }), halve(), bracket()]
const exchange = () =>
  createPaperExchange({
    balance: 10_000,
    instruments: { [SYMBOL]: { tickSize: 0.01, stepSize: 0.001, minNotional: 5 } },
  })

describe('the engine kernel: one behaviour in every mode', () => {
  it('should emit the same events, trades and equity for a backtest and a paper replay of the same bars', async () => {
    const backtestEvents: EngineEvent[] = []
    const backtest = await runEngine({
      series: [series],
      exchange: exchange(),
      plugins: plugins(),
      onEvent: (e) => backtestEvents.push(e),
    })
    const paperEvents: EngineEvent[] = []
    const run = startLive({
      bars: replayBars([series]),
      paper: exchange(),
      plugins: plugins(),
      mode: 'paper',
      clock: new SimulatedClock(0),
      onEvent: (e) => paperEvents.push(e),
    })
    await run.done
    const paper = run.output()
    const kinds = new Set(backtestEvents.map((e) => e.type))
    for (const kind of ['fill', 'order', 'risk', 'plugin-error', 'decision', 'intent', 'signal'] as const)
      expect(kinds.has(kind)).toBe(true)
    expect(backtest.trades.length).toBeGreaterThan(10)
    expect(paperEvents).toEqual(backtestEvents)
    expect(paper.trades).toEqual(backtest.trades)
    expect(paper.equity).toEqual(backtest.equity)
    expect(paper.exposure).toBe(backtest.exposure)
    expect(paper.counts).toEqual(backtest.counts)
    expect(paper.decisions).toEqual(backtest.decisions)
  })

  it('should keep the event log of a live-driven run (risk verdicts and decisions in its output)', async () => {
    const run = startLive({
      bars: replayBars([series]),
      paper: exchange(),
      plugins: plugins(),
      mode: 'paper',
      clock: new SimulatedClock(0),
    })
    await run.done
    const out = run.output()
    expect(out.counts.riskEvents).toBeGreaterThan(0)
    expect(out.counts.pluginErrors).toBe(1)
    expect(out.decisions.total).toBeGreaterThan(0)
    expect(out.notableEvents.some((e) => e.type === 'risk')).toBe(true)
  })
})
