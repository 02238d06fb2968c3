/**
 * Property: whatever the sequence of intents, fills and prices, no intent the policy approves or
 * resizes, once filled, takes the account beyond a configured limit; and reduce-only intents always
 * pass unchanged. Seeded, so every run checks the same 300 sequences per policy.
 */
import { quantize } from '@quantum/core'
import type { OrderIntent } from '@quantum/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { riskPolicy } from '../src/policy/risk-policy.js'
import type { PolicyName } from '../src/policy/policy-schema.js'
import { fakeContext, INSTRUMENTS } from './fake-context.js'

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT'] as const
const START = { BTCUSDT: 60_000, ETHUSDT: 3_000, BNBUSDT: 550 } as const

type Step =
  | { kind: 'price'; symbol: (typeof SYMBOLS)[number]; move: number }
  | {
      kind: 'intent'
      symbol: (typeof SYMBOLS)[number]
      side: 'BUY' | 'SELL'
      notional: number
      byQuote: boolean
      leverage: number | undefined
      reduceOnly: boolean
    }

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('price' as const),
    symbol: fc.constantFrom(...SYMBOLS),
    move: fc.double({ min: -0.25, max: 0.25, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('intent' as const),
    symbol: fc.constantFrom(...SYMBOLS),
    side: fc.constantFrom('BUY' as const, 'SELL' as const),
    notional: fc.double({ min: 1, max: 60_000, noNaN: true }),
    byQuote: fc.boolean(),
    leverage: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
    reduceOnly: fc.constantFrom(false, false, false, true),
  }),
)

/** How many checked intents grew a position, and how many of them had been resized (the test is not vacuous). */
const seen = { grew: 0, resized: 0, denied: 0 }

function check(name: PolicyName, balance: number, steps: readonly Step[]): void {
  const policy = riskPolicy(name, { ess: false }, { env: {} })
  const l = policy.limits
  const ctx = fakeContext({ balance })
  for (const s of SYMBOLS) ctx.setPrice(s, START[s])
  const price = (s: string): number => ctx.account.getLastPrice(s)
  for (const st of steps) {
    if (st.kind === 'price') {
      ctx.setPrice(st.symbol, Math.max(1, price(st.symbol) * (1 + st.move)))
      continue
    }
    const p = price(st.symbol)
    const intent: OrderIntent = {
      symbol: st.symbol,
      side: st.side,
      type: 'MARKET',
      ...(st.byQuote ? { quoteQuantity: st.notional } : { quantity: Number((st.notional / p).toFixed(6)) }),
      ...(st.leverage === undefined ? {} : { leverage: st.leverage }),
      ...(st.reduceOnly ? { reduceOnly: true } : {}),
    }
    const before = Math.abs(ctx.account.getPosition(st.symbol).quantity)
    const result = policy.validate(intent, ctx)
    if (st.reduceOnly) {
      // Closing or protecting is never blocked or changed.
      expect(result).toMatchObject({ allowed: true, intent })
      ctx.fill(intent)
      continue
    }
    if (!result.allowed) {
      seen.denied++
      continue
    }
    const sent = result.intent!
    ctx.fill(sent)
    const after = ctx.account.getPosition(st.symbol).quantity
    if (after <= before + 1e-12) continue // reduced: no limit can be breached by it
    seen.grew++
    if (result.reasons.length > 0) seen.resized++
    const eps = 1e-6
    const notional = after * p
    expect(notional).toBeLessThanOrEqual(l.maxPositionNotional + eps)
    expect(notional).toBeLessThanOrEqual(l.perSymbolExposure + eps)
    const gross = ctx.account.getPositions().reduce((sum, q) => sum + q.quantity * price(q.symbol), 0)
    expect(gross).toBeLessThanOrEqual(l.totalExposure + eps)
    expect(sent.leverage ?? 1).toBeLessThanOrEqual(l.maxLeverage)
    expect(ctx.account.getBalance().available).toBeGreaterThanOrEqual(-eps)
    if (sent.quantity !== undefined) {
      const rule = INSTRUMENTS[st.symbol]!
      expect(quantize(sent.quantity, rule.stepSize, 'truncate').exact).toBe(true)
      expect(sent.quantity * p).toBeGreaterThanOrEqual(rule.minNotional - eps)
    }
  }
}

describe('risk limits (property)', () => {
  for (const [name, balance] of [
    ['STRICT', 20_000],
    ['PERMISSIVE', 5_000],
    ['FLOOR', 2_000],
  ] as const) {
    it(`should never let an approved or resized intent breach a ${name} limit`, () => {
      Object.assign(seen, { grew: 0, resized: 0, denied: 0 })
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => check(name, balance, steps)),
        { seed: 20_240_805, numRuns: 300 },
      )
      expect(seen.grew).toBeGreaterThan(100)
      expect(seen.resized).toBeGreaterThan(50)
      expect(seen.denied).toBeGreaterThan(50)
    })
  }
})
