import { ConfigError } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { fakeContext, market } from '../../test/fake-context.js'
import { describePolicy, riskPolicy } from './risk-policy.js'

const names = (p: readonly { name: string }[]): string[] => p.map((x) => x.name)

describe('riskPolicy', () => {
  it('should keep the spec numbers as the presets: PERMISSIVE $10,000 / 30x, FLOOR $1,000 / 10x / SL 2%', () => {
    expect(describePolicy('PERMISSIVE').limits).toMatchObject({ maxPositionNotional: 10_000, maxLeverage: 30 })
    expect(describePolicy('FLOOR').limits).toMatchObject({
      maxPositionNotional: 1000,
      maxLeverage: 10,
      stopLossPct: 0.02,
    })
    expect(describePolicy('STRICT').limits).toMatchObject({
      dailyDrawdownPct: 0.05,
      openLossPct: 0.03,
      correlation: { cap: 0.8 },
      ess: { dailyDrawdownPct: 0.05 },
    })
  })

  it('should build STRICT with the ESS and breakers first and the precision check last', () => {
    const policy = riskPolicy('STRICT', {}, { env: {} })
    const guards = names(policy.guards)
    expect(guards.slice(0, 2)).toEqual(['risk:ess', 'risk:circuit-breakers'])
    expect(guards.at(-1)).toBe('risk:min-notional')
    expect(guards).toEqual(
      expect.arrayContaining(['risk:correlation-cap', 'risk:daily-drawdown-limit', 'risk:open-loss-limit']),
    )
    expect(names(policy)).toEqual(expect.arrayContaining(['risk:ess-flatten', 'risk:portfolio-rebalance']))
    expect(policy.ess?.state).toBe('ARMED')
    expect(names(riskPolicy('FLOOR', {}, { env: {} }))).toContain('risk:stop-loss-floor')
  })

  it('should list every bad override by path: unknown keys, negative and inconsistent limits', () => {
    try {
      riskPolicy('STRICT', { maxLeverage: -1, perSymbolExposure: 50_000, nope: 1 } as never)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      const paths = (error as ConfigError).issues.map((i) => i.path)
      expect(paths).toEqual(expect.arrayContaining(['overrides']))
    }
    try {
      riskPolicy('STRICT', { maxLeverage: -1, perSymbolExposure: 50_000 })
      expect.unreachable()
    } catch (error) {
      const paths = (error as ConfigError).issues.map((i) => i.path)
      expect(paths).toEqual(expect.arrayContaining(['overrides.maxLeverage']))
    }
    expect(() => riskPolicy('STRICT', { perSymbolExposure: 50_000 })).toThrow(
      /overrides.perSymbolExposure: must not exceed totalExposure/,
    )
    expect(() => riskPolicy('STRICT', { ess: { dailyDrawdownPct: 0.01 } })).toThrow(/overrides.ess.dailyDrawdownPct/)
    expect(() => riskPolicy('LOOSE' as never)).toThrow(/expected one of PERMISSIVE, STRICT, FLOOR/)
  })

  it('should merge nested overrides one level deep and switch rules off with false', () => {
    const policy = riskPolicy('STRICT', { correlation: { cap: 0.9 }, breakers: false, balance: false }, { env: {} })
    expect(policy.limits.correlation).toMatchObject({ cap: 0.9, window: 72 })
    expect(policy.breakers).toBeUndefined()
    expect(names(policy.guards)).not.toContain('risk:circuit-breakers')
  })

  it('should never show the ESS token in the limits, the description or the plugin options', () => {
    const policy = riskPolicy('STRICT', { ess: { token: 'super-secret-token' } })
    const text = JSON.stringify([policy.describe(), policy.map((p) => p.options)])
    expect(text).not.toContain('super-secret-token')
    expect(policy.describe().rules.length).toBe(policy.guards.length)
  })

  it('should validate an intent as a dry run: resized to the limits with every reason', () => {
    const ctx = fakeContext({ balance: 100_000 })
    ctx.setPrice('BTCUSDT', 50_000)
    const policy = riskPolicy('PERMISSIVE', {}, { env: {} })
    const result = policy.validate(market('BTCUSDT', 'BUY', { quantity: 1 }, { leverage: 5 }), ctx)
    expect(result.allowed).toBe(true)
    expect(result.intent?.quantity).toBe(0.2)
    expect(result.reasons[0]).toMatch(/^risk:max-position-notional: /)
    const denied = policy.validate(market('BTCUSDT', 'BUY', { quantity: 0.1 }, { leverage: 50 }), ctx)
    expect(denied).toMatchObject({
      allowed: false,
      intent: undefined,
      reasons: ['risk:max-leverage: leverage 50x above the limit 30x'],
    })
  })
})
