import { definePlugin } from '@quantum/core'
import type { QuantumPlugin } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { memoryEssStore } from '../ess/ess-store.js'
import { stopLossFloor } from '../plugins/stop-loss-floor.js'
import { LIVE_CEILINGS, liveGateIssues } from './live-gate.js'
import { riskPolicy } from './risk-policy.js'
import type { PolicyOverrides } from './policy-schema.js'

const deps = { store: memoryEssStore(), env: {} }
const strict = (overrides: PolicyOverrides = {}) => riskPolicy('STRICT', { stopLossPct: 0.02, ...overrides }, deps)
const paths = (plugins: readonly QuantumPlugin[]) => liveGateIssues(plugins).issues.map((i) => i.path)

describe('liveGateIssues (the live gate, on behaviour and identity)', () => {
  it('should open for STRICT with a protective stop, and name the ceilings of the STRICT preset', () => {
    expect(liveGateIssues([...strict()]).issues).toEqual([])
    expect(LIVE_CEILINGS).toMatchObject({ maxLeverage: 10, maxPositionNotional: 5000, totalExposure: 15_000 })
  })

  it('should refuse STRICT limits overridden above the ceilings (125x, 1e9 notional, ESS triggers off)', () => {
    const loose = strict({
      maxLeverage: 125,
      maxPositionNotional: 1e9,
      perSymbolExposure: 1e9,
      totalExposure: 1e9,
      orderRate: false,
      dailyDrawdownPct: false,
      ess: { dailyDrawdownPct: false, openLossPct: false, errorBurst: false, staleBars: false },
    })
    expect(paths([...loose])).toEqual(
      expect.arrayContaining([
        'maxLeverage',
        'maxPositionNotional',
        'perSymbolExposure',
        'totalExposure',
        'orderRate',
        'dailyDrawdownPct',
        'ess.dailyDrawdownPct',
        'ess.openLossPct',
        'ess.errorBurst',
        'ess.staleBars',
      ]),
    )
    expect(paths([...strict({ maxLeverage: 5, maxPositionNotional: 1000 })])).toEqual([]) // tighter is fine
    expect(paths([...strict({ breakers: false, balance: false, marginBuffer: 0 })])).toEqual(
      expect.arrayContaining(['breakers', 'balance', 'marginBuffer']),
    )
    expect(paths([...strict({ ess: false })])).toContain('ess')
  })

  it('should not be talked past by names: look-alike plugins, PERMISSIVE, or a policy with plugins removed', () => {
    const fake = (name: `${string}:${string}`, kind: 'risk' | 'exit'): QuantumPlugin =>
      kind === 'risk'
        ? definePlugin({
            name,
            kind: 'risk',
            options: z.strictObject({}),
            create: () => ({ check: () => ({ action: 'approve' as const }) }),
          })({})
        : definePlugin({ name, kind: 'exit', options: z.strictObject({}), create: () => ({}) })({})
    const named = (
      [
        'risk:ess',
        'risk:circuit-breakers',
        'risk:daily-drawdown-limit',
        'risk:open-loss-limit',
        'risk:correlation-cap',
      ] as const
    ).map((n) => fake(n, 'risk'))
    expect(liveGateIssues([...named, stopLossFloor({ pct: 0.02 })]).issues[0]?.message).toMatch(/riskPolicy/)
    expect(paths([...riskPolicy('PERMISSIVE', { stopLossPct: 0.02 }, deps)])).toEqual(
      expect.arrayContaining(['maxLeverage', 'maxPositionNotional']),
    )
    const policy = strict()
    const withoutEss = policy.filter((p) => !p.name.startsWith('risk:ess'))
    const { issues } = liveGateIssues([...withoutEss, fake('risk:ess', 'risk')])
    expect(issues.map((i) => i.message).join('\n')).toMatch(/removed: risk:ess, risk:ess-flatten/)
    expect(paths([...strict(), ...strict()])).toContain('plugins') // two policies: which one holds?
  })

  it('should require an exit policy seen placing a reduce-only stop for long and short entries', () => {
    const noStop = riskPolicy('STRICT', {}, deps)
    expect(
      liveGateIssues([...noStop])
        .issues.map((i) => i.message)
        .join(),
    ).toMatch(/long or short entry/)
    expect(liveGateIssues([...noStop, stopLossFloor({ pct: 0.02 })]).issues).toEqual([])
    const longsOnly = definePlugin({
      name: 'test:long-stops-only',
      kind: 'exit',
      options: z.strictObject({}),
      create: () => ({
        onFill: (fill, position) =>
          position.side === 'LONG'
            ? {
                place: [
                  {
                    symbol: fill.symbol,
                    side: 'SELL' as const,
                    type: 'STOP_MARKET' as const,
                    quantity: position.quantity,
                    triggerPrice: position.entryPrice * 0.98,
                    reduceOnly: true,
                  },
                ],
              }
            : undefined,
      }),
    })
    expect(
      liveGateIssues([...noStop, longsOnly({})])
        .issues.map((i) => i.message)
        .join(),
    ).toMatch(/short entry/)
  })
})
