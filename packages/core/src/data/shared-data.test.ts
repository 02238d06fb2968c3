import { it, expect } from 'vitest'
import { describeWithShared } from '../../../../test-utils/shared.js'
import { withTempDir } from '../../test/fixtures/data/fixtures.js'
import { loadCandles } from './load-candles.js'
import { readCandlesCsv } from './read-candles-csv.js'
import { readFundingCsv } from './read-funding-csv.js'

const iso = (ms: number): string => new Date(ms).toISOString()
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT'] as const

describeWithShared(
  'shared futures 1h candles',
  SYMBOLS.map((s) => `data/${s}-1h.csv`),
  (paths) => {
    it('should load all three files with 16080 rows and no gaps', async () => {
      for (const [k, path] of paths.entries()) {
        const { series, report } = await readCandlesCsv(path)
        expect([series.symbol, series.timeframe, report.rows, report.gaps]).toEqual([SYMBOLS[k], '1h', 16080, []])
        expect([iso(report.first), iso(report.last)]).toEqual(['2023-12-01T00:00:00.000Z', '2025-09-30T23:00:00.000Z'])
      }
    })
  },
)

describeWithShared(
  'shared futures 5m candles (gzip)',
  SYMBOLS.map((s) => `data/${s}-5m.csv.gz`),
  (paths) => {
    it('should load all three files with 78912 rows and no gaps', async () => {
      for (const path of paths) {
        const { series, report } = await readCandlesCsv(path)
        expect([series.timeframe, report.rows, report.gaps.length]).toEqual(['5m', 78912, 0])
      }
    })
  },
)

describeWithShared(
  'shared futures 1m candles (gzip)',
  SYMBOLS.map((s) => `data/${s}-1m.csv.gz`),
  (paths) => {
    it('should load with the documented row counts and no gaps', async () => {
      const rows = await Promise.all(paths.map(async (p) => (await readCandlesCsv(p)).report))
      expect(rows.map((r) => [r.rows, r.gaps.length, r.stepMs])).toEqual([
        [43198, 0, 60_000],
        [60190, 0, 60_000],
        [43198, 0, 60_000],
      ])
    })
  },
)

describeWithShared('shared spot 1h candles', ['data/spot/BTCUSDT-1h.csv.gz'], ([path]) => {
  it('should report the 15 documented exchange outages (32 missing hours)', async () => {
    const { report } = await readCandlesCsv(path!)
    expect(report.rows).toBe(50368)
    expect(report.gaps).toHaveLength(15)
    expect(report.gaps.reduce((n, g) => n + g.missing, 0)).toBe(32)
    expect(report.gaps[1]).toEqual({
      from: Date.parse('2020-02-19T11:00:00Z'),
      to: Date.parse('2020-02-19T17:00:00Z'),
      missing: 5,
    })
  })
})

describeWithShared('shared mark-price candles', ['data/mark/BTCUSDT-1h-mark.csv'], ([path]) => {
  it('should load with zero volume', async () => {
    const { series, report } = await readCandlesCsv(path!)
    expect([series.symbol, report.rows, report.gaps.length, series.volume.every((v) => v === 0)]).toEqual([
      'BTCUSDT',
      6576,
      0,
      true,
    ])
  })
})

describeWithShared(
  'shared funding',
  SYMBOLS.map((s) => `data/funding/${s}-funding-8h.csv`),
  (paths) => {
    it('should load 1821 events at 8h and report the December 2024 gap', async () => {
      for (const path of paths) {
        const f = await readFundingCsv(path)
        expect([f.report.rows, f.report.stepMs]).toEqual([1821, 8 * 3_600_000])
        expect(f.report.gaps).toEqual([
          { from: Date.parse('2024-12-04T00:00:00Z'), to: Date.parse('2024-12-31T00:00:00Z'), missing: 80 },
        ])
      }
    })
  },
)

describeWithShared('shared data through the cache', ['data/BTCUSDT-5m.csv.gz'], ([path]) => {
  it('should load the same series from the cache', async () => {
    await withTempDir(async (cacheDir) => {
      const first = await loadCandles(path!, { cacheDir })
      const second = await loadCandles(path!, { cacheDir })
      expect([first.fromCache, second.fromCache]).toEqual([false, true])
      const bytes = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength)
      expect(bytes(second.series.close).equals(bytes(first.series.close))).toBe(true)
    })
  })
})
