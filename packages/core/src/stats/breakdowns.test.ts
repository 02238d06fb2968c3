import { describe, expect, it } from 'vitest'
import type { CandleSeries } from '../data/candle-series.js'
import type { TradeRecord } from '../result.js'
import type { Decision, Signal } from '../schemas.js'
import { attributeTrades } from './agent-attribution.js'
import { buyAndHold } from './buy-and-hold.js'
import { monthlyReturns } from './monthly-returns.js'
import { runBreakdowns } from './run-breakdowns.js'
import { summarizeDurations } from './trade-durations.js'
import { summarizeExcursions, tradeExcursions } from './trade-excursions.js'
import { groupTrades } from './trade-groups.js'

const H = 3_600_000
const T0 = Date.UTC(2024, 0, 1)

function trade(over: Partial<TradeRecord> & Pick<TradeRecord, 'id' | 'netPnl'>): TradeRecord {
  return {
    symbol: 'BTCUSDT',
    side: 'LONG',
    entryTime: T0,
    exitTime: T0 + H,
    entryPrice: 100,
    exitPrice: 100,
    quantity: 1,
    grossPnl: over.netPnl,
    fees: 0,
    funding: 0,
    exitReason: 'stop',
    ...over,
  }
}

function series(symbol: string, bars: readonly [number, number, number, number][], start = T0): CandleSeries {
  const col = (k: number): Float64Array => Float64Array.from(bars.map((b) => b[k] as number))
  return {
    symbol,
    timeframe: '1h',
    openTime: Float64Array.from(bars.map((_, i) => start + i * H)),
    open: col(0),
    high: col(1),
    low: col(2),
    close: col(3),
    volume: new Float64Array(bars.length),
  }
}

const trades: TradeRecord[] = [
  trade({ id: 1, netPnl: 10, fees: 1, exitReason: 'take-profit' }),
  trade({ id: 2, netPnl: -4, fees: 1, side: 'SHORT', exitTime: T0 + 3 * H }),
  trade({ id: 3, netPnl: 6, fees: 1, symbol: 'ETHUSDT', exitTime: T0 + 2 * H, exitReason: 'take-profit' }),
  trade({ id: 4, netPnl: -2, fees: 1, symbol: 'ETHUSDT', side: 'SHORT', exitTime: T0 + 5 * H }),
]

describe('groupTrades', () => {
  it('should sum net PnL, wins, fees and durations per key, best group first', () => {
    const bySymbol = groupTrades(trades, (t) => t.symbol)
    expect(bySymbol.map((g) => g.key)).toEqual(['BTCUSDT', 'ETHUSDT'])
    const btc = bySymbol[0]!
    expect(btc).toMatchObject({ trades: 2, wins: 1, losses: 1, winRate: 0.5, netPnl: 6, fees: 2 })
    expect(btc.profitFactor).toBeCloseTo(10 / 4, 12)
    expect(btc.meanDurationMs).toBe(2 * H) // (1h + 3h) / 2
    const byReason = groupTrades(trades, (t) => t.exitReason)
    expect(byReason.map((g) => [g.key, g.netPnl])).toEqual([
      ['take-profit', 16],
      ['stop', -6],
    ])
    expect(byReason[1]!.profitFactor).toBe(0)
  })
})

describe('monthlyReturns', () => {
  it('should chain each month from the previous month-end equity', () => {
    const time = [Date.UTC(2024, 0, 5), Date.UTC(2024, 0, 31, 23), Date.UTC(2024, 1, 2), Date.UTC(2024, 3, 1)]
    const equity = [105, 110, 99, 108.9]
    const months = monthlyReturns(time, equity, 100)
    expect(months.map((m) => m.month)).toEqual(['2024-01', '2024-02', '2024-04'])
    expect(months[0]).toMatchObject({ startEquity: 100, endEquity: 110, pnl: 10 })
    expect(months[0]!.return).toBeCloseTo(0.1, 12)
    expect(months[1]!.return).toBeCloseTo(-0.1, 12)
    expect(months[2]!.return).toBeCloseTo(0.1, 12) // 99 -> 108.9
  })

  it('should be empty without bars', () => {
    expect(monthlyReturns([], [], 100)).toEqual([])
  })

  it('should split at the first millisecond of a month, minute bars across a year end included', () => {
    const start = Date.UTC(2023, 11, 31, 23, 58)
    const time = Array.from({ length: 5 }, (_, i) => start + i * 60_000) // 23:58, 23:59, 00:00, 00:01, 00:02
    const months = monthlyReturns(time, [101, 102, 103, 104, 105], 100)
    expect(months.map((m) => [m.month, m.startEquity, m.endEquity])).toEqual([
      ['2023-12', 100, 102],
      ['2024-01', 102, 105],
    ])
    const last = Date.UTC(2024, 1, 1) - 1
    expect(monthlyReturns([last, last + 1], [1, 2], 1).map((m) => m.month)).toEqual(['2024-01', '2024-02'])
  })
})

