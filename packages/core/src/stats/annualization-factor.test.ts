import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import { annualizationFactor } from './annualization-factor.js'
import { annualVolatility } from './annual-volatility.js'
import { sharpeRatio } from './sharpe-ratio.js'

describe('annualizationFactor', () => {
  it('should map periods to 252/52/12/4/1 and prefer an explicit annualization', () => {
    expect(annualizationFactor()).toBe(252)
    expect(annualizationFactor({ period: 'weekly' })).toBe(52)
    expect(annualizationFactor({ period: 'monthly' })).toBe(12)
    expect(annualizationFactor({ period: 'monthly', annualization: 8760 })).toBe(8760)
  })

  it('should scale statistics with the factor', () => {
    const r = [0.01, -0.02, 0.03, 0.0]
    expect(annualVolatility(r, { period: 'weekly' }) / annualVolatility(r)).toBeCloseTo(Math.sqrt(52 / 252), 14)
    expect(sharpeRatio(r, { period: 'monthly' }) / sharpeRatio(r)).toBeCloseTo(Math.sqrt(12 / 252), 14)
  })

  it('should reject an unknown period or a bad annualization', () => {
    expect(() => annualizationFactor({ period: 'hourly' as 'daily' })).toThrow(ConfigError)
    expect(() => annualizationFactor({ annualization: 0 })).toThrow(ConfigError)
  })

  it('should reject a benchmark series of another length', () => {
    expect(() => sharpeRatio([0.1, 0.2], { riskFree: [0.1] })).toThrow(/riskFree/)
  })
})
