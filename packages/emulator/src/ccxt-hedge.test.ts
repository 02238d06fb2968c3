/**
 * Position mode (`/fapi/v1/positionSide/dual`) through real ccxt 4.5.84 `setPositionMode` /
 * `fetchPositionMode`: the switch and Binance's refusals; hedge-mode orders are not emulated.
 */
import { describe, expect, it } from 'vitest'
import { useCcxtEmulator, errorName } from '../test/harness.js'

const BTC = 'BTC/USDT:USDT'

describe('emulator position mode through ccxt', () => {
  const fx = useCcxtEmulator()

  it('should switch to hedge mode and back, refusing a switch to the current mode with -4059', async () => {
    expect((await fx.ex.fetchPositionMode(BTC)).hedged).toBe(false)
    expect(await errorName(fx.ex.setPositionMode(false))).toBe('OperationRejected')
    expect(fx.lastCode()).toBe(-4059)
    expect(await fx.ex.setPositionMode(true)).toMatchObject({ code: 200, msg: 'success' })
    expect(fx.emu.requests.at(-1)).toMatchObject({ method: 'POST', path: '/fapi/v1/positionSide/dual' })
    expect((await fx.ex.fetchPositionMode(BTC)).hedged).toBe(true)
    await expect(fx.ex.setPositionMode(true)).rejects.toThrow(/No need to change position side/)
    await fx.ex.setPositionMode(false)
    expect((await fx.ex.fetchPositionMode(BTC)).hedged).toBe(false)
  })

  it('should refuse a mode change with open orders (-4067) or an open position (-4068)', async () => {
    const limit = await fx.ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000)
    expect(await errorName(fx.ex.setPositionMode(true))).toBe('OperationRejected')
    expect(fx.lastCode()).toBe(-4067)
    await fx.ex.cancelOrder(limit.id!, BTC)
    await fx.ex.createOrder(BTC, 'market', 'buy', 0.002)
    expect(await errorName(fx.ex.setPositionMode(true))).toBe('OperationRejected')
    expect(fx.lastCode()).toBe(-4068)
    expect((await fx.ex.fetchPositionMode(BTC)).hedged).toBe(false)
  })

  it('should refuse one-way orders in hedge mode (-4061) and hedge-mode orders as not emulated (-2010)', async () => {
    await fx.ex.setPositionMode(true)
    expect(await errorName(fx.ex.createOrder(BTC, 'market', 'buy', 0.002))).toBe('OperationRejected')
    expect(fx.lastCode()).toBe(-4061)
    expect(await errorName(fx.ex.createOrder(BTC, 'market', 'buy', 0.002, undefined, { hedged: true }))).toBe(
      'InvalidOrder',
    )
    expect(fx.lastCode()).toBe(-2010)
    const stop = fx.ex.createOrder(BTC, 'market', 'sell', 0.002, undefined, { stopLossPrice: 59000 })
    expect(await errorName(stop)).toBe('OperationRejected')
    expect(fx.lastCode()).toBe(-4061)
    await fx.ex.setPositionMode(false)
    const wrongSide = fx.ex.createOrder(BTC, 'market', 'buy', 0.002, undefined, { positionSide: 'LONG' })
    expect(await errorName(wrongSide)).toBe('OperationRejected')
    expect(fx.lastCode()).toBe(-4061)
    expect(fx.emu.state().trades).toBe(0)
  })
})