describe('summarizeDurations', () => {
  it('should give mean, median, extremes and winners/losers means', () => {
    const d = summarizeDurations(trades)
    // durations 1h, 3h, 2h, 5h
    expect(d).toMatchObject({ trades: 4, meanMs: 2.75 * H, medianMs: 2.5 * H, minMs: H, maxMs: 5 * H })
    expect(d.winnersMeanMs).toBe(1.5 * H)
    expect(d.losersMeanMs).toBe(4 * H)
    expect(summarizeDurations([]).medianMs).toBeNaN()
  })
})

describe('tradeExcursions', () => {
  // bars: open, high, low, close
  const btc = series('BTCUSDT', [
    [100, 104, 97, 101],
    [101, 108, 99, 107],
    [107, 109, 95, 96],
    [96, 120, 50, 100],
  ])

  it('should take the adverse and favourable extremes of the bars from entry to exit', () => {
    const long = trade({ id: 1, netPnl: 5, entryPrice: 100, quantity: 2, entryTime: T0, exitTime: T0 + H + 60_000 })
    const short = trade({ id: 2, netPnl: -1, side: 'SHORT', entryPrice: 100, entryTime: T0 + H, exitTime: T0 + 2 * H })
    const [l, s] = tradeExcursions([long, short], [btc])
    // long over bars 0-1: high 108, low 97
    expect(l!.mfePct).toBeCloseTo(0.08, 12)
    expect(l!.maePct).toBeCloseTo(0.03, 12)
    expect(l!.mfe).toBeCloseTo(16, 9) // 0.08 x 100 x 2
    // short over bars 1-2: high 109 (adverse), low 95 (favourable)
    expect(s!.maePct).toBeCloseTo(0.09, 12)
    expect(s!.mfePct).toBeCloseTo(0.05, 12)
    const sum = summarizeExcursions([long, short], [l!, s!])
    expect(sum.meanMaePct).toBeCloseTo(0.06, 12)
    expect(sum.winnersMeanMaePct).toBeCloseTo(0.03, 12)
    expect(sum.losersMeanMfePct).toBeCloseTo(0.05, 12)
    expect(sum.edgeRatio).toBeCloseTo(0.065 / 0.06, 12)
  })

  it('should skip trades of symbols without bars', () => {
    expect(tradeExcursions([trade({ id: 9, netPnl: 1, symbol: 'XRPUSDT' })], [btc])).toEqual([])
  })
})

