import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { definePlugin } from '../define-plugin.js'
import { PluginError } from '../errors.js'
import { createPaperExchange } from '../exchange/paper-exchange.js'
import { generateCandles } from '../data/generate-candles.js'
import { fixedNotional } from '../plugins/fixed-notional.js'
import type { AgentPlugin, EngineEvent, MarketBar, QuantumPlugin, SizerPlugin } from '../types.js'
import { SimulatedClock } from './clock.js'
import { startLive } from './live/run-live.js'
import { checkIntents, checkSignal } from './plugin-output.js'
import { runEngine } from './run-engine.js'
import { buyAt, feed, HOUR, SYMBOL } from '../../test/fixtures/live/feed.js'

const BARS = 300
const series = generateCandles({ bars: BARS, seed: 5, symbol: SYMBOL, timeframeMs: HOUR })

/** An agent (as untyped JavaScript could write it) that returns `value` from bar `from` on. */
function agentReturning(value: (bar: MarketBar) => unknown, name = 'test:bad-agent', from = 0): AgentPlugin {
  return {
    name,
    kind: 'agent',
    onBar: ((bar: MarketBar) => (bar.index >= from ? value(bar) : undefined)) as AgentPlugin['onBar'],
  }
}

const good = (bar: MarketBar, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  agent: 'test:bad-agent',
  symbol: bar.symbol,
  time: bar.openTime,
  action: 'BUY',
  confidence: 1,
  ...extra,
})

async function backtest(plugins: QuantumPlugin[]) {
  const exchange = createPaperExchange({
    balance: 10_000,
    instruments: { [SYMBOL]: { tickSize: 0.01, stepSize: 0.001, minNotional: 5 } },
  })
  const events: EngineEvent[] = []
  const output = await runEngine({ series: [series], exchange, plugins, onEvent: (e) => events.push(e) })
  return { output, events, exchange }
}

const pluginErrors = (events: readonly EngineEvent[]) =>
  events.flatMap((e) => (e.type === 'plugin-error' ? [e.error] : []))

describe('plugin output at the kernel boundary', () => {
  it.each([
    ['null', () => null, ''],
    ["action 'FOO'", (bar: MarketBar) => good(bar, { action: 'FOO' }), 'action'],
    ['NaN confidence', (bar: MarketBar) => good(bar, { confidence: Number.NaN }), 'confidence'],
    ['confidence 7', (bar: MarketBar) => good(bar, { confidence: 7 }), 'confidence'],
    ['a string', () => 'BUY', ''],
    ['a promise', (bar: MarketBar) => Promise.resolve(good(bar)), 'agent'],
  ])(
    'should turn an agent returning %s into a PluginError naming the field, and trade nothing',
    async (_, value, field) => {
      const { output, events } = await backtest([agentReturning(value), fixedNotional({ notional: 500 })])
      const errors = pluginErrors(events)
      expect(errors).toHaveLength(BARS)
      const error = errors[0]!
      expect(error).toBeInstanceOf(PluginError)
      expect(error).toMatchObject({ code: 'PLUGIN_FAILED', plugin: 'test:bad-agent', hook: 'onBar', field })
      expect(error.message).toContain('test:bad-agent')
      expect(output.counts.bars).toBe(BARS)
      expect(output.fills).toHaveLength(0)
      expect(events.some((e) => e.type === 'signal' || e.type === 'decision')).toBe(false)
    },
  )

  it('should accept valid signals and name a bad probability', () => {
    const signal = { agent: 'a:b', symbol: SYMBOL, time: 0, action: 'SELL', confidence: 0.5 }
    expect(checkSignal('a:b', 'onBar', signal)).toBeUndefined()
    expect(checkSignal('a:b', 'onBar', undefined)).toBeUndefined()
    const probabilities = checkSignal('a:b', 'onBar', { ...signal, probabilities: { BUY: 0.2, SELL: 2, HOLD: 0 } })
    expect(probabilities?.field).toBe('probabilities.SELL')
  })

  it('should reject a sizer batch with one bad intent as a whole, naming the intent and field', async () => {
    const sizer: SizerPlugin = {
      name: 'test:bad-sizer',
      kind: 'sizer',
      size: (d) => [
        { symbol: d.symbol, side: 'SELL', type: 'MARKET', quantity: 1, reduceOnly: true },
        { symbol: d.symbol, side: d.action === 'BUY' ? 'BUY' : 'SELL', type: 'MARKET', quantity: -3 },
      ],
    }
    const { output, events } = await backtest([agentReturning((bar) => good(bar)), sizer])
    const errors = pluginErrors(events)
    expect(errors.length).toBeGreaterThan(0)
    expect(errors[0]).toMatchObject({ plugin: 'test:bad-sizer', hook: 'size', field: '1.quantity' })
    expect(output.fills).toHaveLength(0)
    expect(checkIntents('s:x', 'size', null)).toMatchObject({ field: '' })
  })

  it('should reject a decision with confidence outside [0, 1]', async () => {
    const decision: QuantumPlugin = {
      name: 'test:bad-decision',
      kind: 'decision',
      decide: (signals, bar) => ({
        symbol: bar.symbol,
        time: bar.openTime,
        action: 'BUY',
        confidence: 7,
        votes: [...signals],
        price: bar.close,
      }),
    }
    const { output, events } = await backtest([
      agentReturning((bar) => good(bar)),
      decision,
      fixedNotional({ notional: 500 }),
    ])
    expect(pluginErrors(events)[0]).toMatchObject({ plugin: 'test:bad-decision', hook: 'decide', field: 'confidence' })
    expect(output.fills).toHaveLength(0)
  })
})

