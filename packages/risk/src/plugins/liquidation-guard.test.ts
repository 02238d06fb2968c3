import { ConfigError, fixedNotional } from '@quantum/core'
import type { MarketBar } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { runOn, scripted, seriesOf } from '../../test/engine-helpers.js'
import { fakeContext, market } from '../../test/fake-context.js'
import { liquidationGuard } from './liquidation-guard.js'
import { stopLossFloor } from './stop-loss-floor.js'

const bar = (symbol: string, i: number, h: number, l: number): MarketBar => ({
  symbol,
  index: i,
  openTime: i * 3_600_000,
  open: (h + l) / 2,
  high: h,
  low: l,
  close: (h + l) / 2,
  volume: 1,
})

describe('liquidationGuard', () => {
  it('should reject a missing stop, a negative margin or unknown keys', () => {
    expect(() => liquidationGuard({} as never)).toThrow(ConfigError)
    expect(() => liquidationGuard({ stop: { pct: 0.02 }, margin: -1 })).toThrow(ConfigError)
    expect(() => liquidationGuard({ stop: { pct: 0.02 }, limit: 1 } as never)).toThrow(ConfigError)
  })

  it('should approve a 25x long whose liquidation lies far enough beyond a 2% stop', () => {
    const ctx = fakeContext()
    ctx.setPrice('BTCUSDT', 60_000)
    // 25x, MMR 0.4%: liquidation 60000·0.96/0.996 ≈ 57,831 (3.6% away) beyond 2%·1.5 = 3%.
    const guard = liquidationGuard({ stop: { pct: 0.02 }, margin: 0.5 })
    expect(guard.check(market('BTCUSDT', 'BUY', { quantity: 0.01 }, { leverage: 25 }), ctx).action).toBe('approve')
  })

  it('should lower the leverage to the largest safe whole leverage when the liquidation lies inside the margin', () => {
    const ctx = fakeContext()
    ctx.setPrice('BTCUSDT', 60_000)
    // A 3% stop needs the liquidation 4.5% away: 21x gives 4.38%, 20x gives 4.62%.
    const guard = liquidationGuard({ stop: { pct: 0.03 }, margin: 0.5 })
    const verdict = guard.check(market('BTCUSDT', 'BUY', { quantity: 0.01 }, { leverage: 25 }), ctx)
    expect(verdict).toMatchObject({ action: 'resize', leverage: 20 })
    const short = guard.check(market('BTCUSDT', 'SELL', { quantity: 0.01 }, { leverage: 25 }), ctx)
    expect(short).toMatchObject({ action: 'resize' })
    expect((short as { leverage: number }).leverage).toBeLessThan(25)
  })

  it('should deny instead of resizing with action deny, or when no leverage is safe', () => {
    const ctx = fakeContext()
    ctx.setPrice('BTCUSDT', 60_000)
    const deny = liquidationGuard({ stop: { pct: 0.03 }, action: 'deny' })
    expect(deny.check(market('BTCUSDT', 'BUY', { quantity: 0.01 }, { leverage: 25 }), ctx).action).toBe('deny')
    // A short at 1x is liquidated near +99%: a 60% stop with margin 1 needs 120%.
    const wide = liquidationGuard({ stop: { pct: 0.6 }, margin: 1 })
    expect(wide.check(market('BTCUSDT', 'SELL', { quantity: 0.01 }, { leverage: 2 }), ctx)).toMatchObject({
      action: 'deny',
      reason: expect.stringContaining('no leverage down to 1x is safe') as unknown,
    })
  })

  it('should judge ATR stops from the bars it has seen and pass entries before the ATR is known', () => {
    const ctx = fakeContext()
    ctx.setPrice('ETHUSDT', 3000)
    const guard = liquidationGuard({ stop: { atr: { period: 3, multiple: 2 } }, margin: 0.5 })
    const intent = market('ETHUSDT', 'BUY', { quantity: 0.1 }, { leverage: 25 })
    expect(guard.check(intent, ctx).action).toBe('approve')
    // True ranges of 60 (2%): a 2-ATR stop is 4% away, so the liquidation must lie 6% away (≤ 15x).
    for (let i = 0; i < 5; i++) guard.onBar!(bar('ETHUSDT', i, 3030, 2970), ctx)
    const verdict = guard.check(intent, ctx)
    expect(verdict).toMatchObject({ action: 'resize' })
    expect((verdict as { leverage: number }).leverage).toBeLessThanOrEqual(15)
    expect(guard.check(market('ETHUSDT', 'SELL', { quantity: 0.1 }, { reduceOnly: true }), ctx).action).toBe('approve')
  })

  it('should turn a liquidation inside the stop into a stop-out in a crash (engine, paper exchange)', async () => {
    // 100 → 100 → crash to 90 in one bar: a 25x long is liquidated near 96.4, before its 5% stop at 95.
    const closes = [100, 100, 100, 90, 90]
    const run = async (guarded: boolean) => {
      const plugins = [
        scripted({ buy: [0] }),
        fixedNotional({ notional: 1000, leverage: 25 }),
        ...(guarded ? [liquidationGuard({ stop: { pct: 0.05 }, margin: 0.2 })] : []),
        stopLossFloor({ pct: 0.05 }),
      ]
      const { output } = await runOn(seriesOf('TESTUSDT', closes), plugins)
      return { output }
    }
    const bare = await run(false)
    const guarded = await run(true)
    expect(bare.output.fills.some((f) => f.liquidation)).toBe(true)
    expect(guarded.output.fills.some((f) => f.liquidation)).toBe(false)
    expect(guarded.output.fills.some((f) => f.tag === 'floor-sl-TESTUSDT')).toBe(true)
    // The stop, not the liquidation engine, closed the position: at its trigger, 5% below the entry.
    expect(guarded.output.trades[0]?.exitPrice).toBeCloseTo(95, 6)
    expect(bare.output.trades[0]?.exitPrice).toBeGreaterThan(95)
  })
})