describe('buyAndHold', () => {
  it('should value the portfolio at every close of any symbol when their data start at different times', () => {
    // A closes at T0, T0+1h, T0+2h; B starts at T0+1h and closes at T0+1h, T0+2h, T0+3h.
    const a = series('AUSDT', [
      [100, 100, 100, 100],
      [100, 100, 50, 50],
      [50, 200, 50, 200],
    ])
    const b = series(
      'BUSDT',
      [
        [10, 10, 10, 10],
        [10, 10, 5, 5],
        [5, 10, 5, 10],
      ],
      T0 + H,
    )
    const bh = buyAndHold([a, b], 1000)
    // A: 500, 250, 1000, 1000 (held); B: 500 (cash until it starts), 500, 250, 500
    // portfolio: 1000, 750, 1250, 1500; deepest fall 1000 -> 750
    expect(bh.return).toBeCloseTo(0.5, 12)
    expect(bh.maxDrawdownPct).toBeCloseTo(0.25, 12)
  })

  it('should split the balance equally, buy at the first open and value at each close', () => {
    const a = series('AUSDT', [
      [100, 100, 100, 120],
      [120, 120, 60, 60],
      [60, 150, 60, 150],
    ])
    const b = series('BUSDT', [
      [10, 10, 10, 10],
      [10, 10, 10, 11],
    ])
    const bh = buyAndHold([a, b], 1000)
    // A: 500 -> 600 -> 300 -> 750; B: 500 -> 500 -> 550 (held at 550 on the third bar)
    // portfolio: 1100, 850, 1300
    expect(bh.symbols).toEqual([
      { symbol: 'AUSDT', return: 0.5 },
      { symbol: 'BUSDT', return: expect.closeTo(0.1, 12) as number },
    ])
    expect(bh.return).toBeCloseTo(0.3, 12)
    expect(bh.pnl).toBeCloseTo(300, 9)
    expect(bh.maxDrawdownPct).toBeCloseTo(250 / 1100, 12)
  })

  it('should be NaN without data', () => {
    expect(buyAndHold([], 1000).return).toBeNaN()
  })
})

function vote(agent: string, action: Signal['action']): Signal {
  return { agent, symbol: 'BTCUSDT', time: T0, action, confidence: 1 }
}

function decision(time: number, action: Decision['action'], votes: Signal[], symbol = 'BTCUSDT'): Decision {
  return { symbol, time, action, confidence: 1, votes, price: 100 }
}

describe('attributeTrades', () => {
  it("should credit each trade's PnL to the agents that voted its direction at its entry", () => {
    const decisions = [
      decision(T0 - H, 'SELL', [vote('a', 'SELL')]),
      decision(T0, 'BUY', [vote('a', 'BUY'), vote('b', 'SELL'), vote('c', 'HOLD')]),
      decision(T0 + H, 'SELL', [vote('a', 'SELL'), vote('b', 'SELL')]),
      decision(T0 - H, 'SELL', [vote('b', 'SELL')], 'ETHUSDT'),
    ]
    const t = [
      trade({ id: 1, netPnl: 10, entryTime: T0 }), // BUY at T0: a for, b against
      trade({ id: 2, netPnl: -4, side: 'SHORT', entryTime: T0 + 2 * H }), // SELL at T0+H: a, b for
      trade({ id: 3, netPnl: 6, symbol: 'ETHUSDT', entryTime: T0 }), // no BUY decision for ETH
      trade({ id: 4, netPnl: -2, symbol: 'ETHUSDT', side: 'SHORT', entryTime: T0 }), // SELL at T0-H: b for
    ]
    const r = attributeTrades(t, decisions)
    expect(r.attributed).toBe(3)
    expect(r.unattributed).toBe(1)
    const a = r.agents.find((x) => x.agent === 'a')!
    const b = r.agents.find((x) => x.agent === 'b')!
    expect(a).toEqual({
      agent: 'a',
      tradesFor: 2,
      pnlFor: 6,
      made: 10,
      lost: 4,
      winsFor: 1,
      tradesAgainst: 0,
      pnlAgainst: 0,
    })
    expect(b).toEqual({
      agent: 'b',
      tradesFor: 2,
      pnlFor: -6,
      made: 0,
      lost: 6,
      winsFor: 0,
      tradesAgainst: 1,
      pnlAgainst: 10,
    })
    expect(r.agents.map((x) => x.agent)).toEqual(['a', 'b'])
  })
})

describe('runBreakdowns', () => {
  it('should compare the run with buy-and-hold and leave out byAgent without decisions', () => {
    const s = series('BTCUSDT', [
      [100, 101, 99, 100],
      [100, 111, 100, 110],
    ])
    const b = runBreakdowns({
      trades: trades.slice(0, 2),
      equity: { time: s.openTime, equity: [1000, 1050] },
      series: [s],
      startBalance: 1000,
    })
    expect(b.buyAndHold.return).toBeCloseTo(0.1, 12)
    expect(b.excessReturn).toBeCloseTo(0.05 - 0.1, 12)
    expect(b.byAgent).toBeUndefined()
    expect(b.bySide.map((g) => g.key)).toEqual(['LONG', 'SHORT'])
    expect(b.monthly).toHaveLength(1)
  })
})
