/**
 * What reconciliation after a restart and funding accounting read back, through real ccxt 4.5.84:
 * `fetchOrders` / `fetchClosedOrders` (`allOrders`), `fetchOpenOrder` (`openOrder`), `editOrders`
 * (`PUT batchOrders`), `fetchFundingHistory` and `fetchLedger` (`income`), `fetchMarginAdjustmentHistory`
 * (`positionMargin/history`).
 */
import { describe, expect, it } from 'vitest'
import { connectCcxt, emulatorWithMarket, errorName, MINUTE, T0, useCcxtEmulator } from '../test/harness.js'

const BTC = 'BTC/USDT:USDT'
const DAY = 86_400_000

describe('order history through ccxt', () => {
  const fx = useCcxtEmulator()

  it('should list every order of the symbol with fetchOrders and the finished ones with fetchClosedOrders', async () => {
    const filled = await fx.ex.createOrder(BTC, 'market', 'buy', 0.002, undefined, { clientOrderId: 'qt-a' })
    const open = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000, { clientOrderId: 'qt-b' })
    const cancelled = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 58000, { clientOrderId: 'qt-c' })
    await fx.ex.cancelOrder(cancelled.id!, BTC)
    const all = await fx.ex.fetchOrders(BTC)
    expect(fx.emu.requests.at(-1)).toMatchObject({ method: 'GET', path: '/fapi/v1/allOrders', status: 200 })
    expect(all.map((o) => [o.id, o.clientOrderId, o.status])).toEqual([
      [filled.id, 'qt-a', 'closed'],
      [open.id, 'qt-b', 'open'],
      [cancelled.id, 'qt-c', 'canceled'],
    ])
    expect(all[0]).toMatchObject({ filled: 0.002, average: 60000, type: 'market', side: 'buy' })
    expect((await fx.ex.fetchClosedOrders(BTC)).map((o) => o.id)).toEqual([filled.id])
    // limit and orderId as Binance reads them: the first `limit` orders from that id on
    const fromId = await fx.ex.fetchOrders(BTC, undefined, 1, { orderId: open.id })
    expect(fromId.map((o) => o.id)).toEqual([open.id])
    expect((await fx.ex.fetchOrders(BTC, undefined, 2)).map((o) => o.id)).toEqual([open.id, cancelled.id])
  })

  it('should list conditional orders with fetchOrders({ trigger: true }) (allAlgoOrders)', async () => {
    await fx.ex.createOrder(BTC, 'market', 'buy', 0.002)
    const stop = await fx.ex.createOrder(BTC, 'market', 'sell', 0.002, undefined, {
      stopLossPrice: 58000,
      reduceOnly: true,
    })
    const algos = await fx.ex.fetchOrders(BTC, undefined, undefined, { trigger: true })
    expect(fx.emu.requests.at(-1)?.path).toBe('/fapi/v1/allAlgoOrders')
    expect(algos.map((o) => [o.id, o.status, o.triggerPrice])).toEqual([[stop.id, 'open', 58000]])
  })

  it('should find an open order with fetchOpenOrder and answer OrderNotFound (-2013) once it is closed', async () => {
    const order = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000, { postOnly: true })
    const found = await fx.ex.fetchOpenOrder(order.id!, BTC)
    expect(fx.emu.requests.at(-1)).toMatchObject({ path: '/fapi/v1/openOrder', status: 200 })
    expect(found).toMatchObject({ id: order.id, status: 'open', timeInForce: 'PO', postOnly: true, price: 59000 })
    await fx.ex.cancelOrder(order.id!, BTC)
    expect(await errorName(fx.ex.fetchOpenOrder(order.id!, BTC))).toBe('OrderNotFound')
    expect(fx.lastCode()).toBe(-2013)
  })

  it('should forget cancelled unfilled orders 3 days after they were created, as Binance does, but keep filled ones', async () => {
    const filled = await fx.ex.createOrder(BTC, 'market', 'buy', 0.002)
    const gone = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 58000)
    await fx.ex.cancelOrder(gone.id!, BTC)
    fx.emu.advance(3 * DAY + MINUTE)
    await fx.ex.loadTimeDifference()
    expect(await errorName(fx.ex.fetchOrder(gone.id!, BTC))).toBe('OrderNotFound')
    expect(fx.lastCode()).toBe(-2013)
    const since = T0 - MINUTE
    expect((await fx.ex.fetchOrders(BTC, since)).map((o) => o.id)).toEqual([filled.id])
    expect(await fx.ex.fetchOrder(filled.id!, BTC)).toMatchObject({ status: 'closed' })
  })

  it('should amend several orders in one editOrders call (PUT batchOrders), one reply per order', async () => {
    const a = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000)
    const b = await fx.ex.createOrder(BTC, 'limit', 'sell', 0.002, 61000)
    // ccxt reads `id` from each entry; its OrderRequest type does not declare it
    type Edits = Parameters<typeof fx.ex.editOrders>[0]
    const edited = await fx.ex.editOrders([
      { id: a.id!, symbol: BTC, type: 'limit', side: 'buy', amount: 0.003, price: 59100 },
      { id: b.id!, symbol: BTC, type: 'limit', side: 'buy', amount: 0.002, price: 61500 },
    ] as unknown as Edits)
    expect(fx.emu.requests.at(-1)).toMatchObject({ method: 'PUT', path: '/fapi/v1/batchOrders', status: 200 })
    expect(edited.map((o) => [o.id, o.side, o.price, o.amount, o.status])).toEqual([
      [a.id, 'buy', 59100, 0.003, 'open'],
      [b.id, 'sell', 61500, 0.002, 'open'], // the side sent is not applied (ccxt's recorded real reply)
    ])
    // a refused entry answers its error in place, the others are applied
    const raw = (await fx.ex.fapiPrivatePutBatchOrders({
      batchOrders: [
        { symbol: 'BTCUSDT', side: 'BUY', orderId: a.id, quantity: '0.003', price: '59100' },
        { symbol: 'BTCUSDT', side: 'SELL', orderId: b.id, quantity: '0.002', price: '61600' },
      ],
    })) as Record<string, unknown>[]
    expect(raw[0]).toEqual({ code: -5027, msg: 'No need to modify the order.' })
    expect(raw[1]).toMatchObject({ orderId: Number(b.id), price: '61600.00', status: 'NEW' })
  })

  it('should raise BadRequest for parameters the history routes do not read or cannot parse', async () => {
    expect(await errorName(fx.ex.fetchOrders(BTC, undefined, undefined, { colour: 'red' }))).toBe('BadRequest')
    expect(fx.lastCode()).toBe(-1104)
    expect(await errorName(fx.ex.fetchOrders(BTC, undefined, undefined, { orderId: 'first' }))).toBe('BadRequest')
    expect(fx.lastCode()).toBe(-1100)
    expect(await errorName(fx.ex.fetchOrders(BTC, T0 - 8 * DAY, undefined, { until: T0 }))).toBe('BadRequest')
    expect(fx.lastCode()).toBe(-1127)
    expect(await errorName(fx.ex.fetchFundingHistory(BTC, undefined, undefined, { incomeType: 'LOTTERY' }))).toBe(
      'BadRequest',
    )
    expect(fx.lastCode()).toBe(-1130)
  })

  it('should cancel several orders in one cancelOrders call (DELETE batchOrders)', async () => {
    const a = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000)
    const b = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 58000)
    const cancelled = await fx.ex.cancelOrders([a.id!, b.id!, '123'], BTC)
    expect(fx.emu.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/fapi/v1/batchOrders', status: 200 })
    expect(cancelled.slice(0, 2).map((o) => [o.id, o.status])).toEqual([
      [a.id, 'canceled'],
      [b.id, 'canceled'],
    ])
    expect(await fx.ex.fetchOpenOrders(BTC)).toEqual([])
  })
})

