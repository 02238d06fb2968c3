import { fixedNotional } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { portfolioBalance } from '../src/pba/portfolio-balance.js'
import { maxLeverage } from '../src/plugins/max-leverage.js'
import { runOn, scripted, seriesOf } from './engine-helpers.js'

describe('portfolioBalance in the engine', () => {
  it('should trim a position that a rally pushed past its asset cap, through the risk chain, once', async () => {
    // 5,000 long at 100 on a 10,000 account (0.5x equity, at the cap); then +30%.
    const closes = [100, 100, 100, 110, 120, 130, 130, 130, 130, 130]
    const { output, events } = await runOn(seriesOf('TESTUSDT', closes), [
      scripted({ buy: [0] }),
      fixedNotional({ notional: 5000 }),
      maxLeverage({ max: 10 }),
      ...portfolioBalance({ maxAssetShare: 0.5, tolerance: 0.1 }),
    ])
    const trims = output.fills.filter((f) => f.tag === 'pba-rebalance')
    expect(trims).toHaveLength(1)
    expect(trims[0]).toMatchObject({ side: 'SELL', price: 130 })
    expect(trims.every((f) => f.reduceOnly)).toBe(true)
    // Each trim was an intent the engine checked like any other before sending it.
    const trimIntents = events.filter(
      (e) => e.type === 'order' && e.order.tag === 'pba-rebalance' && e.order.status === 'NEW',
    )
    expect(trimIntents.length).toBe(trims.length)
    // After the trims the asset is back within its cap plus the tolerance.
    const last = output.equity.equity.at(-1)!
    const held = 50 - trims.reduce((s, f) => s + f.quantity, 0)
    expect(held * 130).toBeLessThanOrEqual(0.5 * last * 1.1)
  })
})
