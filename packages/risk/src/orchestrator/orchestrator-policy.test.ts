import { fileURLToPath } from 'node:url'
import {
  ConfigError,
  createPaperExchange,
  fixedNotional,
  mergeByTime,
  readCandlesCsvSync,
  runEngine,
} from '@quantum/core'
import type { ArbitrationEvent, EngineEvent, PolicySwitchEvent, QuantumPlugin } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { fakeContext, market } from '../../test/fake-context.js'
import { scripted } from '../../test/engine-helpers.js'
import { hfos } from '../hfos/hfos.js'
import { orchestratorPolicy } from './orchestrator-policy.js'

// Shared 1h candles of BTCUSDT and ETHUSDT, 2024-07-22..2024-08-12 (copied from ../shared/data so the
// test runs on a clone without it): the 2024-08-05 crash, ETH -20% within hours.
const fixture = (symbol: string) =>
  readCandlesCsvSync(fileURLToPath(new URL(`../../test/fixtures/crash-2024-08-05/${symbol}-1h.csv`, import.meta.url)))
    .series

const CRASH_RULES = [
  {
    name: 'crash',
    when: [{ metric: 'barRange', op: '>=' as const, value: 0.06 }],
    policy: 'FLOOR' as const,
    directives: [{ kind: 'no-new-longs' as const }],
  },
  { name: 'turbulent', when: [{ metric: 'volatility', op: '>=' as const, value: 0.012 }], policy: 'STRICT' as const },
]

async function crashRun(plugins: QuantumPlugin[]) {
  const series = [fixture('BTCUSDT'), fixture('ETHUSDT')]
  const events: EngineEvent[] = []
  const output = await runEngine({
    series,
    order: mergeByTime(series),
    exchange: createPaperExchange({ balance: 10_000 }),
    // A BUY on each symbol every 6 hours, closed 2 hours later: entries before, during and after the crash.
    plugins: [
      scripted({
        buy: Array.from({ length: 84 }, (_, k) => 6 * k + 3),
        sell: Array.from({ length: 84 }, (_, k) => 6 * k + 5),
      }),
      ...plugins,
    ],
    mode: 'backtest',
    onEvent: (e) => events.push(e),
  })
  return { output, events }
}

const iso = (t: number) => new Date(t).toISOString()

