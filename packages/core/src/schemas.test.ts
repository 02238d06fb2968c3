import { describe, expect, it } from 'vitest'
import { bundledInstruments, resolveInstruments } from './exchange/instruments.js'
import { InstrumentSchema, OrderRequestSchema } from './schemas.js'

describe('InstrumentSchema', () => {
  it('should accept the bundled instruments and synthetic ones with unlimited quantities', () => {
    for (const i of bundledInstruments()) expect(InstrumentSchema.safeParse(i).success).toBe(true)
    const synthetic = resolveInstruments([], { TESTUSDT: {} }).get('TESTUSDT')
    expect(synthetic?.maxQty).toBe(Number.POSITIVE_INFINITY)
    expect(InstrumentSchema.safeParse(synthetic).success).toBe(true)
  })

  it('should refuse a negative tick size, naming the field', () => {
    const bad = { ...bundledInstruments()[0], tickSize: -1 }
    const r = InstrumentSchema.safeParse(bad)
    expect(r.success).toBe(false)
    expect(r.error?.issues[0]?.path).toEqual(['tickSize'])
  })
})

describe('OrderRequestSchema', () => {
  it('should require exactly one of quantity or quoteQuantity', () => {
    expect(OrderRequestSchema.safeParse({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET' }).success).toBe(false)
    expect(OrderRequestSchema.safeParse({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 1 }).success).toBe(
      true,
    )
  })
})
