/**
 * Conditional order types beyond STOP_MARKET / TAKE_PROFIT_MARKET, placed through real ccxt 4.5.84
 * `createOrder` (which sends them to `POST /fapi/v1/algoOrder`): STOP and TAKE_PROFIT (a limit order
 * once triggered) and TRAILING_STOP_MARKET (`callbackRate`, optional `activatePrice`).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { useCcxtEmulator, errorName, MINUTE, T0 } from '../test/harness.js'
import type { EmulatorBar } from './index.js'

const BTC = 'BTC/USDT:USDT'

interface CachedOrder {
  readonly id: string
  readonly status: string
  readonly info: { readonly X?: string; readonly o?: string }
}

describe('emulator limit and trailing stops through ccxt', () => {
  const fx = useCcxtEmulator()
  let minute = 0
  beforeEach(() => {
    minute = 0
  })

  /** Pushes the next 1m BTC bar and resyncs ccxt's clock. */
  const bar = async (b: Omit<EmulatorBar, 'openTime'>): Promise<void> => {
    fx.emu.pushBar('BTCUSDT', { openTime: T0 + ++minute * MINUTE, ...b })
    await fx.ex.loadTimeDifference()
  }
  const cached = (id: string): CachedOrder | undefined =>
    (fx.ex.orders as unknown as CachedOrder[]).find((o) => o.id === id)

  it('should trigger a STOP into a resting limit at its price, then finish it when the limit fills', async () => {
    await fx.ex.createOrder(BTC, 'market', 'buy', 0.004)
    void fx.ex.watchOrders(BTC)
    await vi.waitFor(() => expect(fx.emu.state().sockets.private).toBe(1))
    const stop = await fx.ex.createOrder(BTC, 'limit', 'sell', 0.004, 58900, {
      stopLossPrice: 59000,
      reduceOnly: true,
      clientOrderId: 'qt-stop-1',
    })
    expect(fx.emu.requests.at(-1)?.path).toBe('/fapi/v1/algoOrder')
    expect(stop).toMatchObject({ type: 'limit', status: 'open', price: 58900, triggerPrice: 59000, reduceOnly: true })
    expect(stop.info).toMatchObject({ orderType: 'STOP', timeInForce: 'GTC' })
    await vi.waitFor(() => expect(cached(stop.id!)?.info.X).toBe('NEW'))
    // the bar reaches the trigger and closes under the limit: the limit sell rests at 58900
    await bar({ open: 60000, high: 60000, low: 58800, close: 58850 })
    expect((await fx.ex.fetchOrder(stop.id!, BTC, { trigger: true })).info).toMatchObject({ algoStatus: 'TRIGGERED' })
    const [limit] = await fx.ex.fetchOpenOrders(BTC)
    expect(limit).toMatchObject({
      type: 'limit',
      side: 'sell',
      price: 58900,
      amount: 0.004,
      clientOrderId: 'qt-stop-1',
    })
    expect(limit?.info).toMatchObject({ origType: 'STOP', stopPrice: '59000.00' })
    await vi.waitFor(() => expect(cached(stop.id!)?.info.X).toBe('TRIGGERED'))
    expect(await fx.ex.fetchPositions([BTC])).toHaveLength(1)
    // the next bar trades through 58900: filled as a maker at the limit price, the algo order FINISHED
    await bar({ open: 58850, high: 58950, low: 58800, close: 58900 })
    expect(await fx.ex.fetchPositions([BTC])).toEqual([])
    expect((await fx.ex.fetchMyTrades(BTC)).at(-1)).toMatchObject({ side: 'sell', price: 58900, takerOrMaker: 'maker' })
    expect((await fx.ex.fetchOrder(stop.id!, BTC, { trigger: true })).info).toMatchObject({ algoStatus: 'FINISHED' })
    await vi.waitFor(() => expect(cached(stop.id!)?.info.X).toBe('FINISHED'))
  })

  it('should execute a triggered TAKE_PROFIT limit at once when its price crosses the market', async () => {
    await fx.ex.createOrder(BTC, 'market', 'buy', 0.004)
    const tp = await fx.ex.createOrder(BTC, 'limit', 'sell', 0.004, 61000, { takeProfitPrice: 61000, reduceOnly: true })
    expect(tp.info).toMatchObject({ orderType: 'TAKE_PROFIT', price: '61000.00', triggerPrice: '61000.00' })
    await bar({ open: 60000, high: 61200, low: 59950, close: 61150 })
    // triggered after the bar: the limit sell at 61000 is marketable at the close, a taker fill there
    expect((await fx.ex.fetchMyTrades(BTC)).at(-1)).toMatchObject({ side: 'sell', price: 61150, takerOrMaker: 'taker' })
    expect(await fx.ex.fetchPositions([BTC])).toEqual([])
  })

  it('should refuse a STOP limit that would trigger at once (-2021) and one without price', async () => {
    const p = fx.ex.createOrder(BTC, 'limit', 'sell', 0.004, 60500, { stopLossPrice: 60500 })
    expect(await errorName(p)).toBe('OrderImmediatelyFillable')
    expect(fx.lastCode()).toBe(-2021)
    const raw = fx.ex.fapiPrivatePostAlgoOrder({
      algoType: 'CONDITIONAL',
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP',
      quantity: '0.004',
      triggerPrice: '59000',
    })
    expect(await errorName(raw)).toBe('BadRequest')
    expect(fx.lastCode()).toBe(-1102)
  })

  it('should activate a trailing stop at activatePrice, follow the high and fire on a 1 % retracement', async () => {
    await fx.ex.createOrder(BTC, 'market', 'buy', 0.004)
    const trail = await fx.ex.createOrder(BTC, 'market', 'sell', 0.004, undefined, {
      trailingPercent: 1,
      activatePrice: '61000',
      reduceOnly: true,
    })
    expect(trail).toMatchObject({ type: 'market', status: 'open', reduceOnly: true })
    expect(trail.info).toMatchObject({
      orderType: 'TRAILING_STOP_MARKET',
      callbackRate: '1',
      activatePrice: '61000.00',
    })
    // not active yet: below 61000 the stop does not follow (active from 60800 it would sit at 60192 and fire)
    await bar({ open: 60000, high: 60800, low: 59950, close: 60700 })
    await bar({ open: 60700, high: 60750, low: 60150, close: 60700 })
    expect(await fx.ex.fetchPositions([BTC])).toHaveLength(1)
    // active from 61500: stop at 60885, not reached
    await bar({ open: 60800, high: 61500, low: 60800, close: 61400 })
    // the stop follows the new high 61600 to 60984 (the old 60885 would not have been reached anyway)
    await bar({ open: 61400, high: 61600, low: 61000, close: 61100 })
    expect(await fx.ex.fetchOpenOrders(BTC, undefined, undefined, { trigger: true })).toHaveLength(1)
    await bar({ open: 61100, high: 61150, low: 60900, close: 60950 })
    expect(await fx.ex.fetchPositions([BTC])).toEqual([])
    expect((await fx.ex.fetchMyTrades(BTC)).at(-1)).toMatchObject({ side: 'sell', price: 60984, amount: 0.004 })
    const done = await fx.ex.fetchOrder(trail.id!, BTC, { trigger: true })
    expect(done.status).toBe('closed')
    expect(done.info).toMatchObject({ algoStatus: 'FINISHED', actualPrice: '60984.00' })
  })

  it('should start a trailing stop without activatePrice from the last price (BUY side for a short)', async () => {
    await fx.ex.createOrder(BTC, 'market', 'sell', 0.004)
    await fx.ex.createOrder(BTC, 'market', 'buy', 0.004, undefined, { trailingPercent: 2, reduceOnly: true })
    // best 60000 -> stop 61200; the bar's low 59500 moves it to 60690 after the bar
    await bar({ open: 60000, high: 60100, low: 59500, close: 60000 })
    expect(await fx.ex.fetchPositions([BTC])).toHaveLength(1)
    await bar({ open: 60000, high: 60800, low: 59900, close: 60700 })
    expect((await fx.ex.fetchMyTrades(BTC)).at(-1)).toMatchObject({ side: 'buy', price: 60690 })
    expect(await fx.ex.fetchPositions([BTC])).toEqual([])
  })

  it('should refuse a callbackRate outside 0.1-10 % with -1130 and a closePosition trailing stop with -4136', async () => {
    await fx.ex.createOrder(BTC, 'market', 'buy', 0.004)
    for (const rate of [11, 0.05]) {
      const p = fx.ex.createOrder(BTC, 'market', 'sell', 0.004, undefined, { trailingPercent: rate, reduceOnly: true })
      expect(await errorName(p)).toBe('BadRequest')
      expect(fx.lastCode()).toBe(-1130)
    }
    const close = fx.ex.createOrder(BTC, 'TRAILING_STOP_MARKET', 'sell', undefined as unknown as number, undefined, {
      trailingPercent: 1,
      closePosition: true,
    })
    expect(await errorName(close)).toBe('InvalidOrder')
    expect(fx.lastCode()).toBe(-4136)
    expect(fx.emu.state().openAlgoOrders).toEqual([])
  })
})
