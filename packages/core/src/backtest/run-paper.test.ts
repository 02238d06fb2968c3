import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { QuantumConfigSchema, type QuantumConfig } from '../config.js'
import { generateCandles } from '../data/generate-candles.js'
import { writeCandlesCsv } from '../data/write-candles-csv.js'
import { definePlugin } from '../define-plugin.js'
import { replayBars } from '../engine/live/replay-bars.js'
import { fixedNotional } from '../plugins/fixed-notional.js'
import { loadMarketData } from './load-market-data.js'
import { runPaper } from './run-paper.js'

/** Candle times must be real epoch ms (2009-2100): the runs start on 2024-01-01. */
const T2024 = Date.UTC(2024, 0, 1)

const HOUR = 3_600_000
let dir = ''

/** Buys every 20th bar and sells 10 bars later: plenty of round trips. */
const swing = definePlugin({
  name: 'test:swing',
  kind: 'agent',
  options: z.strictObject({}),
  create: () => ({
    onBar: (bar) =>
      bar.index % 10 === 0
        ? {
            agent: 'test:swing',
            symbol: bar.symbol,
            time: bar.openTime,
            action: bar.index % 20 === 0 ? ('BUY' as const) : ('SELL' as const),
            confidence: 1,
          }
        : undefined,
  }),
})

const config = (): QuantumConfig =>
  QuantumConfigSchema.parse({
    name: 'paper-feed',
    mode: 'paper',
    data: { candles: 'BTCUSDT-1h.csv', cache: false },
    plugins: [swing(), fixedNotional({ notional: 1_000 })],
  })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quantum-paper-feed-'))
  const series = generateCandles({ bars: 300, seed: 11, symbol: 'BTCUSDT', timeframeMs: HOUR, startTime: T2024 })
  await writeCandlesCsv(series, join(dir, 'BTCUSDT-1h.csv'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('runPaper with a live feed', () => {
  it('should trade a live feed exactly as the replay of the same candles, and report the feed as its data source', async () => {
    const replayed = await runPaper(config(), { baseDir: dir })
    const market = await loadMarketData(config().data, { baseDir: dir })
    const live = await runPaper(config(), {
      baseDir: dir,
      feed: { bars: replayBars(market.series), symbols: ['BTCUSDT'], timeframe: '1h', source: 'test feed' },
    })
    expect(replayed.trades.length).toBeGreaterThan(10)
    expect(live.trades).toEqual(replayed.trades)
    expect(live.ledger).toEqual(replayed.ledger)
    expect(live.series[0]?.close).toEqual(market.series[0]?.close)
    expect(live.data).toEqual([expect.objectContaining({ kind: 'candles', file: 'test feed', rows: 300 })])
    expect(live.summary.bars ?? live.equity.time.length).toBe(300)
  })

  it('should trade by the venue rules it is given (a symbol the bundled exchange info lacks)', async () => {
    const market = await loadMarketData(config().data, { baseDir: dir })
    const rename = (s: string): string => (s === 'BTCUSDT' ? 'NEWUSDT' : s)
    const exchangeInfo = {
      symbols: [
        {
          symbol: 'NEWUSDT',
          status: 'TRADING',
          baseAsset: 'NEW',
          quoteAsset: 'USDT',
          pricePrecision: 1,
          quantityPrecision: 2,
          filters: [
            { filterType: 'PRICE_FILTER', minPrice: '0.1', maxPrice: '1000000', tickSize: '0.1' },
            { filterType: 'LOT_SIZE', minQty: '0.01', maxQty: '1000', stepSize: '0.01' },
            { filterType: 'MIN_NOTIONAL', notional: '5' },
          ],
        },
      ],
    }
    const bars = replayBars(market.series.map((s) => ({ ...s, symbol: rename(s.symbol) })))
    const live = await runPaper(config(), {
      baseDir: dir,
      feed: { bars, symbols: ['NEWUSDT'], timeframe: '1h', source: 'test feed', exchangeInfo },
    })
    expect(live.trades.length).toBeGreaterThan(10)
    for (const t of live.trades) expect(Math.round(t.quantity * 100) / 100).toBeCloseTo(t.quantity, 12)
  })
})

describe('runPaper with a stop signal', () => {
  it('should take no bar after an abort (the bar in progress finishes) and trade the bars before as an uninterrupted run', async () => {
    const whole = await runPaper(config(), { baseDir: dir })
    const abort = new AbortController()
    // Aborts while bar 120 is being processed: that bar completes, no later bar is taken.
    const stopAt120 = {
      name: 'test:stop-at-120',
      kind: 'agent' as const,
      onBar: (bar: { index: number }) => {
        if (bar.index === 119) abort.abort('SIGTERM')
        return undefined
      },
    }
    const withStop = { ...config(), plugins: [...config().plugins, stopAt120] }
    const stopped = await runPaper(withStop, { baseDir: dir, signal: abort.signal })
    expect(stopped.equity.time.length).toBe(120)
    const before = whole.trades.filter((t) => t.exitTime <= stopped.equity.time[119]!)
    expect(before.length).toBeGreaterThan(3)
    expect(stopped.trades).toEqual(before)
    const none = await runPaper(config(), { baseDir: dir, signal: AbortSignal.abort() })
    expect(none.equity.time.length).toBe(0)
    expect(none.trades).toEqual([])
  })
})
