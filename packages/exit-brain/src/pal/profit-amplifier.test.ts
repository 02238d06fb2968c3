import { Atr, ConfigError, definePlugin } from '@quantum/core'
import type { ExitActions, Fill } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { flatBars, riskGuard, runBars, signalOnce, SYMBOL, trendBars, type TestBar } from '../pil/test-helpers.js'
import { profitAmplifier } from './profit-amplifier.js'

// 20 flat bars at 100 (ATR 2), a BUY on bar 19 (fills at 100 on bar 20), then a steady rally.
const rally: TestBar[] = [...flatBars(20, 100), ...trendBars(60, 100, 0.5)]
const adds = (fills: readonly Fill[]): Fill[] => fills.filter((f) => f.tag === 'pal-add')
const approveAll = () => riskGuard(() => ({ action: 'approve' }))

/** Test exit policy: once the close is 1 above the average entry, keeps a reduce-only stop at it. */
const breakEvenStop = definePlugin({
  name: 'test:break-even-stop',
  kind: 'exit',
  options: z.strictObject({}),
  create: () => ({
    onBar: (bar, ctx): ExitActions | undefined => {
      const p = ctx.account.getPosition(bar.symbol)
      if (p.side !== 'LONG' || bar.close < p.entryPrice + 1) return undefined
      const stops = ctx.account.getOpenOrders(bar.symbol).filter((o) => o.type === 'STOP_MARKET')
      if (stops.some((o) => (o.triggerPrice ?? 0) >= p.entryPrice)) return undefined
      const stop = { symbol: bar.symbol, side: 'SELL', type: 'STOP_MARKET', reduceOnly: true } as const
      return {
        cancel: stops.map((o) => o.id),
        place: [{ ...stop, quantity: p.quantity, triggerPrice: p.entryPrice, tag: 'stop' }],
      }
    },
  }),
})

describe('profitAmplifier', () => {
  it('should add to a winner through an approving risk chain, growing the position, at most maxAdds times', async () => {
    const pal = profitAmplifier({ maxAdds: 2, addFraction: 0.5, onlyWhenStopAtBreakEven: false })
    const { output, exchange } = await runBars(rally, [signalOnce({ at: 19 }), approveAll(), pal])
    const entry = output.fills.find((f) => f.tag === 'entry')!
    expect(entry.quantity).toBeCloseTo(10, 9)
    expect(adds(output.fills)).toHaveLength(2)
    for (const add of adds(output.fills)) expect(add.quantity).toBeCloseTo(5, 9)
    expect(exchange.account.getPosition(SYMBOL).quantity).toBeCloseTo(20, 9)
  })

  it('should never add more than maxAdds', async () => {
    for (const maxAdds of [0, 1, 3]) {
      const pal = profitAmplifier({ maxAdds, onlyWhenStopAtBreakEven: false })
      const { output } = await runBars(rally, [signalOnce({ at: 19 }), pal])
      expect(adds(output.fills)).toHaveLength(maxAdds)
    }
  })

  it('should send no add when a risk guard denies it, and report a risk event', async () => {
    const deny = riskGuard((tag) => (tag === 'pal-add' ? { action: 'deny', reason: 'no adds' } : { action: 'approve' }))
    const pal = profitAmplifier({ onlyWhenStopAtBreakEven: false })
    const { output, events, exchange } = await runBars(rally, [signalOnce({ at: 19 }), deny, pal])
    expect(adds(output.fills)).toHaveLength(0)
    const risk = events.filter((e) => e.type === 'risk')
    expect(risk.length).toBeGreaterThan(0)
    expect(risk[0]).toMatchObject({ plugin: 'test:risk', intent: { tag: 'pal-add', type: 'MARKET' } })
    expect(exchange.account.getPosition(SYMBOL).quantity).toBeCloseTo(10, 9)
  })

  it('should add only after the close moved minDistanceAtr ATRs from the last entry or add', async () => {
    const pal = profitAmplifier({ maxAdds: 3, minDistanceAtr: 1.5, onlyWhenStopAtBreakEven: false })
    const { output } = await runBars(rally, [signalOnce({ at: 19 }), pal])
    const atr = new Atr(14)
    const atrAt = rally.map((b) => atr.update(b.high, b.low, b.close))
    const buys = output.fills.filter((f) => f.side === 'BUY')
    expect(buys).toHaveLength(4)
    for (let k = 1; k < buys.length; k++) {
      const signalBar = buys[k]!.time / 3_600_000 - 1
      expect(rally[signalBar]!.close - buys[k - 1]!.price).toBeGreaterThanOrEqual(1.5 * atrAt[signalBar]!)
      // and not one bar earlier: the add came on the first bar that qualified
      expect(rally[signalBar - 1]!.close - buys[k - 1]!.price).toBeLessThan(1.5 * atrAt[signalBar - 1]!)
    }
  })

  it('should not add when the move never reaches minDistanceAtr', async () => {
    const pal = profitAmplifier({ minDistanceAtr: 100, onlyWhenStopAtBreakEven: false })
    const { output } = await runBars(rally, [signalOnce({ at: 19 }), pal])
    expect(adds(output.fills)).toHaveLength(0)
  })

  it('should wait for a break-even stop when onlyWhenStopAtBreakEven', async () => {
    const without = await runBars(rally, [signalOnce({ at: 19 }), profitAmplifier()])
    expect(adds(without.output.fills)).toHaveLength(0)
    const withStop = await runBars(rally, [signalOnce({ at: 19 }), profitAmplifier(), breakEvenStop()])
    expect(adds(withStop.output.fills)).toHaveLength(2)
  })

  it('should not add to a losing position', async () => {
    const drop = [...flatBars(20, 100), ...trendBars(40, 100, -0.5)]
    const { output } = await runBars(drop, [
      signalOnce({ at: 19 }),
      profitAmplifier({ onlyWhenStopAtBreakEven: false }),
    ])
    expect(adds(output.fills)).toHaveLength(0)
  })

  it('should add to a winning short by selling', async () => {
    const fall = [...flatBars(20, 100), ...trendBars(60, 100, -0.5)]
    const pal = profitAmplifier({ maxAdds: 1, onlyWhenStopAtBreakEven: false })
    const { output, exchange } = await runBars(fall, [signalOnce({ at: 19, sell: true }), pal])
    expect(adds(output.fills).map((f) => f.side)).toEqual(['SELL'])
    expect(exchange.account.getPosition(SYMBOL)).toMatchObject({ side: 'SHORT' })
  })

  it('should reject bad options with a ConfigError at the factory call', () => {
    expect(() => profitAmplifier({ maxAdds: -1 })).toThrow(ConfigError)
    expect(() => profitAmplifier({ minDistanceAtr: 0 })).toThrow(ConfigError)
    expect(() => profitAmplifier({ addFraction: 1.5 })).toThrow(ConfigError)
    expect(() => profitAmplifier({ atrPeriod: 0 })).toThrow(ConfigError)
    // @ts-expect-error -- unknown option
    expect(() => profitAmplifier({ adds: 2 })).toThrow(ConfigError)
    // @ts-expect-error -- not a position book
    expect(() => profitAmplifier({ book: {} })).toThrow(ConfigError)
  })
})
