import { ConfigError } from '@quantum/core'
import type { ArbitrationEvent, Directive, EngineEvent } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { fakeContext, market } from '../../test/fake-context.js'
import { hfos } from './hfos.js'

const directive = (d: Partial<Directive> & Pick<Directive, 'kind' | 'source'>): Directive => ({
  reason: `${d.kind} test`,
  time: 0,
  ...d,
})

function setUp(mode: 'enforce' | 'observe' = 'enforce') {
  const ctx = fakeContext()
  ctx.setPrice('BTCUSDT', 60_000)
  const events: EngineEvent[] = []
  ctx.bus.events$.subscribe((e) => events.push(e))
  const guard = hfos({
    mode,
    sources: {
      regime: { priority: 20, issues: ['cap-leverage', 'no-new-longs'] },
      supervisor: { priority: 10, issues: ['mute-agent', 'cap-leverage'] },
      pba: { priority: 5, issues: ['rebalance', 'reduce-exposure'] },
    },
  })
  void guard.setup!(ctx)
  const issue = (d: Directive, active = true) => ctx.bus.emit({ type: 'directive', directive: d, active })
  const arbitrations = () => events.filter((e): e is ArbitrationEvent => e.type === 'arbitration')
  return { ctx, guard, issue, arbitrations }
}

describe('hfos (AI-HFOS coordinator)', () => {
  it('should refuse two sources of equal priority that may issue the same kind with a ConfigError', () => {
    const make = () =>
      hfos({
        sources: {
          regime: { priority: 10, issues: ['cap-leverage'] },
          supervisor: { priority: 10, issues: ['cap-leverage', 'mute-agent'] },
        },
      })
    expect(make).toThrow(ConfigError)
    expect(make).toThrow(/equal precedence/)
    expect(() => hfos({ sources: { a: { priority: 1, issues: ['teleport'] } } } as never)).toThrow(ConfigError)
  })

  it('should let the safest directive win on an entry and report the winner and the overruled ones', () => {
    const { ctx, guard, issue, arbitrations } = setUp()
    issue(directive({ kind: 'cap-leverage', source: 'regime', value: 5 }))
    const capped = guard.check(market('BTCUSDT', 'BUY', { quantity: 0.01 }, { leverage: 20 }), ctx)
    expect(capped).toMatchObject({ action: 'resize', leverage: 5 })
    // The ESS trips: its halt outranks the leverage cap.
    ctx.bus.emit({ type: 'risk-state', time: 1, source: 'ess', state: 'TRIPPED', tradingState: 'halted', reason: 'dd' })
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.01 }, { leverage: 20 }), ctx).action).toBe('deny')
    const last = arbitrations().at(-1)!
    expect(last.winner).toMatchObject({ kind: 'halt', source: 'ess' })
    expect(last.overruled).toEqual([expect.objectContaining({ kind: 'cap-leverage', source: 'regime' })])
    expect(last.outcome).toBe('denied')
    // Reduce-only always passes; the re-armed ESS withdraws its halt.
    expect(guard.check(market('BTCUSDT', 'SELL', { quantity: 0.01 }, { reduceOnly: true }), ctx).action).toBe('approve')
    ctx.bus.emit({
      type: 'risk-state',
      time: 2,
      source: 'ess',
      state: 'ARMED',
      tradingState: 'active',
      reason: 'reset',
    })
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.01 }, { leverage: 20 }), ctx).action).toBe('resize')
  })

  it('should take the lower cap and the higher-priority source between directives of one kind', () => {
    const { ctx, guard, issue, arbitrations } = setUp()
    issue(directive({ kind: 'cap-leverage', source: 'supervisor', value: 3 }))
    issue(directive({ kind: 'cap-leverage', source: 'regime', value: 8 }))
    const arb = arbitrations().at(-1)!
    expect(arb.subject).toBe('directive cap-leverage from regime')
    expect(arb.winner.source).toBe('regime')
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.01 }, { leverage: 10 }), ctx)).toMatchObject({
      action: 'resize',
      leverage: 3,
    })
  })

  it('should overrule a rebalance with a safety directive and deny only the blocked side', () => {
    const { ctx, guard, issue, arbitrations } = setUp()
    issue(directive({ kind: 'rebalance', source: 'pba' }))
    issue(directive({ kind: 'no-new-longs', source: 'regime', symbol: 'BTCUSDT' }))
    expect(arbitrations().at(-1)).toMatchObject({
      winner: { kind: 'no-new-longs' },
      overruled: [{ kind: 'rebalance', source: 'pba' }],
    })
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.01 }), ctx).action).toBe('deny')
    expect(guard.check(market('BTCUSDT', 'SELL', { quantity: 0.01 }), ctx).action).toBe('approve')
    expect(guard.check(market('ETHUSDT', 'BUY', { quantity: 0.01 }), ctx).action).toBe('approve')
  })

  it('should only report in observe mode, and ignore directives from undeclared sources', () => {
    const { ctx, guard, issue, arbitrations } = setUp('observe')
    issue(directive({ kind: 'halt', source: 'stranger' }))
    expect(arbitrations()).toEqual([])
    issue(directive({ kind: 'no-new-longs', source: 'regime' }))
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.01 }), ctx).action).toBe('approve')
    expect(arbitrations().at(-1)).toMatchObject({ mode: 'observe', outcome: 'would be denied (observe)' })
  })
  it('should decide a mute-agent directive: muted in enforce, reported in observe, unmuted on withdrawal', () => {
    for (const mode of ['enforce', 'observe'] as const) {
      const { issue, arbitrations } = setUp(mode)
      const mute = directive({ kind: 'mute-agent', source: 'supervisor', agent: 'agents:nhits' })
      issue(mute)
      issue(mute, false)
      expect(arbitrations().map((a) => [a.subject, a.outcome])).toEqual(
        mode === 'enforce'
          ? [
              ['agent agents:nhits', 'muted'],
              ['agent agents:nhits', 'unmuted'],
            ]
          : [
              ['agent agents:nhits', 'would mute (observe)'],
              ['agent agents:nhits', 'would unmute (observe)'],
            ],
      )
    }
    // An undeclared source cannot mute.
    const { issue, arbitrations } = setUp()
    issue(directive({ kind: 'mute-agent', source: 'pba', agent: 'agents:xgb' }))
    expect(arbitrations()).toEqual([])
  })
})
