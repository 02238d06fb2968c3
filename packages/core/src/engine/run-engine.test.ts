import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { definePlugin } from '../define-plugin.js'
import { createPaperExchange } from '../exchange/paper-exchange.js'
import { generateCandles } from '../data/generate-candles.js'
import { fixedNotional } from '../plugins/fixed-notional.js'
import type { EngineEvent, QuantumPlugin, RiskVerdict } from '../types.js'
import { runEngine } from './run-engine.js'

const series = generateCandles({ bars: 3000, seed: 3, symbol: 'TESTUSDT', timeframeMs: 3_600_000 })

/** An agent that buys on every `every`-th bar and sells on the bar after, from bar `from`. */
const pulse = definePlugin({
  name: 'test:pulse',
  kind: 'agent',
  options: z.strictObject({ every: z.number().int().positive().default(50), throwAt: z.number().int().optional() }),
  create: ({ every, throwAt }) => ({
    onBar: (bar) => {
      if (bar.index === throwAt) throw new Error('boom')
      const k = bar.index % every
      if (k !== 0 && k !== 1) return undefined
      return {
        agent: 'test:pulse',
        symbol: bar.symbol,
        time: bar.openTime,
        action: k === 0 ? 'BUY' : 'SELL',
        confidence: 1,
      }
    },
  }),
})

const riskWith = (check: () => RiskVerdict, name = 'test:risk') =>
  definePlugin({
    name: name as `${string}:${string}`,
    kind: 'risk',
    options: z.strictObject({}),
    create: () => ({ check }),
  })()

async function run(plugins: QuantumPlugin[], blockRows?: number, onEventTypes?: EngineEvent['type'][]) {
  const exchange = createPaperExchange({
    balance: 10_000,
    instruments: { TESTUSDT: { tickSize: 0.01, stepSize: 0.001, minNotional: 5 } },
  })
  const events: EngineEvent[] = []
  const output = await runEngine({
    series: [series],
    exchange,
    plugins,
    onEvent: (e) => events.push(e),
    ...(blockRows === undefined ? {} : { blockRows }),
    ...(onEventTypes === undefined ? {} : { onEventTypes }),
  })
  return { output, exchange, events }
}

