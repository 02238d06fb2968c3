import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { describeWithShared } from '../../../../test-utils/shared.js'
import { ConfigError } from '../errors.js'
import { initialMargin } from './initial-margin.js'
import { liquidationPrice } from './liquidation-price.js'
import { findMaintenanceBracket, maintenanceMargin, parseMaintenanceBrackets } from './maintenance-margin.js'
import type { MaintenanceBracketInput } from './types.js'

// BTCUSDT brackets 1–4 as Binance sends them (numeric strings), from leverage_tiers.freqtrade.json.
const BTC: MaintenanceBracketInput[] = [
  { initialLeverage: '125', notionalCap: '50000', notionalFloor: '0', maintMarginRatio: '0.004', cum: '0.0' },
  { initialLeverage: '100', notionalCap: '600000', notionalFloor: '50000', maintMarginRatio: '0.005', cum: '50.0' },
  { initialLeverage: '75', notionalCap: '3000000', notionalFloor: '600000', maintMarginRatio: '0.0065', cum: '950.0' },
  {
    initialLeverage: '50',
    notionalCap: '12000000',
    notionalFloor: '3000000',
    maintMarginRatio: '0.01',
    cum: '11450.0',
  },
]

describe('maintenanceMargin', () => {
  it('should pick the bracket of the notional and subtract cum', () => {
    expect(maintenanceMargin({ notional: 10_000, brackets: BTC })).toBeCloseTo(40, 12)
    expect(maintenanceMargin({ notional: 100_000, brackets: BTC })).toBeCloseTo(450, 12)
    expect(maintenanceMargin({ notional: 1_000_000, brackets: BTC })).toBeCloseTo(5_550, 9)
  })

  it('should be continuous at bracket boundaries', () => {
    for (const edge of [50_000, 600_000, 3_000_000]) {
      const below = maintenanceMargin({ notional: edge * (1 - 1e-12), brackets: BTC })
      const above = maintenanceMargin({ notional: edge * (1 + 1e-12), brackets: BTC })
      expect(Math.abs(above - below) / below).toBeLessThan(1e-9)
    }
  })

  it('should accept shuffled numeric brackets', () => {
    const parsed = parseMaintenanceBrackets([...BTC].reverse())
    expect(parsed.map((b) => b.notionalFloor)).toEqual([0, 50_000, 600_000, 3_000_000])
    expect(findMaintenanceBracket(60_000, parsed)).toEqual({
      initialLeverage: 100,
      notionalCap: 600_000,
      notionalFloor: 50_000,
      maintMarginRatio: 0.005,
      cum: 50,
    })
  })

  it('should feed liquidationPrice with the bracket of the position', () => {
    // 2 BTC long at 60 000 (notional 120 000, bracket 2) with 12 000 USDT isolated margin (10x).
    const b = findMaintenanceBracket(120_000, BTC)
    const lp = liquidationPrice({
      side: 'LONG',
      entry: 60_000,
      quantity: 2,
      walletBalance: initialMargin({ notional: 120_000, leverage: 10 }),
      maintenanceMarginRate: b.maintMarginRatio,
      maintenanceAmount: b.cum,
    })
    expect(lp).toBeCloseTo((12_000 + 50 - 120_000) / (2 * 0.005 - 2), 9)
  })

  it('should reject notionals above the last cap, negative notionals and malformed tables', () => {
    expect(() => maintenanceMargin({ notional: 2e7, brackets: BTC })).toThrow(/largest leverage bracket/)
    expect(() => maintenanceMargin({ notional: -1, brackets: BTC })).toThrow(ConfigError)
    expect(() => maintenanceMargin({ notional: 1, brackets: [] })).toThrow(ConfigError)
    const bad = [{ ...BTC[0], cum: 'abc' }] as MaintenanceBracketInput[]
    expect(() => maintenanceMargin({ notional: 1, brackets: bad })).toThrow(/brackets\.0\.cum/)
  })
})

describe('initialMargin', () => {
  it('should divide the notional by the leverage', () => {
    expect(initialMargin({ notional: 10_000, leverage: 20 })).toBe(500)
    expect(() => initialMargin({ notional: 10_000, leverage: 0.5 })).toThrow(ConfigError)
    expect(() => initialMargin({ notional: -1, leverage: 2 })).toThrow(/notional/)
  })
})

describeWithShared(
  'maintenanceMargin on every recorded bracket table',
  ['fixtures/binance/leverage_tiers.freqtrade.json'],
  ([file]) => {
    it('should parse every table and stay continuous at every boundary', () => {
      const tiers = JSON.parse(readFileSync(file as string, 'utf8')) as Record<
        string,
        { info: MaintenanceBracketInput }[]
      >
      for (const [symbol, list] of Object.entries(tiers)) {
        const brackets = parseMaintenanceBrackets(list.map((t) => t.info))
        for (const b of brackets.slice(1)) {
          const below = maintenanceMargin({ notional: b.notionalFloor * (1 - 1e-12), brackets })
          const above = maintenanceMargin({ notional: b.notionalFloor * (1 + 1e-12), brackets })
          expect(Math.abs(above - below) / below, symbol).toBeLessThan(1e-9)
        }
      }
    })
  },
)
