import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataConfigSchema } from '../config.js'
import { generateCandles } from '../data/generate-candles.js'
import { writeCandlesCsv } from '../data/write-candles-csv.js'
import { ConfigError } from '../errors.js'
import { loadMarketData } from './load-market-data.js'

/** Candle times must be real epoch ms (2009-2100): the runs start on 2024-01-01. */
const T2024 = Date.UTC(2024, 0, 1)

const HOUR = 3_600_000
let dir = ''

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quantum-detail-'))
  const hourly = generateCandles({ bars: 48, seed: 1, symbol: 'TESTUSDT', timeframeMs: HOUR, startTime: T2024 })
  // 5m candles for the first 10 hours only.
  const fine = generateCandles({ bars: 120, seed: 2, symbol: 'TESTUSDT', timeframeMs: 300_000, startTime: T2024 })
  const coarse = generateCandles({ bars: 10, seed: 3, symbol: 'TESTUSDT', timeframeMs: 2 * HOUR, startTime: T2024 })
  const other = generateCandles({ bars: 120, seed: 4, symbol: 'OTHERUSDT', timeframeMs: 300_000, startTime: T2024 })
  await writeCandlesCsv(hourly, join(dir, 'TESTUSDT-1h.csv'))
  await writeCandlesCsv(fine, join(dir, 'TESTUSDT-5m.csv'))
  await writeCandlesCsv(coarse, join(dir, 'TESTUSDT-2h.csv'))
  await writeCandlesCsv(other, join(dir, 'OTHERUSDT-5m.csv'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

const load = (data: Record<string, unknown>) =>
  loadMarketData(DataConfigSchema.parse({ candles: 'TESTUSDT-1h.csv', cache: false, ...data }), { baseDir: dir })

describe('loadMarketData detail candles', () => {
  it('should load detail candles by symbol and report how many strategy bars they cover', async () => {
    const market = await load({ detail: 'TESTUSDT-5m.csv' })
    expect(market.detail.get('TESTUSDT')?.series.openTime.length).toBe(120)
    expect(market.detail.get('TESTUSDT')?.stepMs).toBe(HOUR)
    expect(market.reports.find((r) => r.kind === 'detail')).toMatchObject({ symbol: 'TESTUSDT', coveredBars: 10 })
  })

  it('should cut detail candles to the run window', async () => {
    const market = await load({ detail: 'TESTUSDT-5m.csv', from: T2024 + 2 * HOUR, to: T2024 + 4 * HOUR })
    expect(market.detail.get('TESTUSDT')?.series.openTime.length).toBe(24)
    expect(market.reports.find((r) => r.kind === 'detail')?.coveredBars).toBe(2)
  })

  it('should refuse detail of a symbol without strategy candles, naming data.detail', async () => {
    const error = await load({ detail: 'OTHERUSDT-5m.csv' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues[0]?.path).toBe('data.detail')
  })

  it('should refuse a detail timeframe that is not finer than the strategy timeframe', async () => {
    const error = await load({ detail: ['TESTUSDT-2h.csv'] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues[0]).toMatchObject({ path: 'data.detail.0' })
    expect((error as ConfigError).issues[0]?.message).toMatch(/finer/)
  })
})