describe('income and margin history through ccxt', () => {
  it('should give back every funding fee charged, and income that reconciles to the wallet to the cent', async () => {
    const fundingTime = T0 + 8 * 60 * MINUTE
    const emu = await emulatorWithMarket({ funding: { BTCUSDT: { time: [fundingTime], rate: [0.001] } } })
    const ex = await connectCcxt(emu)
    try {
      await ex.createOrder(BTC, 'market', 'buy', 0.01)
      emu.pushBar('BTCUSDT', { openTime: fundingTime, open: 61000, high: 61100, low: 60900, close: 61000 })
      await ex.loadTimeDifference()
      await ex.createOrder(BTC, 'market', 'sell', 0.004, undefined, { reduceOnly: true })
      const funding = await ex.fetchFundingHistory(BTC)
      expect(emu.requests.at(-1)).toMatchObject({ path: '/fapi/v1/income', status: 200 })
      // a long pays 0.001 x 0.01 BTC x the 61000 mark
      expect(funding).toHaveLength(1)
      expect(funding[0]).toMatchObject({ symbol: BTC, code: 'USDT', amount: -0.61, timestamp: fundingTime })
      const rows = (await ex.fapiPrivateGetIncome({ startTime: T0 - MINUTE })) as {
        incomeType: string
        income: string
      }[]
      const byType = (t: string): number =>
        rows.filter((r) => r.incomeType === t).reduce((s, r) => s + Number(r.income), 0)
      expect(rows.map((r) => r.incomeType)).toEqual([
        'TRANSFER',
        'COMMISSION',
        'FUNDING_FEE',
        'REALIZED_PNL',
        'COMMISSION',
      ])
      expect(byType('REALIZED_PNL')).toBeCloseTo(0.004 * 1000, 8)
      expect(byType('COMMISSION')).toBeCloseTo(-(0.01 * 60000 + 0.004 * 61000) * 0.0005, 8)
      const wallet = Number((await ex.fetchBalance()).info.totalWalletBalance)
      const sum = rows.reduce((s, r) => s + Number(r.income), 0)
      expect(Math.round(sum * 100)).toBe(Math.round(wallet * 100))
      expect(emu.engine.ledger().funding).toBeCloseTo(-0.61, 8)
    } finally {
      await ex.close()
      await emu.close()
    }
  })

  it('should record the margin trades move into and out of an ISOLATED position (fetchMarginAdjustmentHistory)', async () => {
    const emu = await emulatorWithMarket({ marginType: 'ISOLATED' })
    const ex = await connectCcxt(emu)
    try {
      await ex.createOrder(BTC, 'market', 'buy', 0.01) // 600 USDT at 20x: 30 USDT isolated margin
      await ex.createOrder(BTC, 'market', 'sell', 0.004, undefined, { reduceOnly: true })
      const history = await ex.fetchMarginAdjustmentHistory(BTC)
      expect(emu.requests.at(-1)).toMatchObject({ path: '/fapi/v1/positionMargin/history', status: 200 })
      expect(history.map((h) => [h.type, h.amount, h.marginMode, (h.info as { deltaType: string }).deltaType])).toEqual(
        [
          ['add', 30, 'isolated', 'TRADE'],
          ['reduce', 12, 'isolated', 'TRADE'],
        ],
      )
      const [position] = await ex.fetchPositions([BTC])
      expect(position).toMatchObject({ marginMode: 'isolated', collateral: 18 })
    } finally {
      await ex.close()
      await emu.close()
    }
  })
})
