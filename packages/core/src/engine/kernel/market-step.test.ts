import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { CandleSeries } from '../../data/candle-series.js'
import { definePlugin } from '../../define-plugin.js'
import { createPaperExchange } from '../../exchange/paper-exchange.js'
import { fixedNotional } from '../../plugins/fixed-notional.js'
import type { QuantumPlugin } from '../../types.js'
import { runEngine } from '../run-engine.js'

const HOUR = 3_600_000
const FIVE_MIN = 300_000
type Ohlc = readonly [open: number, high: number, low: number, close: number]

function series(bars: readonly Ohlc[], step: number, start = 0): CandleSeries {
  const col = (k: number): Float64Array => Float64Array.from(bars, (b) => b[k] as number)
  return {
    symbol: 'TESTUSDT',
    timeframe: step === HOUR ? '1h' : '5m',
    openTime: Float64Array.from(bars, (_, i) => start + i * step),
    open: col(0),
    high: col(1),
    low: col(2),
    close: col(3),
    volume: Float64Array.from(bars, () => 1),
  }
}

/** BUY at bar 1 (fills at bar 2's open). */
const buyAtOne = definePlugin({
  name: 'test:buy-at-one',
  kind: 'agent',
  options: z.strictObject({}),
  create: () => ({
    onBar: (bar) =>
      bar.index === 1
        ? { agent: 'test:buy-at-one', symbol: bar.symbol, time: bar.openTime, action: 'BUY' as const, confidence: 1 }
        : undefined,
  }),
})

/** On the entry fill: a reduce-only stop at 98 and take-profit at 102. */
const bracket = definePlugin({
  name: 'test:bracket',
  kind: 'exit',
  options: z.strictObject({}),
  create: () => ({
    onFill: (fill, position) => {
      if (fill.reduceOnly || position.side !== 'LONG') return undefined
      const base = { symbol: fill.symbol, side: 'SELL', quantity: position.quantity, reduceOnly: true } as const
      return {
        place: [
          { ...base, type: 'STOP_MARKET', triggerPrice: 98, tag: 'stop' },
          { ...base, type: 'TAKE_PROFIT_MARKET', triggerPrice: 102, tag: 'take-profit' },
        ],
      }
    },
  }),
})

/** Four hourly bars; bar 2 reaches both the stop (97) and the target (103). */
const hourly = series(
  [
    [100, 100.5, 99.5, 100],
    [100, 100.5, 99.5, 100],
    [100, 103, 97, 101],
    [101, 101.5, 100.5, 101],
  ],
  HOUR,
)

/** Twelve 5m bars inside bar 2: up to 103 first and down to 97 later (`upFirst`), or the other way round. */
function inside(upFirst: boolean): CandleSeries {
  const first: Ohlc[] = upFirst
    ? [
        [100, 101, 99.8, 101],
        [101, 103, 100.9, 102.5],
      ]
    : [
        [100, 100.2, 99, 99],
        [99, 99.1, 97, 97.5],
      ]
  const tail: Ohlc[] = upFirst
    ? Array.from({ length: 10 }, (_, i) => (i === 5 ? [100, 100, 97, 98] : [100, 100.5, 99.5, 100]) as Ohlc)
    : Array.from({ length: 10 }, (_, i) => (i === 5 ? [100, 103, 100, 101] : [100, 100.5, 99.5, 100]) as Ohlc)
  return series([...first, ...tail], FIVE_MIN, 2 * HOUR)
}

async function run(detail?: CandleSeries) {
  const exchange = createPaperExchange({
    balance: 10_000,
    instruments: { TESTUSDT: { tickSize: 0.01, stepSize: 0.001 } },
  })
  const plugins: QuantumPlugin[] = [buyAtOne(), fixedNotional({ notional: 1000 }), bracket()]
  const output = await runEngine({
    series: [hourly],
    exchange,
    plugins,
    ...(detail === undefined ? {} : { detail: new Map([['TESTUSDT', { series: detail, stepMs: HOUR }]]) }),
  })
  return output
}

describe('simulateBars with detail candles', () => {
  it('should apply the worst-case rule to a strategy bar that reaches both stop and target', async () => {
    const output = await run()
    expect(output.trades[0]).toMatchObject({ exitReason: 'stop', exitPrice: 98, exitTime: 2 * HOUR })
  })

  it('should take the target when the detail candles reach it first', async () => {
    const output = await run(inside(true))
    expect(output.trades[0]).toMatchObject({ exitReason: 'take-profit', exitPrice: 102 })
    expect(output.trades[0]!.exitTime).toBe(2 * HOUR + FIVE_MIN)
  })

  it('should take the stop when the detail candles reach it first', async () => {
    const output = await run(inside(false))
    expect(output.trades[0]).toMatchObject({ exitReason: 'stop', exitPrice: 98 })
    expect(output.trades[0]!.exitTime).toBe(2 * HOUR + FIVE_MIN)
  })

  it('should fall back to the strategy bar where detail candles are missing', async () => {
    const elsewhere = series([[100, 103, 97, 101]], FIVE_MIN, 3 * HOUR) // covers bar 3 only
    const output = await run(elsewhere)
    expect(output.trades[0]).toMatchObject({ exitReason: 'stop', exitPrice: 98, exitTime: 2 * HOUR })
  })

  it('should leave the bars seen by agents, equity and the bar count unchanged', async () => {
    const output = await run(inside(true))
    expect(output.counts.bars).toBe(4)
    expect(Array.from(output.equity.time)).toEqual([0, HOUR, 2 * HOUR, 3 * HOUR])
  })
})
