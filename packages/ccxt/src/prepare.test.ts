import { bundledInstruments, InvalidOrder } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { clientIds, prepareOrder } from './prepare.js'

const btc = bundledInstruments().find((i) => i.symbol === 'BTCUSDT')!
const bnb = bundledInstruments().find((i) => i.symbol === 'BNBUSDT')!
const ids = () => clientIds(1_700_000_000_000)

describe('prepareOrder', () => {
  it('should truncate quantities, round prices half-up and add a client id (ccxt research table)', () => {
    const o = prepareOrder({
      request: { symbol: 'BNBUSDT', side: 'BUY', type: 'LIMIT', quantity: 1.239, price: 600.005 },
      instrument: bnb,
      lastPrice: 600,
      nextClientId: ids().next,
    })
    expect(o).toMatchObject({ quantity: 1.23, price: 600.01, clientOrderId: 'qt-loyw3v28-1' })
    const stop = prepareOrder({
      request: {
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'STOP_MARKET',
        quantity: 0.0019999,
        triggerPrice: 55_000.05,
        reduceOnly: true,
      },
      instrument: btc,
      lastPrice: 60_000,
      nextClientId: ids().next,
    })
    expect(stop).toMatchObject({ quantity: 0.001, triggerPrice: 55_000.1, reduceOnly: true })
  })

  it('should convert a quote quantity at the last price and keep a caller client id', () => {
    const o = prepareOrder({
      request: { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quoteQuantity: 250, clientOrderId: 'mine-1' },
      instrument: btc,
      lastPrice: 100_000,
      nextClientId: ids().next,
    })
    expect(o).toMatchObject({ quantity: 0.002, clientOrderId: 'mine-1' })
    expect('quoteQuantity' in o).toBe(false)
  })

  it('should refuse below min notional unless reduce-only, and below the step, before sending', () => {
    const request = { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.001 } as const
    expect(() => prepareOrder({ request, instrument: btc, lastPrice: 60_000, nextClientId: ids().next })).toThrow(
      /MIN_NOTIONAL 100/,
    )
    expect(
      prepareOrder({
        request: { ...request, side: 'SELL', reduceOnly: true },
        instrument: btc,
        lastPrice: 60_000,
        nextClientId: ids().next,
      }).quantity,
    ).toBe(0.001)
    expect(() =>
      prepareOrder({
        request: { ...request, quantity: 0.0004 },
        instrument: btc,
        lastPrice: 60_000,
        nextClientId: ids().next,
      }),
    ).toThrow(InvalidOrder)
    expect(() =>
      prepareOrder({
        request: { ...request, quantity: -1 },
        instrument: btc,
        lastPrice: 60_000,
        nextClientId: ids().next,
      }),
    ).toThrow(/quantity/)
  })
})

describe('clientIds', () => {
  it('should give unique ids within Binance limits', () => {
    const gen = clientIds(Date.UTC(2030, 0, 1))
    const all = Array.from({ length: 5000 }, gen.next)
    expect(new Set(all).size).toBe(5000)
    for (const id of all) expect(id.length).toBeLessThanOrEqual(36)
    expect(all[0]).toMatch(/^qt-[0-9a-z]+-1$/)
  })
})
