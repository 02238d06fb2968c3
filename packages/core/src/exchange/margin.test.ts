import { describe, expect, it } from 'vitest'
import type { LeverageBracket } from '../schemas.js'
import { bundledLeverageBrackets } from './leverage-brackets.js'
import { bracketFor, isolatedLiquidationPrice, maintenanceMargin, maxLeverage } from './margin.js'

const BTC: readonly LeverageBracket[] = bundledLeverageBrackets().BTCUSDT!

describe('margin', () => {
  it('should pick the bracket by notional tier', () => {
    expect(bracketFor(BTC, 0).bracket).toBe(1)
    expect(bracketFor(BTC, 49_999.99).bracket).toBe(1)
    expect(bracketFor(BTC, 50_000).bracket).toBe(2)
    expect(bracketFor(BTC, 1e12).bracket).toBe(12)
    expect(maxLeverage(BTC)).toBe(125)
  })

  it('should compute maintenance margin as notional * mmr - cum', () => {
    expect(maintenanceMargin(BTC, 10_000)).toBeCloseTo(40, 12)
    expect(maintenanceMargin(BTC, 100_000)).toBeCloseTo(100_000 * 0.005 - 50, 12)
  })

  it('should give the price where margin balance equals maintenance margin (bracket 2, long)', () => {
    const p = { side: 1, quantity: 2, entryPrice: 60_000, margin: 12_000, brackets: BTC } as const
    const lp = isolatedLiquidationPrice(p)
    expect(lp).toBeCloseTo((2 * 60_000 - 12_000 - 50) / (2 * (1 - 0.005)), 9)
    expect(p.margin + 2 * (lp - 60_000)).toBeCloseTo(2 * lp * 0.005 - 50, 9)
  })

  it('should give the short liquidation price above the entry', () => {
    const p = { side: -1, quantity: 0.5, entryPrice: 3000, margin: 75, brackets: BTC } as const
    const lp = isolatedLiquidationPrice(p)
    expect(lp).toBeCloseTo((75 + 1500) / (0.5 * 1.004), 9)
    expect(p.margin - 0.5 * (lp - 3000)).toBeCloseTo(0.5 * lp * 0.004, 9)
  })

  it('should return 0 for a position that cannot be liquidated', () => {
    expect(isolatedLiquidationPrice({ side: 1, quantity: 1, entryPrice: 100, margin: 100, brackets: BTC })).toBe(0)
    expect(isolatedLiquidationPrice({ side: 1, quantity: 0, entryPrice: 100, margin: 0, brackets: BTC })).toBe(0)
  })
})
