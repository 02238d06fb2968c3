import { describe, expect, it } from 'vitest'
import { InvalidOrder } from '../errors.js'
import type { Instrument } from '../schemas.js'
import { sfc32 } from '../data/sfc32.js'
import { bundledInstruments } from './instruments.js'
import { checkMinNotional, decimalsOf, quantize, roundOrder, roundToTick, truncateToStep } from './precision.js'

function instrument(symbol: string): Instrument {
  const found = bundledInstruments().find((i) => i.symbol === symbol)
  if (found === undefined) throw new Error(`no ${symbol} in the bundled sample`)
  return found
}

const BTC = instrument('BTCUSDT')
const BNB = instrument('BNBUSDT')

function thrown(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  return undefined
}

describe('quantize', () => {
  it.each([
    [60000.06, 0.1, 60000.1],
    [60000.15, 0.1, 60000.2],
    [600.0159, 0.01, 600.02],
    [600.005, 0.01, 600.01],
    [0.1 + 0.2, 0.1, 0.3],
    [1e-7, 1e-8, 1e-7],
  ])('should round the price %s half-up to tick %s as %s', (value, tick, expected) => {
    expect(roundToTick(value, tick)).toBe(expected)
  })

  it.each([
    [0.0019999, 0.001, 0.001],
    [0.0015, 0.001, 0.001],
    [1.239, 0.01, 1.23],
    [0.1 + 0.2, 0.1, 0.3],
    [0.7, 0.1, 0.7],
    [123456.789, 1, 123456],
  ])('should truncate the quantity %s to step %s as %s', (value, step, expected) => {
    expect(truncateToStep(value, step)).toBe(expected)
  })

  it('should leave values unchanged when the step is 0', () => {
    expect(quantize(0.123456789, 0, 'truncate')).toEqual({ value: 0.123456789, exact: true })
    expect(roundToTick(60000.06, 0)).toBe(60000.06)
  })

  it('should say whether a value already was on the grid', () => {
    expect(quantize(60000.1, 0.1, 'half-up').exact).toBe(true)
    expect(quantize(60000.11, 0.1, 'half-up').exact).toBe(false)
  })

  it('should count the decimals of a step', () => {
    expect([decimalsOf(0.001), decimalsOf(0.1), decimalsOf(1), decimalsOf(0), decimalsOf(1e-8)]).toEqual([
      3, 1, 0, 0, 8,
    ])
  })
})

/** The decimal definition of quantize, written out with strings and BigInt (the exact reference). */
function referenceQuantize(
  value: number,
  step: number,
  mode: 'truncate' | 'half-up',
): { value: number; exact: boolean } {
  const scaled = (x: number): [bigint, number] => {
    const [mantissa = '', power = '0'] = String(x).split('e')
    const [whole = '', frac = ''] = mantissa.split('.')
    const exp = frac.length - Number(power)
    const units = BigInt(whole + frac)
    return exp >= 0 ? [units, exp] : [units * 10n ** BigInt(-exp), 0]
  }
  const [vu0, ve] = scaled(value)
  const [su0, se] = scaled(step)
  const exp = Math.max(ve, se)
  const vu = vu0 * 10n ** BigInt(exp - ve)
  const su = su0 * 10n ** BigInt(exp - se)
  let q = vu / su
  const r = vu - q * su
  if (mode === 'half-up' && 2n * r >= su) q += 1n
  return { value: Number(`${(q * su).toString()}e-${exp}`), exact: r === 0n }
}

