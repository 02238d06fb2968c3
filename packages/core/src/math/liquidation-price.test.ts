import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import { liquidationPrice, type LiquidationPriceInput } from './liquidation-price.js'

/** Margin balance and maintenance margin of an isolated position at `price`. */
function balances(o: LiquidationPriceInput, price: number): { margin: number; maintenance: number } {
  const s = o.side === 'LONG' ? 1 : -1
  return {
    margin: o.walletBalance + s * o.quantity * (price - o.entry),
    maintenance: o.quantity * price * o.maintenanceMarginRate - o.maintenanceAmount,
  }
}

const cases: LiquidationPriceInput[] = [
  {
    side: 'LONG',
    entry: 50_000,
    quantity: 1,
    walletBalance: 5_000,
    maintenanceMarginRate: 0.004,
    maintenanceAmount: 0,
  },
  {
    side: 'SHORT',
    entry: 50_000,
    quantity: 1,
    walletBalance: 5_000,
    maintenanceMarginRate: 0.004,
    maintenanceAmount: 0,
  },
  {
    side: 'LONG',
    entry: 3_000,
    quantity: 40,
    walletBalance: 6_000,
    maintenanceMarginRate: 0.005,
    maintenanceAmount: 50,
  },
  {
    side: 'SHORT',
    entry: 3_000,
    quantity: 40,
    walletBalance: 6_000,
    maintenanceMarginRate: 0.005,
    maintenanceAmount: 50,
  },
  {
    side: 'LONG',
    entry: 0.52,
    quantity: 100_000,
    walletBalance: 1_100,
    maintenanceMarginRate: 0.01,
    maintenanceAmount: 130,
  },
]

describe('liquidationPrice', () => {
  it('should match hand-computed 10x BTC values', () => {
    expect(liquidationPrice(cases[0] as LiquidationPriceInput)).toBeCloseTo(45_000 / 0.996, 9)
    expect(liquidationPrice(cases[1] as LiquidationPriceInput)).toBeCloseTo(55_000 / 1.004, 9)
  })

  for (const c of cases) {
    it(`should make margin balance equal maintenance margin at the price (${c.side} ${c.entry})`, () => {
      const lp = liquidationPrice(c)
      const { margin, maintenance } = balances(c, lp)
      expect(Math.abs(margin - maintenance) / Math.abs(maintenance)).toBeLessThan(1e-9)
      if (c.side === 'LONG') expect(lp).toBeLessThan(c.entry)
      else expect(lp).toBeGreaterThan(c.entry)
    })
  }

  it('should return 0 for a long that cannot be liquidated', () => {
    const full = {
      side: 'LONG',
      entry: 100,
      quantity: 1,
      walletBalance: 100,
      maintenanceMarginRate: 0.004,
      maintenanceAmount: 0,
    } as const
    expect(liquidationPrice(full)).toBe(0)
  })

  it('should reject a negative quantity, a negative balance or an MMR ≥ 1', () => {
    const base = cases[0] as LiquidationPriceInput
    expect(() => liquidationPrice({ ...base, quantity: -1 })).toThrow(ConfigError)
    expect(() => liquidationPrice({ ...base, walletBalance: -5 })).toThrow(/walletBalance/)
    expect(() => liquidationPrice({ ...base, maintenanceMarginRate: 1 })).toThrow(/maintenanceMarginRate/)
  })
})