/** On the entry fill: a reduce-only stop 5 below. */
const stopper = definePlugin({
  name: 'test:stopper',
  kind: 'exit',
  options: z.strictObject({}),
  create: () => ({
    onFill: (fill, position) =>
      fill.reduceOnly || position.side !== 'LONG'
        ? undefined
        : {
            place: [
              {
                symbol: fill.symbol,
                side: 'SELL',
                type: 'STOP_MARKET',
                quantity: position.quantity,
                triggerPrice: position.entryPrice - 5,
                reduceOnly: true,
                tag: 'stop',
              },
            ],
          },
  }),
})

function livePaper(
  plugins: QuantumPlugin[],
  closes: readonly number[],
  extra: { hookClock?: () => number; hookBudgetMs?: number; interruptHooks?: boolean } = {},
) {
  const exchange = createPaperExchange({
    balance: 10_000,
    instruments: { [SYMBOL]: { tickSize: 0.01, stepSize: 0.001, minNotional: 0 } },
  })
  const events: EngineEvent[] = []
  const run = startLive({
    bars: feed(closes),
    paper: exchange,
    sink: 'queue',
    plugins,
    mode: 'paper',
    clock: new SimulatedClock(0),
    onEvent: (e) => events.push(e),
    ...extra,
  })
  return { run, exchange, events }
}

