/**
 * Position mode (`/fapi/v1/positionSide/dual`) through real ccxt 4.5.84 `setPositionMode` /
 * `fetchPositionMode`: the switch and Binance's refusals; hedge-mode orders are not emulated.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { connectCcxt, emulatorWithMarket, errorName, type Usdm } from '../test/harness.js'
import type { Emulator } from './index.js'

const BTC = 'BTC/USDT:USDT'

describe('emulator position mode through ccxt', () => {
  let emu: Emulator
  let ex: Usdm

  beforeEach(async () => {
    emu = await emulatorWithMarket()
    ex = await connectCcxt(emu)
  })
  afterEach(async () => {
    await ex.close()
    await emu.close()
  })

  const lastCode = (): number | undefined => emu.requests.at(-1)?.code

  it('should switch to hedge mode and back, refusing a switch to the current mode with -4059', async () => {
    expect((await ex.fetchPositionMode(BTC)).hedged).toBe(false)
    expect(await errorName(ex.setPositionMode(false))).toBe('OperationRejected')
    expect(lastCode()).toBe(-4059)
    expect(await ex.setPositionMode(true)).toMatchObject({ code: 200, msg: 'success' })
    expect(emu.requests.at(-1)).toMatchObject({ method: 'POST', path: '/fapi/v1/positionSide/dual' })
    expect((await ex.fetchPositionMode(BTC)).hedged).toBe(true)
    await expect(ex.setPositionMode(true)).rejects.toThrow(/No need to change position side/)
    await ex.setPositionMode(false)
    expect((await ex.fetchPositionMode(BTC)).hedged).toBe(false)
  })

  it('should refuse a mode change with open orders (-4067) or an open position (-4068)', async () => {
    const limit = await ex.createOrder(BTC, 'limit', 'buy', 0.002, 59000)
    expect(await errorName(ex.setPositionMode(true))).toBe('OperationRejected')
    expect(lastCode()).toBe(-4067)
    await ex.cancelOrder(limit.id!, BTC)
    await ex.createOrder(BTC, 'market', 'buy', 0.002)
    expect(await errorName(ex.setPositionMode(true))).toBe('OperationRejected')
    expect(lastCode()).toBe(-4068)
    expect((await ex.fetchPositionMode(BTC)).hedged).toBe(false)
  })

  it('should refuse one-way orders in hedge mode (-4061) and hedge-mode orders as not emulated (-2010)', async () => {
    await ex.setPositionMode(true)
    expect(await errorName(ex.createOrder(BTC, 'market', 'buy', 0.002))).toBe('OperationRejected')
    expect(lastCode()).toBe(-4061)
    expect(await errorName(ex.createOrder(BTC, 'market', 'buy', 0.002, undefined, { hedged: true }))).toBe(
      'InvalidOrder',
    )
    expect(lastCode()).toBe(-2010)
    const stop = ex.createOrder(BTC, 'market', 'sell', 0.002, undefined, { stopLossPrice: 59000 })
    expect(await errorName(stop)).toBe('OperationRejected')
    expect(lastCode()).toBe(-4061)
    await ex.setPositionMode(false)
    const wrongSide = ex.createOrder(BTC, 'market', 'buy', 0.002, undefined, { positionSide: 'LONG' })
    expect(await errorName(wrongSide)).toBe('OperationRejected')
    expect(lastCode()).toBe(-4061)
    expect(emu.state().trades).toBe(0)
  })
})
