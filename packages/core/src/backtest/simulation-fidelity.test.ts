/**
 * Simulation fidelity on a real crash (2025-04-04 .. 04-08, BTCUSDT/ETHUSDT 1h, Binance mark-price
 * candles; sample in examples/risk-ess/data/crash-2025-04-07): mark candles loaded by the config reach
 * the paper exchange, a funding file that misses the candles' window is a typed error, and the stop
 * slippage model moves stop fills toward the bar's extreme.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataConfigSchema, QuantumConfigSchema } from '../config.js'
import { DataError } from '../errors.js'
import { createPaperExchange } from '../exchange/paper-exchange.js'
import { loadMarketData } from './load-market-data.js'
import { runBacktest } from './run-backtest.js'
import { definePlugin } from '../define-plugin.js'
import { fixedNotional } from '../plugins/fixed-notional.js'
import { z } from 'zod'

const crash = join(import.meta.dirname, '../../../../examples/risk-ess/data/crash-2025-04-07')
let dir = ''

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quantum-fidelity-'))
  // Funding of 2024 only: it does not reach the 2025 candles.
  await writeFile(
    join(dir, 'BTCUSDT-funding-8h.csv'),
    'funding_time,funding_rate\n1704700800000,0.0001\n1704729600000,0.0001\n',
  )
})
afterAll(() => rm(dir, { recursive: true, force: true }))

/** Buys on the first bar and holds (for a liquidation test). */
const buyOnce = definePlugin({
  name: 'test:buy-once',
  kind: 'agent',
  options: z.strictObject({}),
  create: () => ({
    onBar: (bar) =>
      bar.index === 40
        ? { agent: 'test:buy-once', symbol: bar.symbol, time: bar.openTime, action: 'BUY', confidence: 1 }
        : undefined,
  }),
})

describe('simulation fidelity', () => {
  it('should load mark candles by symbol (data.mark) and report them', async () => {
    const market = await loadMarketData(
      DataConfigSchema.parse({ candles: 'BTCUSDT-1h.csv', mark: 'BTCUSDT-1h-mark.csv', cache: false }),
      { baseDir: crash },
    )
    expect(market.mark.get('BTCUSDT')?.openTime.length).toBe(120)
    expect(market.reports.find((r) => r.kind === 'mark')).toMatchObject({ symbol: 'BTCUSDT', coveredBars: 120 })
  })

  it('should refuse a funding file that does not overlap the candles with a DataError naming both spans', async () => {
    const error = await loadMarketData(
      DataConfigSchema.parse({
        candles: join(crash, 'BTCUSDT-1h.csv'),
        funding: 'BTCUSDT-funding-8h.csv',
        cache: false,
      }),
      { baseDir: dir },
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DataError)
    expect((error as DataError).issues[0]).toMatchObject({ kind: 'time-range' })
    expect((error as DataError).message).toMatch(/2024-01-08.*does not overlap the candles \(2025-04-04/)
  })

  it('should judge liquidation on the mark candles when the config gives them', async () => {
    // A 50x long bought before the crash: its liquidation (≈2% below the entry) is hit by both price
    // series, at the mark candle's low when mark candles are loaded.
    const run = (mark: boolean) =>
      runBacktest(
        QuantumConfigSchema.parse({
          name: 'mark',
          data: { candles: 'BTCUSDT-1h.csv', cache: false, ...(mark ? { mark: 'BTCUSDT-1h-mark.csv' } : {}) },
          exchange: { balance: 10_000 },
          plugins: [buyOnce({}), fixedNotional({ notional: 5000, leverage: 50 })],
        }),
        { baseDir: crash },
      )
    const [trade, markRun] = await Promise.all([run(false), run(true)])
    expect(markRun.summary.liquidations).toBe(1)
    expect(trade.summary.liquidations).toBe(1)
    expect(markRun.data?.some((d) => d.kind === 'mark')).toBe(true)
    // Mark and last differ: equity curves (marked at the mark close) are not the same.
    expect(Array.from(markRun.equity.equity)).not.toEqual(Array.from(trade.equity.equity))
  })

  it('should fill a stop triggered inside the bar part of the way to the low with stopSlippage range', () => {
    const fillOf = (stopSlippage?: { type: 'range'; fraction: number }) => {
      const ex = createPaperExchange({ balance: 10_000, ...(stopSlippage === undefined ? {} : { stopSlippage }) })
      ex.onBar('BTCUSDT', { openTime: 0, open: 100_000, high: 100_000, low: 100_000, close: 100_000 })
      ex.placeOrderSync({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.01 })
      ex.onBar('BTCUSDT', { openTime: 3_600_000, open: 100_000, high: 100_000, low: 100_000, close: 100_000 })
      ex.placeOrderSync({
        symbol: 'BTCUSDT',
        side: 'SELL',
        type: 'STOP_MARKET',
        triggerPrice: 98_000,
        quantity: 0.01,
        reduceOnly: true,
      })
      ex.onBar('BTCUSDT', { openTime: 7_200_000, open: 99_000, high: 99_000, low: 94_000, close: 95_000 })
      return ex.account.getPosition('BTCUSDT').side === 'FLAT' ? ex.ledger().realizedPnl : Number.NaN
    }
    expect(fillOf()).toBeCloseTo(-20, 6) // at the trigger 98,000
    expect(fillOf({ type: 'range', fraction: 0.25 })).toBeCloseTo(-30, 6) // 98,000 - 0.25 * 4,000 = 97,000
    expect(() => createPaperExchange({ stopSlippage: { type: 'range', fraction: 2 } })).toThrow()
  })
})
