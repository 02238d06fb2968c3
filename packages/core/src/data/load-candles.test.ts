import { appendFile, copyFile, readdir, readFile, truncate, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { catchDataError, fixturePath, withTempDir } from '../../test/fixtures/data/fixtures.js'
import type { CandleSeries } from './candle-series.js'
import { loadCandles, type LoadCandlesOptions } from './load-candles.js'
import { readCandlesCsv } from './read-candles-csv.js'

const COLUMNS = ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const

function expectSameSeries(a: CandleSeries, b: CandleSeries): void {
  expect([a.symbol, a.timeframe]).toEqual([b.symbol, b.timeframe])
  for (const c of COLUMNS) expect(a[c]).toEqual(b[c])
}

/** Copies a fixture into a temp dir and runs `body` with its path and cache options for that dir. */
async function withCopy(name: string, body: (csv: string, opts: LoadCandlesOptions) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const csv = join(dir, name)
    await copyFile(fixturePath(name), csv)
    await body(csv, { cacheDir: join(dir, 'cache') })
  })
}

describe('loadCandles', () => {
  it('should parse first, then load identical data from the cache', async () => {
    await withCopy('BTCUSDT-1h.csv', async (csv, opts) => {
      const first = await loadCandles(csv, opts)
      expect(first.fromCache).toBe(false)
      expect(first.cacheIssue).toBeUndefined()
      const second = await loadCandles(csv, opts)
      expect(second.fromCache).toBe(true)
      expect(second.cacheFile).toBe(first.cacheFile)
      expectSameSeries(second.series, first.series)
      expectSameSeries(second.series, (await readCandlesCsv(csv)).series)
      expect(second.report).toEqual(first.report)
      expect(second.series.close.buffer).toBe(second.series.open.buffer) // views into one file buffer
    })
  })

  it('should leave only the cache file (no temp files) in the cache dir', async () => {
    await withCopy('BTCUSDT-1h.csv.gz', async (csv, opts) => {
      const { cacheFile } = await loadCandles(csv, opts)
      expect(await readdir(opts.cacheDir!)).toEqual([cacheFile?.split('/').pop()])
      expect((await loadCandles(csv, opts)).fromCache).toBe(true)
    })
  })

  it('should detect a truncated cache file and rebuild it', async () => {
    await withCopy('BTCUSDT-1h.csv', async (csv, opts) => {
      const first = await loadCandles(csv, opts)
      await truncate(first.cacheFile!, 5000)
      const second = await loadCandles(csv, opts)
      expect(second.fromCache).toBe(false)
      expect(second.cacheIssue).toMatch(/truncated/)
      expectSameSeries(second.series, first.series)
      expect((await loadCandles(csv, opts)).fromCache).toBe(true)
    })
  })

  it('should detect a cache file cut inside its header', async () => {
    await withCopy('BTCUSDT-1h.csv', async (csv, opts) => {
      const { cacheFile } = await loadCandles(csv, opts)
      await truncate(cacheFile!, 40)
      expect((await loadCandles(csv, opts)).cacheIssue).toMatch(/truncated: header needs/)
    })
  })

  it('should detect a foreign file, a wrong format version and a corrupt header', async () => {
    await withCopy('BTCUSDT-1h.csv', async (csv, opts) => {
      const { cacheFile } = await loadCandles(csv, opts)
      const good = await readFile(cacheFile!)
      const cases: [Buffer, RegExp][] = [
        [Buffer.from('hello world, not a cache file'), /bad magic/],
        [Buffer.concat([good.subarray(0, 8), Buffer.from([99, 0, 0, 0]), good.subarray(12)]), /format version 99/],
        [Buffer.concat([good.subarray(0, 16), Buffer.from('}'), good.subarray(17)]), /invalid JSON/],
      ]
      for (const [content, issue] of cases) {
        await writeFile(cacheFile!, content)
        const result = await loadCandles(csv, opts)
        expect(result.fromCache).toBe(false)
        expect(result.cacheIssue).toMatch(issue)
        expect(result.series.open.length).toBe(200)
      }
    })
  })

  it('should invalidate the cache when the source mtime changes', async () => {
    await withCopy('BTCUSDT-1h.csv', async (csv, opts) => {
      await loadCandles(csv, opts)
      const later = new Date(Date.now() + 60_000)
      await utimes(csv, later, later)
      const touched = await loadCandles(csv, opts)
      expect(touched.fromCache).toBe(false)
      expect(touched.cacheIssue).toMatch(/^stale: source changed/)
      expect((await loadCandles(csv, opts)).fromCache).toBe(true)
    })
  })

  it('should invalidate the cache when the source size changes', async () => {
    await withCopy('BTCUSDT-1h.csv', async (csv, opts) => {
      const before = await loadCandles(csv, opts)
      const next = before.report.last + 3_600_000
      const p = before.series.close[199]!
      await appendFile(csv, `${next},${p},${p + 2},${p - 2},${p + 1.5},3\n`)
      const after = await loadCandles(csv, opts)
      expect(after.fromCache).toBe(false)
      expect(after.cacheIssue).toMatch(/stale: source changed \(size \d+ -> \d+/)
      expect(after.report.rows).toBe(201)
      expect(after.series.close[200]).toBe(before.series.close[199]! + 1.5)
    })
  })

  it('should keep separate cache files per timeframe option', async () => {
    await withCopy('BTCUSDT-1h.csv', async (csv, opts) => {
      const auto = await loadCandles(csv, opts)
      const given = await loadCandles(csv, { ...opts, timeframe: '60m' })
      expect(given.fromCache).toBe(false)
      expect(given.cacheFile).not.toBe(auto.cacheFile)
      expect((await loadCandles(csv, { ...opts, timeframe: '60m' })).series.timeframe).toBe('60m')
    })
  })

  it('should apply the symbol option to cached data', async () => {
    await withCopy('BTCUSDT-1h.csv', async (csv, opts) => {
      await loadCandles(csv, opts)
      const hit = await loadCandles(csv, { ...opts, symbol: 'XBTUSD' })
      expect([hit.fromCache, hit.series.symbol]).toEqual([true, 'XBTUSD'])
    })
  })

  it("should throw on gaps with onGap: 'error' from the CSV and from the cache alike", async () => {
    await withCopy('ETHUSDT-1h-gap.csv', async (csv, opts) => {
      expect((await loadCandles(csv, opts)).report.gaps).toHaveLength(2)
      const err = await catchDataError(() => loadCandles(csv, { ...opts, onGap: 'error' }))
      expect(err.source).toBe(csv)
      expect(err.issues.map((i) => [i.kind, i.line])).toEqual([
        ['gap', 5],
        ['gap', 7],
      ])
    })
  })

  it('should not touch the cache dir with cache: false', async () => {
    await withCopy('BTCUSDT-1h.csv', async (csv, opts) => {
      const result = await loadCandles(csv, { ...opts, cache: false })
      expect([result.fromCache, result.cacheFile]).toEqual([false, undefined])
      await expect(readdir(opts.cacheDir!)).rejects.toThrow(/ENOENT/)
    })
  })

  it('should report, not throw, when the cache cannot be written', async () => {
    await withCopy('BTCUSDT-1h.csv', async (csv) => {
      const result = await loadCandles(csv, { cacheDir: csv }) // a file, not a folder
      expect(result.fromCache).toBe(false)
      expect(result.cacheIssue).toMatch(/cannot write cache: /)
      expect(result.report.rows).toBe(200)
    })
  })

  it('should throw a DataError naming an invalid source file', async () => {
    await withCopy('BAD-ohlc.csv', async (csv, opts) => {
      const err = await catchDataError(() => loadCandles(csv, opts))
      expect(err.source).toBe(csv)
      expect(err.issues.map((i) => i.line)).toEqual([3, 6, 8])
    })
  })
})
