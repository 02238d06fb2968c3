/**
 * Every REST call the adapter will make, through real ccxt 4.5.84 (`binanceusdm`, real URLs kept,
 * transport rewritten to the emulator).
 */
import { describe, expect, it } from 'vitest'
import { useCcxtEmulator, MINUTE, T0 } from '../test/harness.js'

const BTC = 'BTC/USDT:USDT'

describe('emulator through ccxt REST', () => {
  const fx = useCcxtEmulator()

  it('should serve the real exchangeInfo so that ccxt parses Binance precision and limits', () => {
    const m = fx.ex.market(BTC)
    expect(m.id).toBe('BTCUSDT')
    expect(m.precision).toMatchObject({ amount: 0.001, price: 0.1 })
    expect(m.limits.amount?.min).toBe(0.001)
    expect(m.limits.cost?.min).toBe(100)
    expect(m.linear && m.swap && m.settle === 'USDT').toBe(true)
    expect(fx.ex.market('BNB/USDT:USDT').precision).toMatchObject({ amount: 0.01, price: 0.01 })
    expect(Object.keys(fx.ex.markets ?? {}).sort()).toEqual(
      ['BNB/USDT:USDT', 'BTC/USDT:USDT', 'ETH/USDT:USDT', 'SOL/USDT:USDT', 'XRP/USDT:USDT'].sort(),
    )
    // fetchCurrencies:false: no sapi call was made, only exchangeInfo and time
    expect(fx.emu.requests.map((r) => r.path)).toEqual(['/fapi/v1/exchangeInfo', '/fapi/v1/time'])
  })

  it('should answer fetchTime with the emulator clock', async () => {
    expect(await fx.ex.fetchTime()).toBe(fx.emu.now())
  })

  it('should serve pushed bars through fetchOHLCV, honouring limit and since', async () => {
    for (let k = 1; k < 5; k++) {
      const c = 60000 + k * 10
      fx.emu.pushBar('BTCUSDT', {
        openTime: T0 + k * MINUTE,
        open: c - 10,
        high: c + 5,
        low: c - 15,
        close: c,
        volume: k,
      })
    }
    const last3 = await fx.ex.fetchOHLCV(BTC, '1m', undefined, 3)
    expect(last3.map((r) => r[0])).toEqual([T0 + 2 * MINUTE, T0 + 3 * MINUTE, T0 + 4 * MINUTE])
    expect(last3[2]).toEqual([T0 + 4 * MINUTE, 60030, 60045, 60025, 60040, 4])
    const since = await fx.ex.fetchOHLCV(BTC, '1m', T0 + MINUTE, 2)
    expect(since.map((r) => r[0])).toEqual([T0 + MINUTE, T0 + 2 * MINUTE])
  })

  it('should answer fetchTicker, fetchOrderBook and fetchFundingRate from the last price', async () => {
    const t = await fx.ex.fetchTicker(BTC)
    expect(t.last).toBe(60000)
    const book = await fx.ex.fetchOrderBook(BTC, 5)
    expect(book.bids[0]?.[0]).toBe(60000)
    expect(book.asks[0]?.[0]).toBe(60000.1)
    expect(book.bids).toHaveLength(5)
    const f = await fx.ex.fetchFundingRate(BTC)
    expect(f.markPrice).toBe(60000)
    expect(f.fundingRate).toBe(0.0001)
    expect(f.fundingTimestamp).toBeGreaterThan(fx.emu.now())
  })

  it('should report the balance and positions after a market order filled at the last price', async () => {
    expect((await fx.ex.fetchBalance()).USDT).toMatchObject({ free: 10000, total: 10000 })
    const order = await fx.ex.createOrder(BTC, 'market', 'buy', 0.0029999)
    expect(order).toMatchObject({ status: 'closed', amount: 0.002, filled: 0.002, average: 60000, side: 'buy' })
    expect(order.clientOrderId).toMatch(/^x-cvBPrNm9/)
    const positions = await fx.ex.fetchPositions([BTC])
    expect(positions).toHaveLength(1)
    expect(positions[0]).toMatchObject({ side: 'long', contracts: 0.002, entryPrice: 60000, marginMode: 'cross' })
    // v3 positionRisk carries no leverage (ccxt's recorded real reply parses to null): read it from symbolConfig
    expect(positions[0]!.leverage).toBeUndefined()
    expect((await fx.ex.fetchLeverage(BTC)).longLeverage).toBe(20)
    const b = (await fx.ex.fetchBalance()).USDT!
    // 120 USDT notional at 20x: 6 USDT margin; taker fee 0.05% = 0.06 USDT
    expect(b.total).toBeCloseTo(10000 - 0.06, 8)
    expect(b.used).toBeCloseTo(6, 8)
  })

  it('should set leverage within the brackets and refuse a second identical margin mode', async () => {
    const r = await fx.ex.setLeverage(10, BTC)
    expect(r).toMatchObject({ leverage: 10, symbol: 'BTCUSDT' })
    const isolated = await fx.ex.setMarginMode('isolated', BTC)
    expect(isolated).toMatchObject({ code: 200 })
    await expect(fx.ex.setMarginMode('isolated', BTC)).rejects.toThrow(/No need to change margin type/)
    const cfg = await fx.ex.fetchLeverage(BTC)
    expect(cfg.longLeverage).toBe(10)
    expect(cfg.marginMode).toBe('isolated')
  })

  it('should rest limit and post-only orders, list them, fetch them and cancel them', async () => {
    const limit = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000.123)
    expect(limit).toMatchObject({ status: 'open', price: 59000.1, type: 'limit' })
    const po = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 58000, { postOnly: true, clientOrderId: 'qt-po-1' })
    expect(po).toMatchObject({ status: 'open', postOnly: true, timeInForce: 'PO', clientOrderId: 'qt-po-1' })
    const open = await fx.ex.fetchOpenOrders(BTC)
    expect(open.map((o) => o.id).sort()).toEqual([limit.id, po.id].sort())
    expect(await fx.ex.fetchOrder(limit.id!, BTC)).toMatchObject({ id: limit.id, status: 'open', amount: 0.002 })
    expect((await fx.ex.fetchOrder('', BTC, { origClientOrderId: 'qt-po-1' })).id).toBe(po.id)
    const cancelled = await fx.ex.cancelOrder(limit.id!, BTC)
    expect(cancelled).toMatchObject({ id: limit.id, status: 'canceled' })
    await fx.ex.cancelAllOrders(BTC)
    expect(await fx.ex.fetchOpenOrders(BTC)).toEqual([])
    expect((await fx.ex.fetchOrder(po.id!, BTC)).status).toBe('canceled')
  })

  it('should fill a resting limit when a pushed bar trades through it, as a maker', async () => {
    const limit = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59500)
    fx.emu.pushBar('BTCUSDT', { openTime: T0 + MINUTE, open: 60000, high: 60010, low: 59400, close: 59600 })
    await fx.ex.loadTimeDifference()
    expect(await fx.ex.fetchOrder(limit.id!, BTC)).toMatchObject({ status: 'closed', filled: 0.002, average: 59500 })
    const trades = await fx.ex.fetchMyTrades(BTC)
    expect(trades).toHaveLength(1)
    expect(trades[0]).toMatchObject({ order: limit.id, price: 59500, amount: 0.002, takerOrMaker: 'maker' })
    expect(trades[0]?.fee?.cost).toBeCloseTo(59500 * 0.002 * 0.0002, 10)
  })

  it('should place reduce-only exits and conditional orders through the algo endpoints', async () => {
    await fx.ex.createOrder(BTC, 'market', 'buy', 0.004)
    const sl = await fx.ex.createOrder(BTC, 'market', 'sell', 0.004, undefined, {
      stopLossPrice: 55000.05,
      reduceOnly: true,
    })
    expect(sl).toMatchObject({ status: 'open', triggerPrice: 55000.1, reduceOnly: true })
    const tp = await fx.ex.createOrder(BTC, 'market', 'sell', 0.004, undefined, {
      takeProfitPrice: 65000,
      reduceOnly: true,
    })
    const stop = await fx.ex.createOrder(BTC, 'STOP_MARKET', 'sell', 0.002, undefined, {
      triggerPrice: 56000,
      reduceOnly: true,
    })
    expect(stop).toMatchObject({ type: 'market', triggerPrice: 56000, info: { orderType: 'STOP_MARKET' } })
    const algos = await fx.ex.fetchOpenOrders(BTC, undefined, undefined, { trigger: true })
    expect(algos.map((o) => o.id).sort()).toEqual([sl.id, tp.id, stop.id].sort())
    expect(await fx.ex.fetchOpenOrders(BTC)).toEqual([]) // algo orders are not regular open orders
    expect(await fx.ex.fetchOrder(tp.id!, BTC, { trigger: true })).toMatchObject({
      id: tp.id,
      status: 'open',
      triggerPrice: 65000,
    })
    expect(await fx.ex.cancelOrder(stop.id!, BTC, { trigger: true })).toMatchObject({ id: stop.id })
    expect((await fx.ex.fetchOrder(stop.id!, BTC, { trigger: true })).status).toBe('canceled')
    // The take-profit triggers on the next bar; the position closes at the trigger price.
    fx.emu.pushBar('BTCUSDT', { openTime: T0 + MINUTE, open: 60000, high: 65100, low: 59950, close: 65050 })
    await fx.ex.loadTimeDifference()
    expect((await fx.ex.fetchOrder(tp.id!, BTC, { trigger: true })).status).toBe('closed')
    expect(await fx.ex.fetchPositions([BTC])).toEqual([])
    const reduce = await fx.ex.createOrder(BTC, 'market', 'buy', 0.002)
    expect(reduce.status).toBe('closed')
    const closeOut = await fx.ex.createOrder(BTC, 'market', 'sell', 0.002, undefined, { reduceOnly: true })
    expect(closeOut).toMatchObject({ status: 'closed', reduceOnly: true })
    await fx.ex.cancelAllOrders(BTC, { trigger: true })
    expect(await fx.ex.fetchOpenOrders(BTC, undefined, undefined, { trigger: true })).toEqual([])
  })

  it('should accept a closePosition stop without quantity and close the whole position', async () => {
    await fx.ex.createOrder(BTC, 'market', 'sell', 0.003)
    const stop = await fx.ex.createOrder(BTC, 'STOP_MARKET', 'buy', undefined as unknown as number, undefined, {
      triggerPrice: 61000,
      closePosition: true,
      workingType: 'MARK_PRICE',
    })
    expect(stop.status).toBe('open')
    fx.emu.pushBar('BTCUSDT', { openTime: T0 + MINUTE, open: 60000, high: 61500, low: 59950, close: 61200 })
    await fx.ex.loadTimeDifference()
    expect(await fx.ex.fetchPositions([BTC])).toEqual([])
    const trades = await fx.ex.fetchMyTrades(BTC)
    expect(trades.map((t) => [t.side, t.price, t.amount])).toEqual([
      ['sell', 60000, 0.003],
      ['buy', 61000, 0.003],
    ])
  })

  it('should liquidate an isolated position at its liquidation price and report the autoclose trade', async () => {
    await fx.ex.setLeverage(100, BTC)
    await fx.ex.createOrder(BTC, 'market', 'buy', 0.01)
    const [before] = await fx.ex.fetchPositions([BTC])
    const liq = before!.liquidationPrice!
    expect(liq).toBeGreaterThan(59000)
    expect(liq).toBeLessThan(60000)
    fx.emu.pushBar('BTCUSDT', { openTime: T0 + MINUTE, open: 60000, high: 60010, low: 59000, close: 59100 })
    await fx.ex.loadTimeDifference()
    expect(await fx.ex.fetchPositions([BTC])).toEqual([])
    const trades = await fx.ex.fetchMyTrades(BTC)
    expect(trades.at(-1)).toMatchObject({ side: 'sell', amount: 0.01 })
    expect(Math.abs(trades.at(-1)!.price! - liq)).toBeLessThan(0.01) // prices are sent with pricePrecision decimals
    const closing = await fx.ex.fetchOrder(trades.at(-1)!.order!, BTC)
    expect(closing.clientOrderId).toMatch(/^autoclose-/)
    // isolated: the wallet loses exactly the position margin (6 USDT) and the opening fee
    expect((await fx.ex.fetchBalance()).USDT?.total).toBeCloseTo(10000 - 6 - 600 * 0.0005, 6)
    // income books the loss, the taker fee and the clearance fee (the margin left) apart, and sums to the wallet
    const rows = (await fx.ex.fapiPrivateGetIncome({ symbol: 'BTCUSDT' })) as { incomeType: string; income: string }[]
    expect(rows.map((r) => r.incomeType)).toEqual(['COMMISSION', 'REALIZED_PNL', 'COMMISSION', 'INSURANCE_CLEAR'])
    const sum = rows.reduce((a, r) => a + Number(r.income), 0)
    expect(sum).toBeCloseTo(-6 - 600 * 0.0005, 6)
  })
})