describe('orchestratorPolicy', () => {
  it('should switch to the defensive preset during the 2024-08-05 crash and back after, each switch an event', async () => {
    const { events, output } = await crashRun([
      orchestratorPolicy({ initial: 'PERMISSIVE', rules: CRASH_RULES, holdBars: 6 }),
      hfos({ sources: { orchestrator: { priority: 50, issues: ['no-new-longs'] } } }),
      fixedNotional({ notional: 3000, allowShort: false }),
    ])
    const switches = events.filter((e): e is PolicySwitchEvent => e.type === 'policy-switch')
    const first = switches[0]!
    // Calm until the evening of 08-04: no switch before; the first goes straight to FLOOR on the crash.
    expect(first).toMatchObject({ from: 'PERMISSIVE', to: 'FLOOR', rule: 'crash' })
    expect(iso(first.time) >= '2024-08-04T12:00').toBe(true)
    expect(iso(first.time) < '2024-08-05T01:00').toBe(true)
    expect(first.reason).toMatch(/^barRange 0\.\d+ >= 0\.06$/)
    expect(first.metrics.barRange).toBeGreaterThanOrEqual(0.06)
    // FLOOR is in force through the worst hours (08-05 01:00-07:00 UTC).
    const inForce = (t: string) => switches.filter((s) => iso(s.time) <= t).at(-1)?.to
    for (const t of ['2024-08-05T01:00', '2024-08-05T04:00', '2024-08-05T07:00']) expect(inForce(t)).toBe('FLOOR')
    // Back to PERMISSIVE by the calm end of the window, through STRICT while volatility stays high.
    expect(switches.map((s) => s.to)).toContain('STRICT')
    expect(switches.at(-1)!.to).toBe('PERMISSIVE')
    // While FLOOR holds, AI-HFOS gets the rule's no-new-longs and denies the BUYs.
    const denied = events.filter(
      (e): e is ArbitrationEvent => e.type === 'arbitration' && e.winner.source === 'orchestrator',
    )
    expect(denied.length).toBeGreaterThan(0)
    expect(denied.every((a) => a.winner.kind === 'no-new-longs' && a.outcome === 'denied')).toBe(true)
    // The run's notable events (the report) carry every switch.
    expect(output.notableEvents.filter((e) => e.type === 'policy-switch')).toHaveLength(switches.length)
  })

  it('should resize entries to the policy in force (FLOOR: 1,000 USDT) without the directive', async () => {
    const { events } = await crashRun([
      orchestratorPolicy({ rules: [{ ...CRASH_RULES[0]!, directives: [] }], holdBars: 6 }),
      fixedNotional({ notional: 3000, allowShort: false }),
    ])
    const resized = events.filter(
      (e) => e.type === 'risk' && e.plugin === 'risk:orchestrator-policy' && e.verdict.action === 'resize',
    )
    expect(resized.length).toBeGreaterThan(0)
    for (const e of resized) {
      if (e.type !== 'risk') continue
      expect(e.verdict.reason).toMatch(/policy FLOOR \(crash\): risk:max-position-notional/)
    }
  })

  it('should refuse a rule naming an unknown metric with a ConfigError at start, with a did-you-mean', () => {
    const make = () =>
      orchestratorPolicy({ rules: [{ name: 'x', when: [{ metric: 'drawdwn', value: 0.1 }], policy: 'STRICT' }] })
    expect(make).toThrow(ConfigError)
    try {
      make()
    } catch (e) {
      expect((e as ConfigError).issues).toEqual([
        expect.objectContaining({
          path: 'rules.0.when.0.metric',
          message: expect.stringMatching(/did you mean drawdown/),
        }),
      ])
    }
    const wrongValue = () =>
      orchestratorPolicy({ rules: [{ name: 'x', when: [{ metric: 'hour', value: 'night' }], policy: 'STRICT' }] })
    expect(wrongValue).toThrow(/hour compares with number values/)
    const dup = () =>
      orchestratorPolicy({
        rules: [
          { name: 'a', when: [{ metric: 'hour', value: 1 }], policy: 'STRICT' },
          { name: 'a', when: [{ metric: 'hour', value: 2 }], policy: 'FLOOR' },
        ],
      })
    expect(dup).toThrow(ConfigError)
  })

  it('should switch on time of day, regime and emergency-stop history and pass reduce-only intents', async () => {
    const ctx = fakeContext({ time: Date.UTC(2024, 7, 5, 1) })
    ctx.setPrice('BTCUSDT', 60_000)
    const events: EngineEvent[] = []
    ctx.bus.events$.subscribe((e) => events.push(e))
    const regimes = new Map<string, string>()
    const guard = orchestratorPolicy({
      initial: 'STRICT',
      holdBars: 0,
      regimes: { get: (s) => regimes.get(s) },
      rules: [
        { name: 'after-trips', when: [{ metric: 'essTrips', op: '>=', value: 2 }], policy: 'FLOOR' },
        { name: 'wild', when: [{ metric: 'regime', op: '==', value: 'high-volatility' }], policy: 'FLOOR' },
        { name: 'night', when: [{ metric: 'hour', op: 'in', value: [0, 1, 2] }], policy: 'PERMISSIVE' },
      ],
    })
    await guard.setup!(ctx)
    const bar = (hour: number) => {
      ctx.setTime(Date.UTC(2024, 7, 5, hour))
      const b = {
        symbol: 'BTCUSDT',
        index: hour,
        openTime: Date.UTC(2024, 7, 5, hour),
        open: 1,
        high: 1,
        low: 1,
        close: 1,
        volume: 1,
      }
      guard.onBar!(b, ctx)
    }
    const last = () => events.filter((e): e is PolicySwitchEvent => e.type === 'policy-switch').at(-1)
    bar(1)
    expect(last()).toMatchObject({ from: 'STRICT', to: 'PERMISSIVE', rule: 'night', reason: 'hour 1 in [0,1,2]' })
    // PERMISSIVE allows 30x; STRICT would cap at 10x.
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.01 }, { leverage: 20 }), ctx)).toEqual({
      action: 'approve',
    })
    regimes.set('BTCUSDT', 'high-volatility')
    bar(2)
    expect(last()).toMatchObject({ to: 'FLOOR', rule: 'wild' })
    regimes.clear()
    bar(5)
    expect(last()).toMatchObject({ to: 'STRICT', rule: 'default' })
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.01 }, { leverage: 20 }), ctx)).toMatchObject({
      action: 'deny',
      reason: expect.stringMatching(/policy STRICT \(default\): risk:max-leverage: leverage 20x above the limit 10x/),
    })
    for (const h of [6, 7]) {
      ctx.bus.emit({
        type: 'risk-state',
        time: Date.UTC(2024, 7, 5, h),
        source: 'ess',
        state: 'TRIPPED',
        tradingState: 'halted',
        reason: 'dd',
      })
    }
    bar(8)
    expect(last()).toMatchObject({
      to: 'FLOOR',
      rule: 'after-trips',
      metrics: expect.objectContaining({ essTrips: 2 }),
    })
    expect(guard.check(market('BTCUSDT', 'SELL', { quantity: 5 }, { reduceOnly: true }), ctx)).toEqual({
      action: 'approve',
    })
  })
})
