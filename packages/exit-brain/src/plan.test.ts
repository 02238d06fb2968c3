import { ConfigError } from '@quantum/core'
import type { Instrument, Position } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { buildExitPlan, volatilityScale } from './plan.js'
import { AGGRESSIVE, BALANCED, CONSERVATIVE, defineExitProfile } from './profiles.js'

const instrument: Instrument = {
  symbol: 'TESTUSDT',
  baseAsset: 'TEST',
  quoteAsset: 'USDT',
  tickSize: 0.01,
  stepSize: 0.001,
  minQty: 0.001,
  maxQty: Number.POSITIVE_INFINITY,
  maxMarketQty: Number.POSITIVE_INFINITY,
  minNotional: 0,
  pricePrecision: 2,
  quantityPrecision: 3,
}
const position = (quantity: number, side: 'LONG' | 'SHORT' = 'LONG'): Position => ({
  symbol: 'TESTUSDT',
  side,
  quantity,
  entryPrice: 100,
  leverage: 1,
  margin: 100,
  markPrice: 100,
  unrealizedPnl: 0,
  liquidationPrice: 0,
  openedAt: 0,
})
const legs = (plan: ReturnType<typeof buildExitPlan>) =>
  plan.legs.map((l) => [l.tag, l.quantity, +l.triggerPrice.toFixed(8)])

describe('buildExitPlan', () => {
  it('should give each seed profile its legs and sizes', () => {
    expect(legs(buildExitPlan({ position: position(1), profile: CONSERVATIVE, instrument }))).toEqual([
      ['tp1', 0.3, 100.5],
      ['tp2', 0.3, 101],
      ['tp3', 0.25, 101.5],
      ['tp4', 0.15, 102.5],
    ])
    expect(legs(buildExitPlan({ position: position(1), profile: BALANCED, instrument }))).toEqual([
      ['tp1', 0.25, 100.8],
      ['tp2', 0.3, 101.5],
      ['tp3', 0.3, 102.5],
      ['tp4', 0.15, 104],
    ])
    expect(legs(buildExitPlan({ position: position(1), profile: AGGRESSIVE, instrument }))).toEqual([
      ['tp1', 0.2, 101],
      ['tp2', 0.25, 102],
      ['tp3', 0.3, 103.5],
      ['tp4', 0.25, 106],
    ])
  })

  it('should mirror a short and put the reduce-only stop first', () => {
    const plan = buildExitPlan({ position: position(1, 'SHORT'), profile: CONSERVATIVE, instrument })
    expect(plan.stopPrice).toBeCloseTo(101, 10)
    expect(plan.legs[0]?.triggerPrice).toBeCloseTo(99.5, 10)
    expect(plan.orders.map((o) => [o.tag, o.side, o.type, o.reduceOnly])[0]).toEqual([
      'stop',
      'BUY',
      'STOP_MARKET',
      true,
    ])
  })

  it('should round legs down to the step with the remainder on the runner', () => {
    // 7 steps: floor(2.1) = 2, floor(2.1) = 2, floor(1.75) = 1, runner 7 - 5 = 2.
    expect(
      buildExitPlan({ position: position(0.007), profile: CONSERVATIVE, instrument }).legs.map((l) => l.quantity),
    ).toEqual([0.002, 0.002, 0.001, 0.002])
  })

  it('should merge a leg below min notional into the next leg, and a small runner into the previous one', () => {
    const forward = buildExitPlan({
      position: position(0.1),
      profile: CONSERVATIVE,
      instrument: { ...instrument, minNotional: 3.1 },
    })
    expect(legs(forward)).toEqual([
      ['tp2', 0.06, 101],
      ['tp4', 0.04, 102.5],
    ])
    const backward = buildExitPlan({
      position: position(0.1),
      profile: CONSERVATIVE,
      instrument: { ...instrument, minNotional: 2.5 },
    })
    expect(legs(backward)).toEqual([
      ['tp1', 0.03, 100.5],
      ['tp2', 0.03, 101],
      ['tp3', 0.04, 101.5],
    ])
  })

  it('should scale distances by ATR% over the reference, clamped', () => {
    expect(volatilityScale({ atr: 1.5, price: 100 })).toBeCloseTo(1.5, 12)
    expect(volatilityScale({ atr: 10, price: 100 })).toBe(2)
    expect(volatilityScale({ atr: 0.1, price: 100 })).toBe(0.5)
    expect(volatilityScale({ price: 100 })).toBe(1)
    const plan = buildExitPlan({ position: position(1), profile: CONSERVATIVE, instrument, atr: 1.5 })
    expect(plan.legs[0]?.triggerPrice).toBeCloseTo(100.75, 10)
    expect(plan.stopPrice).toBeCloseTo(98.5, 10)
  })
})

describe('profiles', () => {
  it('should be frozen', () => {
    expect(Object.isFrozen(CONSERVATIVE.legs[0])).toBe(true)
    expect(Object.isFrozen(AGGRESSIVE.legs)).toBe(true)
  })

  it('should refuse sizes not summing to 100, negative or non-increasing distances, and more than 6 legs', () => {
    expect(() => defineExitProfile({ legs: [{ distancePct: 1, sizePct: 99 }], stopPct: 1 })).toThrow(ConfigError)
    expect(() => defineExitProfile({ legs: [{ distancePct: -1, sizePct: 100 }], stopPct: 1 })).toThrow(
      /legs\.0\.distancePct/,
    )
    const flatLegs = [
      { distancePct: 1, sizePct: 50 },
      { distancePct: 1, sizePct: 50 },
    ]
    expect(() => defineExitProfile({ legs: flatLegs, stopPct: 1 })).toThrow(/legs\.1\.distancePct/)
    const seven = Array.from({ length: 7 }, (_, i) => ({ distancePct: i + 1, sizePct: 100 / 7 }))
    expect(() => defineExitProfile({ legs: seven, stopPct: 1 })).toThrow(/legs/)
    expect(
      defineExitProfile({
        legs: [
          { distancePct: 1, sizePct: 100 / 3 },
          { distancePct: 2, sizePct: 200 / 3 },
        ],
        stopPct: 1,
      }).name,
    ).toBe('custom')
  })
})
