import { ConfigError, SimulatedClock, createEventBus, silentLogger } from '@quantum/core'
import type { Decision, MarketBar, OrderIntent, PluginContext } from '@quantum/core'
import { describe, expect, it } from 'vitest'
import { createOpportunityRanker, opportunityRanker } from './opportunity-ranker.js'
import { createUniverseOs, universeFilter } from './universe-os.js'

const clock = new SimulatedClock(0)
const bus = createEventBus()
const ctx = { mode: 'backtest', clock, logger: silentLogger, bus } as unknown as PluginContext

/** One bar with a range of `range` (fraction of 100) and `volume`. */
const bar = (symbol: string, t: number, volume: number, range = 0.01): MarketBar => ({
  symbol,
  index: t,
  openTime: t * 60_000,
  open: 100,
  close: 100,
  high: 100 * (1 + range / 2),
  low: 100 * (1 - range / 2),
  volume,
})

/** Feeds `bars` bars at the given volumes (and ranges) to the ranker through its plugin. */
function feed(
  plugin: ReturnType<typeof opportunityRanker>,
  volumes: Record<string, number>,
  from: number,
  bars = 20,
): void {
  for (let t = from; t < from + bars; t++) {
    clock.set(t * 60_000)
    for (const [symbol, v] of Object.entries(volumes))
      expect(plugin.onBar(bar(symbol, t, v, symbol === 'CCCUSDT' ? 0.03 : 0.01), ctx)).toBeUndefined()
  }
}

const entry = (symbol: string, reduceOnly = false): OrderIntent => ({
  symbol,
  side: 'BUY',
  type: 'MARKET',
  quoteQuantity: 100,
  reduceOnly,
})

describe('OpportunityRanker and Universe OS', () => {
  it('reject bad options with a ConfigError', () => {
    expect(() => createOpportunityRanker({ liquidityWindow: 0 })).toThrow(ConfigError)
    expect(() => createUniverseOs({ ranker: createOpportunityRanker(), topK: 0 })).toThrow(ConfigError)
    expect(() => universeFilter({ universe: {} as never })).toThrow(ConfigError)
    expect(() => opportunityRanker({} as never)).toThrow(ConfigError)
  })

  it('ranks by liquidity, volatility and the latest decision strength', () => {
    const ranker = createOpportunityRanker({ liquidityWindow: 5, atrPeriod: 3 })
    const plugin = opportunityRanker({ ranker })
    void plugin.setup?.(ctx)
    feed(plugin, { AAAUSDT: 1000, BBBUSDT: 500, CCCUSDT: 100 }, 0, 10)
    expect(ranker.ranking().map((r) => r.symbol)).toEqual(['AAAUSDT', 'BBBUSDT', 'CCCUSDT'])
    const decision: Decision = { symbol: 'CCCUSDT', time: 0, action: 'SELL', confidence: 0.95, votes: [], price: 100 }
    bus.emit({ type: 'decision', decision })
    const top = ranker.ranking()[0]!
    // CCC: 0.4*0.95 strength + 0.4*0 liquidity + 0.2*1 volatility = 0.58;
    // AAA: 0 + 0.4*1 + 0.2*0.25 (tied with BBB for the lower two ATR ranks: mid-rank 0.5 of 2) = 0.45.
    expect(top.symbol).toBe('CCCUSDT')
    expect(top.score).toBeCloseTo(0.58, 12)
    expect(ranker.ranking()[1]).toMatchObject({ symbol: 'AAAUSDT', rank: 1 })
    expect(ranker.ranking()[1]!.score).toBeCloseTo(0.45, 12)
    void plugin.dispose?.()
  })

  it('keeps the top K with hysteresis and filters entries only', () => {
    const ranker = createOpportunityRanker({
      liquidityWindow: 5,
      weights: { strength: 0, liquidity: 1, volatility: 0 },
    })
    const plugin = opportunityRanker({ ranker })
    const universe = createUniverseOs({ ranker, topK: 2, exitBuffer: 1, minQuoteVolume: 100 * 50 })
    const guard = universeFilter({ universe })
    feed(plugin, { AAAUSDT: 400, BBBUSDT: 300, CCCUSDT: 200, DDDUSDT: 10 }, 0)
    expect([...universe.refresh(clock.now())].sort()).toEqual(['AAAUSDT', 'BBBUSDT'])
    // BBB slips to third: it stays (within topK + exitBuffer) and CCC waits for a free seat.
    feed(plugin, { AAAUSDT: 400, BBBUSDT: 250, CCCUSDT: 300, DDDUSDT: 10 }, 20)
    expect([...universe.refresh(clock.now())].sort()).toEqual(['AAAUSDT', 'BBBUSDT'])
    expect(guard.check(entry('CCCUSDT'), ctx)).toEqual({
      action: 'deny',
      reason: 'CCCUSDT is outside the universe (rank 2 of 4)',
    })
    // BBB falls to fourth: it leaves and CCC enters.
    feed(plugin, { AAAUSDT: 400, BBBUSDT: 60, CCCUSDT: 300, DDDUSDT: 200 }, 40)
    expect(guard.check(entry('CCCUSDT'), ctx)).toEqual({ action: 'approve' })
    expect(guard.check(entry('BBBUSDT'), ctx).action).toBe('deny')
    expect(guard.check(entry('BBBUSDT', true), ctx)).toEqual({ action: 'approve' })
    // DDD fails the liquidity filter while illiquid, even with a free seat.
    expect(universe.members().has('DDDUSDT')).toBe(false)
    expect(guard.check(entry('EEEUSDT'), ctx)).toEqual({
      action: 'deny',
      reason: 'EEEUSDT is outside the universe (not ranked yet)',
    })
  })
})