describe('quantize against its decimal definition', () => {
  it('should give the decimal answer for random values, values on the grid and half-way values', () => {
    const random = sfc32(11)
    const steps = [0.1, 0.01, 0.001, 0.0001, 1e-8, 0.5, 1, 5, 10, 0.25, 0.005, 0.00001]
    let checked = 0
    const wrong: string[] = []
    for (const step of steps) {
      for (let i = 0; i < 2000; i++) {
        const magnitude = 10 ** Math.floor(random() * 8 - 3)
        const onGrid = Number(`${Math.floor(random() * 1e6)}e0`) * step
        const candidates = [random() * magnitude, onGrid, onGrid + step / 2, Number((random() * 1000).toFixed(3))]
        for (const value of candidates) {
          for (const mode of ['truncate', 'half-up'] as const) {
            const got = quantize(value, step, mode)
            const want = referenceQuantize(value, step, mode)
            if (got.value !== want.value || got.exact !== want.exact) wrong.push(`${value} ${step} ${mode}`)
            checked++
          }
        }
      }
    }
    expect(wrong).toEqual([])
    expect(checked).toBe(steps.length * 2000 * 8)
  })
})

describe('roundOrder', () => {
  it('should truncate quantities and round prices, reporting each change', () => {
    const r = roundOrder(BNB, { type: 'LIMIT', quantity: 1.239, price: 600.005 })
    expect(r.quantity).toBe(1.23)
    expect(r.price).toBe(600.01)
    expect(r.adjustments).toEqual([
      { field: 'quantity', from: 1.239, to: 1.23 },
      { field: 'price', from: 600.005, to: 600.01 },
    ])
  })

  it('should round trigger prices like prices', () => {
    const r = roundOrder(BTC, { type: 'STOP_MARKET', quantity: 0.002, triggerPrice: 60000.15 })
    expect(r.triggerPrice).toBe(60000.2)
    expect(r.adjustments).toEqual([{ field: 'triggerPrice', from: 60000.15, to: 60000.2 }])
  })

  it('should reject a quantity that truncates to 0, naming symbol and field', () => {
    const error = thrown(() => roundOrder(BNB, { type: 'MARKET', quantity: 0.005 }))
    expect(error).toBeInstanceOf(InvalidOrder)
    expect(error).toMatchObject({ symbol: 'BNBUSDT', field: 'quantity' })
  })

  it('should reject quantities below minQty and above the market maxQty', () => {
    const custom: Instrument = { ...BTC, minQty: 0.01, maxMarketQty: 5 }
    expect(() => roundOrder(custom, { type: 'LIMIT', quantity: 0.005, price: 1 })).toThrow(/below minQty 0.01/)
    expect(() => roundOrder(custom, { type: 'MARKET', quantity: 6 })).toThrow(/MARKET_LOT_SIZE maxQty 5/)
    expect(roundOrder(custom, { type: 'LIMIT', quantity: 6, price: 1 }).quantity).toBe(6)
  })

  it('should reject off-precision values in strict mode instead of rounding', () => {
    const error = thrown(() => roundOrder(BTC, { type: 'LIMIT', quantity: 0.001, price: 60000.06 }, { strict: true }))
    expect(error).toBeInstanceOf(InvalidOrder)
    expect(error).toMatchObject({ field: 'price' })
    expect(roundOrder(BTC, { type: 'LIMIT', quantity: 0.001, price: 60000.1 }, { strict: true }).adjustments).toEqual(
      [],
    )
  })
})

describe('checkMinNotional', () => {
  it('should reject a BTCUSDT order below the bundled MIN_NOTIONAL of 100', () => {
    expect(BTC.minNotional).toBe(100)
    const error = thrown(() => checkMinNotional(BTC, { notional: 60, reduceOnly: false }))
    expect(error).toBeInstanceOf(InvalidOrder)
    expect(error).toMatchObject({ symbol: 'BTCUSDT', field: 'quantity' })
    expect(String(error)).toMatch(/MIN_NOTIONAL 100/)
  })

  it('should exempt reduce-only orders and accept orders at the minimum', () => {
    expect(() => checkMinNotional(BTC, { notional: 60, reduceOnly: true })).not.toThrow()
    expect(() => checkMinNotional(BTC, { notional: 100, reduceOnly: false })).not.toThrow()
  })
})
