import { ExchangeError } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { fromCcxtBalance, fromCcxtPosition, fromCcxtTrade } from './replies.js'
import { offlineUsdm } from './test-markets.js'

const ex = offlineUsdm()
const btc = ex.market('BTC/USDT:USDT')

const positionRisk = {
  symbol: 'BTCUSDT',
  positionSide: 'BOTH',
  positionAmt: '-0.010',
  entryPrice: '60000.0',
  breakEvenPrice: '60024.0',
  markPrice: '59000.0',
  unRealizedProfit: '10.0',
  liquidationPrice: '65000',
  isolatedMargin: '0',
  notional: '-590',
  marginAsset: 'USDT',
  isolatedWallet: '0',
  initialMargin: '59',
  maintMargin: '2.36',
  positionInitialMargin: '59',
  openOrderInitialMargin: '0',
  adl: 1,
  bidNotional: '0',
  askNotional: '0',
  updateTime: 1_700_000_000_000,
}

describe('fromCcxtPosition', () => {
  it('should map a short from positionRisk as ccxt parses it', () => {
    const parsed = ex.parsePositionRisk(positionRisk, btc)
    expect(fromCcxtPosition(parsed, { leverage: 10, now: 5 })).toMatchObject({
      symbol: 'BTCUSDT',
      side: 'SHORT',
      quantity: 0.01,
      entryPrice: 60_000,
      markPrice: 59_000,
      unrealizedPnl: 10,
      liquidationPrice: 65_000,
      openedAt: 1_700_000_000_000,
    })
  })

  it('should map a zero amount to FLAT and refuse a reply without positionAmt', () => {
    const flat = ex.parsePositionRisk({ ...positionRisk, positionAmt: '0.000', notional: '0' }, btc)
    expect(fromCcxtPosition(flat, { leverage: 10, now: 5 })).toMatchObject({ side: 'FLAT', quantity: 0, entryPrice: 0 })
    expect(() => fromCcxtPosition({ info: { symbol: 'BTCUSDT' } }, { leverage: 10, now: 5 })).toThrow(
      /info\.positionAmt/,
    )
  })
})

describe('fromCcxtBalance', () => {
  it('should read wallet, available and equity from the v3 account reply', () => {
    const info = { totalWalletBalance: '1000.5', availableBalance: '900.25', totalMarginBalance: '1010.75', assets: [] }
    expect(fromCcxtBalance({ info, USDT: { free: 900.25 } })).toEqual({
      asset: 'USDT',
      wallet: 1000.5,
      available: 900.25,
      equity: 1010.75,
    })
    expect(() => fromCcxtBalance({ info: { totalWalletBalance: 'lots' } })).toThrow(ExchangeError)
  })
})

describe('fromCcxtTrade', () => {
  it('should map an ORDER_TRADE_UPDATE fill (ccxt.pro parseWsTrade)', () => {
    const o = {
      s: 'BTCUSDT',
      c: 'qt-1',
      S: 'SELL',
      o: 'STOP_MARKET',
      f: 'GTC',
      q: '0.002',
      p: '0',
      ap: '59000.0',
      sp: '59000.0',
      x: 'TRADE',
      X: 'FILLED',
      i: 123,
      l: '0.002',
      z: '0.002',
      L: '59000.0',
      N: 'USDT',
      n: '0.059',
      T: 1_700_000_000_099,
      t: 9001,
      b: '0',
      a: '0',
      m: false,
      R: true,
      wt: 'CONTRACT_PRICE',
      ot: 'STOP_MARKET',
      ps: 'BOTH',
      cp: false,
      rp: '-2.0',
    }
    const fill = fromCcxtTrade(ex.parseWsTrade(o), { tag: 'stop' })
    expect(fill).toEqual({
      id: '9001',
      orderId: '123',
      clientOrderId: 'qt-1',
      symbol: 'BTCUSDT',
      side: 'SELL',
      price: 59_000,
      quantity: 0.002,
      fee: 0.059,
      liquidity: 'taker',
      realizedPnl: -2,
      time: 1_700_000_000_099,
      reduceOnly: true,
      tag: 'stop',
    })
  })

  it('should map a REST userTrades row, rebate included', () => {
    const row = {
      symbol: 'BTCUSDT',
      id: 698759,
      orderId: 25851813,
      side: 'SELL',
      price: '7819.01',
      qty: '0.002',
      realizedPnl: '-0.91539999',
      quoteQty: '15.63802',
      commission: '-0.07819010',
      commissionAsset: 'USDT',
      time: 1_569_514_978_020,
      positionSide: 'BOTH',
      maker: true,
      buyer: false,
    }
    expect(fromCcxtTrade(ex.parseTrade(row, btc))).toMatchObject({
      id: '698759',
      orderId: '25851813',
      symbol: 'BTCUSDT',
      price: 7819.01,
      quantity: 0.002,
      fee: -0.0781901,
      liquidity: 'maker',
      realizedPnl: -0.91539999,
    })
  })

  it('should refuse a trade without a price or symbol', () => {
    expect(() =>
      fromCcxtTrade({ id: 1, order: 2, timestamp: 3, side: 'buy', amount: 1, info: { s: 'BTCUSDT' } }),
    ).toThrow(/price/)
    expect(() => fromCcxtTrade({ id: 1, order: 2, timestamp: 3, side: 'buy', price: 1, amount: 1, info: {} })).toThrow(
      /info\.symbol/,
    )
  })
})
