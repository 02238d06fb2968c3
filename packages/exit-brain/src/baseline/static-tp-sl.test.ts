import { ConfigError } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { flatBars, runBars, signalOnce, trendBars } from '../pil/test-helpers.js'
import { staticTpSl } from './static-tp-sl.js'

const BUY = signalOnce({ at: 4 }) // fills at 100 on bar 5
const SELL = signalOnce({ at: 4, sell: true })

describe('staticTpSl', () => {
  it('should take profit 5% above a long entry and cancel the stop', async () => {
    const { output, exchange } = await runBars([...flatBars(5, 100), ...trendBars(20, 100, 0.5)], [BUY, staticTpSl()])
    expect(output.trades).toHaveLength(1)
    expect(output.trades[0]).toMatchObject({ side: 'LONG', exitReason: 'take-profit' })
    expect(output.trades[0]!.exitPrice).toBeCloseTo(105, 9)
    expect(exchange.account.getOpenOrders()).toHaveLength(0)
  })

  it('should stop out 2% below a long entry', async () => {
    const { output } = await runBars([...flatBars(5, 100), ...trendBars(20, 100, -0.5)], [BUY, staticTpSl()])
    expect(output.trades[0]).toMatchObject({ exitReason: 'stop' })
    expect(output.trades[0]!.exitPrice).toBeCloseTo(98, 9)
  })

  it('should mirror the levels for a short and honour custom distances', async () => {
    const exit = staticTpSl({ takeProfitPct: 0.03, stopLossPct: 0.01 })
    const { output } = await runBars([...flatBars(5, 100), ...trendBars(20, 100, -0.5)], [SELL, exit])
    expect(output.trades[0]).toMatchObject({ side: 'SHORT', exitReason: 'take-profit' })
    expect(output.trades[0]!.exitPrice).toBeCloseTo(97, 9)
  })

  it('should rest the target as a reduce-only GTC limit order with target: limit', async () => {
    const exit = staticTpSl({ target: 'limit' })
    const working = await runBars([...flatBars(8, 100)], [BUY, exit])
    const target = working.exchange.account.getOpenOrders().find((o) => o.tag === 'take-profit')
    expect(target).toMatchObject({ type: 'LIMIT', price: 105, timeInForce: 'GTC', reduceOnly: true })
    const { output } = await runBars([...flatBars(5, 100), ...trendBars(20, 100, 0.5)], [BUY, exit])
    expect(output.trades[0]).toMatchObject({ exitReason: 'take-profit' })
    expect(output.trades[0]!.exitPrice).toBeCloseTo(105, 9)
  })

  it('should reject bad options with a ConfigError', () => {
    expect(() => staticTpSl({ takeProfitPct: -0.05 })).toThrow(ConfigError)
    expect(() => staticTpSl({ stopLossPct: 1 })).toThrow(ConfigError)
  })
})