describe('plugin health in live modes', () => {
  it('should keep a live run and its protected position alive when an agent returns null', async () => {
    const closes = Array.from({ length: 16 }, () => 100)
    const { run, exchange, events } = livePaper(
      [
        buyAt({ at: 1 }),
        agentReturning(() => null, 'test:null-agent', 3),
        fixedNotional({ notional: 1000 }),
        stopper(),
      ],
      closes,
    )
    const summary = await run.done
    expect(summary.bars).toBe(closes.length)
    expect(exchange.account.getPosition(SYMBOL).side).toBe('LONG')
    expect(exchange.account.getOpenOrders().filter((o) => o.type === 'STOP_MARKET' && o.reduceOnly)).toHaveLength(1)
    const errors = pluginErrors(events)
    // Ten failures in a row isolate the agent: it is called no more, and that is an event.
    expect(errors).toHaveLength(10)
    expect(errors[0]).toMatchObject({ plugin: 'test:null-agent', field: '' })
    expect(events.filter((e) => e.type === 'plugin-isolated')).toEqual([
      { type: 'plugin-isolated', plugin: 'test:null-agent', hook: 'onBar', reason: '10 failures in a row' },
    ])
  })

  it('should report and isolate an agent whose onBar overruns the hook budget, and keep protecting', async () => {
    let now = 0
    let calls = 0
    const hanging = agentReturning(
      (bar) => {
        calls++
        if (bar.index === 4) now += 30_000 // the hook "hangs" for 30 s on the time-budget clock
        return undefined
      },
      'test:hanging',
      0,
    )
    const closes = [100, 100, 100, 100, 100, 100, 90, 90]
    const { run, exchange, events } = livePaper(
      [buyAt({ at: 1 }), hanging, fixedNotional({ notional: 1000 }), stopper()],
      closes,
      { hookClock: () => now },
    )
    const summary = await run.done
    expect(calls).toBe(5) // bars 0..4, then isolated
    const errors = pluginErrors(events)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(PluginError)
    expect(errors[0]!.message).toContain('over the hook budget of 1000 ms')
    expect(events.find((e) => e.type === 'plugin-isolated')).toMatchObject({ plugin: 'test:hanging', hook: 'onBar' })
    // The run went on: the stop (95) fired when price fell to 90, so the position is closed.
    expect(summary.bars).toBe(closes.length)
    expect(summary.fills.map((f) => f.tag)).toEqual(['entry', 'stop'])
    expect(exchange.account.getPosition(SYMBOL).side).toBe('FLAT')
  })

  it('should interrupt an agent stuck in an endless loop, isolate it, and keep protecting', async () => {
    let calls = 0
    const looping = agentReturning(
      (bar) => {
        calls++
        // A synchronous endless loop: nothing on this thread runs until it is interrupted.
        // eslint-disable-next-line no-empty
        if (bar.index === 4) for (;;) {}
        return undefined
      },
      'test:endless',
      0,
    )
    const closes = [100, 100, 100, 100, 100, 100, 90, 90]
    const started = performance.now()
    const { run, exchange, events } = livePaper(
      [buyAt({ at: 1 }), looping, fixedNotional({ notional: 1000 }), stopper()],
      closes,
      { hookBudgetMs: 200, interruptHooks: true },
    )
    const summary = await run.done
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(calls).toBe(5) // bars 0..4 (interrupted on 4), then isolated
    const errors = pluginErrors(events)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(PluginError)
    expect(errors[0]!.message).toContain('did not return: interrupted after 400 ms (twice the hook budget)')
    expect(events.filter((e) => e.type === 'plugin-isolated')).toEqual([
      {
        type: 'plugin-isolated',
        plugin: 'test:endless',
        hook: 'onBar',
        reason: 'onBar interrupted after 400 ms (it did not return)',
      },
    ])
    // The run went on: the stop (95) fired when price fell to 90, so the position is closed.
    expect(summary.bars).toBe(closes.length)
    expect(summary.fills.map((f) => f.tag)).toEqual(['entry', 'stop'])
    expect(exchange.account.getPosition(SYMBOL).side).toBe('FLAT')
  })

  it('should interrupt an exit policy stuck in an endless loop without isolating it, and go on', async () => {
    let calls = 0
    const stuckExit = definePlugin({
      name: 'test:endless-exit',
      kind: 'exit',
      options: z.strictObject({}),
      create: () => ({
        onBar: (bar: MarketBar) => {
          calls++
          // eslint-disable-next-line no-empty
          if (bar.index === 2) for (;;) {}
          return undefined
        },
      }),
    })
    const closes = [100, 100, 100, 100, 100, 90]
    const { run, events } = livePaper(
      [buyAt({ at: 1 }), fixedNotional({ notional: 1000 }), stopper(), stuckExit()],
      closes,
      {
        hookBudgetMs: 100,
        interruptHooks: true,
      },
    )
    const summary = await run.done
    expect(summary.bars).toBe(closes.length - 1) // the cut bar's step did not complete
    expect(calls).toBe(closes.length) // called again after the interruption: exits are never isolated
    const errors = pluginErrors(events)
    expect(errors).toHaveLength(1)
    expect(errors[0]!.message).toContain('test:endless-exit')
    expect(errors[0]!.message).toContain('interrupted')
    expect(events.filter((e) => e.type === 'plugin-isolated')).toEqual([])
    expect(summary.fills.map((f) => f.tag)).toEqual(['entry', 'stop']) // the other policy's stop still fired
  })

  it('should interrupt a risk guard stuck in an endless loop and deny the intent (fail closed)', async () => {
    const stuckGuard = definePlugin({
      name: 'test:endless-guard',
      kind: 'risk',
      options: z.strictObject({}),
      create: () => ({
        check: (): never => {
          // eslint-disable-next-line no-empty
          for (;;) {}
        },
      }),
    })
    const { run, events } = livePaper(
      [buyAt({ at: 1 }), fixedNotional({ notional: 1000 }), stuckGuard()],
      [100, 100, 100, 100],
      { hookBudgetMs: 100, interruptHooks: true },
    )
    const summary = await run.done
    expect(summary.bars).toBe(4)
    expect(summary.fills).toEqual([]) // denied: nothing was sent
    const errors = pluginErrors(events)
    expect(errors).toHaveLength(1)
    expect(errors[0]!.message).toContain('test:endless-guard')
    expect(errors[0]!.message).toContain('interrupted')
    expect(errors[0]).toMatchObject({ plugin: 'test:endless-guard', hook: 'check' })
  })

  it('should interrupt a sizer stuck in an endless loop the same way', async () => {
    const stuckSizer = definePlugin({
      name: 'test:endless-sizer',
      kind: 'sizer',
      options: z.strictObject({}),
      create: () => ({
        size: (): never => {
          // eslint-disable-next-line no-empty
          for (;;) {}
        },
      }),
    })
    const { run, events } = livePaper([buyAt({ at: 1 }), stuckSizer()], [100, 100, 100, 100], {
      hookBudgetMs: 100,
      interruptHooks: true,
    })
    const summary = await run.done
    expect(summary.bars).toBe(4)
    expect(events.find((e) => e.type === 'plugin-isolated')).toMatchObject({
      plugin: 'test:endless-sizer',
      hook: 'size',
    })
  })
})
