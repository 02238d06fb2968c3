import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import bundledExchangeInfo from './binance/fapi_v1_exchangeInfo.sample.json' with { type: 'json' }
import { bundledInstruments, parseExchangeInfo, resolveInstruments } from './instruments.js'
import { bundledLeverageBrackets, parseLeverageBrackets } from './leverage-brackets.js'

function thrown(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  return undefined
}

describe('parseExchangeInfo', () => {
  it('should read tick, step, limits and min notional from the bundled sample', () => {
    const bySymbol = new Map(bundledInstruments().map((i) => [i.symbol, i]))
    expect(bySymbol.get('BTCUSDT')).toMatchObject({
      tickSize: 0.1,
      stepSize: 0.001,
      minQty: 0.001,
      maxQty: 1000,
      maxMarketQty: 1000,
      minNotional: 100,
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
    })
    expect(bySymbol.get('ETHUSDT')).toMatchObject({ tickSize: 0.01, stepSize: 0.001, minNotional: 20 })
    expect(bySymbol.get('BNBUSDT')).toMatchObject({
      tickSize: 0.01,
      stepSize: 0.01,
      maxQty: 10000,
      maxMarketQty: 100000,
      minNotional: 5,
    })
  })

  it('should name the bad field by path', () => {
    const bad = structuredClone(bundledExchangeInfo) as { symbols: { filters: Record<string, unknown>[] }[] }
    bad.symbols[0]!.filters[0]!.tickSize = 'abc'
    const error = thrown(() => parseExchangeInfo(bad))
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues).toEqual([
      { path: 'symbols.0.filters.0.tickSize', message: expect.stringContaining('PRICE_FILTER.tickSize') as string },
    ])
  })

  it('should report a missing filter and a malformed document', () => {
    const bad = structuredClone(bundledExchangeInfo) as { symbols: { filters: { filterType: string }[] }[] }
    bad.symbols[1]!.filters = bad.symbols[1]!.filters.filter((f) => f.filterType !== 'LOT_SIZE')
    expect(thrown(() => parseExchangeInfo(bad))).toMatchObject({ issues: [{ path: 'symbols.1.filters' }] })
    expect(thrown(() => parseExchangeInfo({ symbols: 'x' }))).toBeInstanceOf(ConfigError)
  })
})

describe('resolveInstruments', () => {
  it('should add a synthetic instrument without rounding or minimums', () => {
    const map = resolveInstruments(bundledInstruments(), { TESTUSDT: {} })
    expect(map.get('TESTUSDT')).toMatchObject({
      baseAsset: 'TEST',
      tickSize: 0,
      stepSize: 0,
      minQty: 0,
      minNotional: 0,
      maxQty: Number.POSITIVE_INFINITY,
    })
  })

  it('should override fields of a known instrument and keep the rest', () => {
    const map = resolveInstruments(bundledInstruments(), { BTCUSDT: { minNotional: 5, stepSize: 0.0001 } })
    expect(map.get('BTCUSDT')).toMatchObject({ minNotional: 5, stepSize: 0.0001, quantityPrecision: 4, tickSize: 0.1 })
  })

  it('should reject unknown override keys with their path', () => {
    const error = thrown(() => resolveInstruments([], { BTCUSDT: { tick: 1 } as never }))
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues[0]!.path).toBe('instruments.BTCUSDT')
  })
})

describe('parseLeverageBrackets', () => {
  it('should read the bundled ccxt tiers keyed by Binance symbol', () => {
    const table = bundledLeverageBrackets()
    expect(Object.keys(table).sort()).toEqual(['BNBUSDT', 'BTCUSDT', 'ETHUSDT'])
    expect(table.BTCUSDT![1]).toEqual({
      bracket: 2,
      initialLeverage: 100,
      notionalFloor: 50000,
      notionalCap: 600000,
      maintMarginRatio: 0.005,
      cum: 50,
    })
    expect(table.BNBUSDT![0]!.initialLeverage).toBe(75)
  })

  it('should read the Binance leverageBracket array form', () => {
    const raw = [
      {
        symbol: 'XYZUSDT',
        brackets: [
          { bracket: 1, initialLeverage: 20, notionalCap: 5000, notionalFloor: 0, maintMarginRatio: 0.01, cum: 0 },
        ],
      },
    ]
    expect(parseLeverageBrackets(raw).XYZUSDT).toEqual(raw[0]!.brackets)
  })

  it('should reject a bracket with a bad value', () => {
    const raw = [
      {
        symbol: 'XYZUSDT',
        brackets: [{ bracket: 1, initialLeverage: -2, notionalCap: 1, notionalFloor: 0, maintMarginRatio: 0, cum: 0 }],
      },
    ]
    expect(() => parseLeverageBrackets(raw)).toThrow(ConfigError)
  })
})
