import { bundledInstruments } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { BinanceApiError } from '../http/api-error.js'
import { checkNewAlgo } from './algo-rules.js'
import { checkNewOrder, type RuleContext } from './order-rules.js'

const xrp = bundledInstruments().find((i) => i.symbol === 'XRPUSDT')!
const ctx: RuleContext = { instrument: xrp, lastPrice: 2, position: 0, dualSidePosition: false }
const params = (o: Record<string, string>): Map<string, string> =>
  new Map(Object.entries({ symbol: 'XRPUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', ...o }))
const code = (run: () => unknown): number | undefined => {
  try {
    run()
  } catch (e) {
    if (e instanceof BinanceApiError) return e.code
    throw e
  }
  return undefined
}

describe('checkNewOrder', () => {
  it('should accept quantities and prices on the grid in exact decimal arithmetic', () => {
    // 0.3 / 0.1 is 2.9999999999999996 in floating point
    expect(checkNewOrder(params({ quantity: '3.3', price: '1.9003' }), ctx)).toMatchObject({
      quantity: 3.3,
      price: 1.9003,
    })
  })

  it("should answer Binance's code for each broken rule", () => {
    expect(code(() => checkNewOrder(params({ quantity: '3.33', price: '1.9' }), ctx))).toBe(-1111)
    expect(code(() => checkNewOrder(params({ quantity: '3', price: '1.90005' }), ctx))).toBe(-1111)
    expect(code(() => checkNewOrder(params({ quantity: '2', price: '1' }), ctx))).toBe(-4164) // 2 USDT < 5
    expect(code(() => checkNewOrder(params({ quantity: '10', price: '2.0001', timeInForce: 'GTX' }), ctx))).toBe(-5022)
    expect(
      code(() => checkNewOrder(params({ quantity: '10', price: '2', side: 'SELL', timeInForce: 'GTX' }), ctx)),
    ).toBe(-5022)
    expect(code(() => checkNewOrder(params({ quantity: '10', price: '1.9', reduceOnly: 'true' }), ctx))).toBe(-2022)
    expect(
      code(() => checkNewOrder(params({ quantity: '10', price: '1.9', newClientOrderId: 'x'.repeat(37) }), ctx)),
    ).toBe(-4015)
    expect(code(() => checkNewOrder(params({ price: '1.9' }), ctx))).toBe(-1102)
    expect(code(() => checkNewOrder(params({ quantity: '10', type: 'TAKE_PROFIT_MARKET' }), ctx))).toBe(-4120)
  })
})

describe('checkNewAlgo', () => {
  const algo = (o: Record<string, string>): Map<string, string> =>
    new Map(Object.entries({ symbol: 'XRPUSDT', algoType: 'CONDITIONAL', quantity: '10', ...o }))

  it('should refuse a trigger that would fire at once, per side and type', () => {
    expect(code(() => checkNewAlgo(algo({ side: 'SELL', type: 'STOP_MARKET', triggerPrice: '2' }), ctx))).toBe(-2021)
    expect(code(() => checkNewAlgo(algo({ side: 'BUY', type: 'STOP_MARKET', triggerPrice: '1.99' }), ctx))).toBe(-2021)
    expect(code(() => checkNewAlgo(algo({ side: 'SELL', type: 'TAKE_PROFIT_MARKET', triggerPrice: '1.9' }), ctx))).toBe(
      -2021,
    )
    expect(checkNewAlgo(algo({ side: 'SELL', type: 'STOP_MARKET', triggerPrice: '1.9' }), ctx).triggerPrice).toBe(1.9)
  })

  it('should take closePosition without a quantity and refuse it with one', () => {
    const close = new Map(
      Object.entries({
        symbol: 'XRPUSDT',
        algoType: 'CONDITIONAL',
        side: 'SELL',
        type: 'STOP_MARKET',
        triggerPrice: '1.5',
        closePosition: 'true',
      }),
    )
    expect(checkNewAlgo(close, ctx)).toMatchObject({ closePosition: true, quantity: 0 })
    expect(code(() => checkNewAlgo(new Map([...close, ['quantity', '10']]), ctx))).toBe(-1128)
  })
})