describe('runEngine', () => {
  it('should build no order event nobody reads, with the same run, and send them to a plugin on the bus', async () => {
    const runWith = async (options: { types?: EngineEvent['type'][]; watcher?: boolean }) => {
      let newOrders = 0
      const watcher = definePlugin({
        name: 'test:order-watcher',
        kind: 'risk',
        options: z.strictObject({}),
        create: () => ({
          setup: (ctx) => {
            ctx.bus.events$.subscribe((e) => {
              if (e.type === 'order' && e.order.status === 'NEW') newOrders++
            })
          },
          check: () => ({ action: 'approve' as const }),
        }),
      })
      const plugins = [pulse({ every: 7 }), fixedNotional({ notional: 500 })]
      const { output, events } = await run(
        options.watcher === true ? [...plugins, watcher()] : plugins,
        undefined,
        options.types,
      )
      const orders = events.filter((e) => e.type === 'order').length
      return { output, orders, newOrders }
    }
    const all = await runWith({})
    const decisions = await runWith({ types: ['decision'] })
    const watched = await runWith({ types: ['decision'], watcher: true })
    expect(all.orders).toBeGreaterThan(100)
    // Nobody reads them: not built, so not even the caller's onEvent sees one.
    expect(decisions.orders).toBe(0)
    expect(watched.newOrders).toBe(all.output.fills.length)
    for (const r of [decisions, watched]) {
      expect(r.output.fills).toEqual(all.output.fills)
      expect(r.output.trades).toEqual(all.output.trades)
      expect(r.output.notableEvents).toEqual(all.output.notableEvents)
      expect(r.output.counts).toEqual(all.output.counts)
    }
  })

  it('should trade the decisions of its agents through sizing and the paper exchange', async () => {
    const { output } = await run([pulse(), fixedNotional({ notional: 500 })])
    expect(output.trades.length).toBeGreaterThan(50)
    expect(output.counts.bars).toBe(3000)
    expect(output.equity.time.length).toBe(3000)
    expect(output.fills.length).toBeGreaterThanOrEqual(output.trades.length * 2)
  })

  it('should be deterministic: two runs give identical trades and equity', async () => {
    const a = await run([pulse(), fixedNotional({ notional: 500 })])
    const b = await run([pulse(), fixedNotional({ notional: 500 })])
    expect(b.output.trades).toEqual(a.output.trades)
    expect(Array.from(b.output.equity.equity)).toEqual(Array.from(a.output.equity.equity))
  })

  it('should turn a throwing agent into a plugin-error event and keep the stream alive', async () => {
    const { output, events } = await run([pulse({ throwAt: 100 }), fixedNotional({ notional: 500 })])
    const errors = events.filter((e) => e.type === 'plugin-error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ plugin: 'test:pulse', hook: 'onBar' })
    expect(output.counts.pluginErrors).toBe(1)
    expect(output.counts.bars).toBe(3000)
    expect(output.trades.length).toBeGreaterThan(50)
  })

  it('should emit a risk event and send no order when a guard denies', async () => {
    const { output, events } = await run([
      pulse(),
      fixedNotional({ notional: 500 }),
      riskWith(() => ({ action: 'deny', reason: 'no' })),
    ])
    expect(output.fills).toHaveLength(0)
    const risk = events.filter((e) => e.type === 'risk')
    expect(risk.length).toBeGreaterThan(0)
    expect(risk[0]).toMatchObject({ plugin: 'test:risk', verdict: { action: 'deny', reason: 'no' } })
  })

  it('should fail closed when a guard throws (deny + plugin-error)', async () => {
    const { output, events } = await run([
      pulse(),
      fixedNotional({ notional: 500 }),
      riskWith(() => {
        throw new Error('guard broke')
      }),
    ])
    expect(output.fills).toHaveLength(0)
    expect(events.some((e) => e.type === 'plugin-error' && e.plugin === 'test:risk')).toBe(true)
  })

  it('should send resized intents with the resized quantity', async () => {
    const { output } = await run([
      pulse(),
      fixedNotional({ notional: 500 }),
      riskWith(() => ({ action: 'resize', quoteQuantity: 100, reason: 'smaller' })),
    ])
    const entries = output.fills.filter((f) => !f.reduceOnly)
    expect(entries.length).toBeGreaterThan(0)
    for (const f of entries) expect(f.quantity * f.price).toBeLessThanOrEqual(100 + 1e-9)
  })

  it('should reconcile equity: start + realised - fees + funding = end wallet, to the cent', async () => {
    const { exchange, output } = await run([pulse({ every: 7 }), fixedNotional({ notional: 2000 })])
    const l = exchange.ledger()
    const fromFills = output.fills.reduce((s, f) => s + f.realizedPnl - f.fee, 0)
    expect(Math.round((l.startBalance + l.realizedPnl - l.fees + l.funding) * 100)).toBe(Math.round(l.wallet * 100))
    expect(Math.abs(l.startBalance + fromFills - l.wallet)).toBeLessThan(1e-6)
    const last = output.equity.equity[output.equity.equity.length - 1]!
    expect(last).toBeCloseTo(exchange.account.getEquity(), 9)
  })

  it('should order plugins by enforce tier, keeping registration order within a tier', async () => {
    const seen: string[] = []
    const tag = (name: string, enforce?: 'pre' | 'post'): QuantumPlugin => ({
      name,
      kind: 'risk',
      ...(enforce === undefined ? {} : { enforce }),
      check: () => {
        seen.push(name)
        return { action: 'approve' }
      },
    })
    await run([
      pulse(),
      fixedNotional({ notional: 500 }),
      tag('t:a'),
      tag('t:post', 'post'),
      tag('t:b'),
      tag('t:pre', 'pre'),
    ])
    expect(seen.slice(0, 4)).toEqual(['t:pre', 't:a', 't:b', 't:post'])
  })

  it('should skip plugins whose apply excludes the run mode', async () => {
    const { output } = await run([pulse(), { ...fixedNotional({ notional: 500 }), apply: 'live' }])
    expect(output.fills).toHaveLength(0)
  })
})

describe('runEngine agent onBlock pre-step', () => {
  /** Records, for each onBar call, the last bar the agent had been handed through onBlock. */
  function blockAgent(log: { blocks: number[]; lag: number[]; rows: number[] }): QuantumPlugin {
    let lastHanded = -1
    return {
      name: 'test:blocks',
      kind: 'agent',
      onBlock: async (block) => {
        log.blocks.push(block.length)
        for (let r = 0; r < block.length; r++) {
          expect(block.index[r]).toBe(lastHanded + 1) // arrival order, nothing skipped or repeated
          lastHanded = block.index[r]!
        }
        await Promise.resolve()
      },
      onBar: (bar) => {
        log.rows.push(bar.index)
        log.lag.push(lastHanded - bar.index)
        return undefined
      },
    }
  }

  it('should hand every bar through onBlock, in blocks of blockRows, before it reaches onBar', async () => {
    const log = { blocks: [] as number[], lag: [] as number[], rows: [] as number[] }
    await run([blockAgent(log)], 1000)
    expect(log.blocks).toEqual([1000, 1000, 1000])
    expect(log.rows).toEqual(Array.from({ length: 3000 }, (_, i) => i))
    // Never behind (the bar was handed first), never ahead of the bar's own block.
    expect(Math.min(...log.lag)).toBe(0)
    expect(Math.max(...log.lag)).toBe(999)
  })

  it('should hand one bar at a time with blockRows 1 (a bar is never handed before it arrived)', async () => {
    const log = { blocks: [] as number[], lag: [] as number[], rows: [] as number[] }
    await run([blockAgent(log)], 1)
    expect(log.blocks).toHaveLength(3000)
    expect(new Set(log.lag)).toEqual(new Set([0]))
  })

  it('should report a failing onBlock as a plugin-error and still run the bars', async () => {
    let bars = 0
    const agent: QuantumPlugin = {
      name: 'test:failing-block',
      kind: 'agent',
      onBlock: () => Promise.reject(new Error('no model')),
      onBar: () => {
        bars++
        return undefined
      },
    }
    const { events } = await run([agent])
    expect(bars).toBe(3000)
    const errors = events.filter((e) => e.type === 'plugin-error')
    expect(errors.length).toBeGreaterThan(0)
    expect(errors[0]).toMatchObject({ plugin: 'test:failing-block', hook: 'onBlock' })
  })
})

describe('runEngine exit policies on each bar', () => {
  it('should call every exit policy on every bar and apply only the first answer (first-exit-wins)', async () => {
    let secondCalls = 0
    let firstApplied = 0
    const first: QuantumPlugin = {
      name: 'test:first-exit',
      kind: 'exit',
      onBar: (bar) => (bar.index % 100 === 0 ? { cancel: [] } : undefined),
      onFill: () => undefined,
    }
    const second: QuantumPlugin = {
      name: 'test:second-exit',
      kind: 'exit',
      onBar: (bar) => {
        secondCalls++
        return bar.index % 100 === 0 ? { cancel: ['must-not-be-cancelled'] } : undefined
      },
    }
    const { events } = await run([first, second])
    firstApplied = events.filter((e) => e.type === 'cancel-rejected').length
    expect(secondCalls).toBe(3000)
    expect(firstApplied).toBe(0) // the second policy's cancel was never applied: the first answered on those bars
  })

  it('should call risk guards onBar after the exchange and before exits, and keep risk-state events apart', async () => {
    const seen: string[] = []
    const guard = definePlugin({
      name: 'test:stateful',
      kind: 'risk',
      options: z.strictObject({}),
      create: () => ({
        check: () => ({ action: 'approve' }) as const,
        onBar: (bar, ctx) => {
          seen.push(`guard:${bar.index}:${ctx.account.getLastPrice(bar.symbol) === bar.close}`)
          if (bar.index === 10) {
            ctx.bus.emit({
              type: 'risk-state',
              time: ctx.clock.now(),
              source: 'test',
              state: 'TRIPPED',
              tradingState: 'halted',
              reason: 'bar 10',
            })
          }
          if (bar.index === 11) throw new Error('guard onBar failed')
        },
      }),
    })()
    const exit = definePlugin({
      name: 'test:exit-order',
      kind: 'exit',
      options: z.strictObject({}),
      create: () => ({ onBar: (bar) => void seen.push(`exit:${bar.index}`) }),
    })()
    const { output, events } = await run([pulse(), fixedNotional({ notional: 500 }), exit, guard])
    expect(seen.slice(0, 4)).toEqual(['guard:0:true', 'exit:0', 'guard:1:true', 'exit:1'])
    expect(output.riskStates).toEqual([
      expect.objectContaining({ type: 'risk-state', reason: 'bar 10', time: series.openTime[10] }),
    ])
    expect(events.filter((e) => e.type === 'plugin-error')).toEqual([
      expect.objectContaining({ plugin: 'test:stateful', hook: 'onBar' }),
    ])
    expect(output.counts.bars).toBe(3000)
  })
})
