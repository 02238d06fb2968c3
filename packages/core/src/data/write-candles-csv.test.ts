import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { fixturePath, withTempDir } from '../../test/fixtures/data/fixtures.js'
import type { CandleSeries } from './candle-series.js'
import { generateCandles } from './generate-candles.js'
import { readCandlesCsv } from './read-candles-csv.js'
import { writeCandlesCsv } from './write-candles-csv.js'

const COLUMNS = ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const

function expectIdentical(a: CandleSeries, b: CandleSeries): void {
  for (const c of COLUMNS) {
    const x = a[c]
    const y = b[c]
    expect(y.length).toBe(x.length)
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) expect.fail(`${c}[${i}]: ${x[i]} vs ${y[i]}`)
  }
}

describe('writeCandlesCsv', () => {
  it('should round-trip generated candles to identical float64 values', async () => {
    await withTempDir(async (dir) => {
      const s = generateCandles({ bars: 50_000, seed: 5 })
      const path = join(dir, 'SYNTHUSDT-1m.csv')
      await writeCandlesCsv(s, path)
      const { series, report } = await readCandlesCsv(path)
      expectIdentical(s, series)
      expect([series.symbol, series.timeframe, report.gaps.length]).toEqual(['SYNTHUSDT', '1m', 0])
      expect(await readdir(dir)).toEqual(['SYNTHUSDT-1m.csv']) // no temp file left behind
    })
  })

  it('should round-trip real data with many decimals', async () => {
    await withTempDir(async (dir) => {
      const { series } = await readCandlesCsv(fixturePath('BTCUSDT-1h.csv'))
      const path = join(dir, 'BTCUSDT-1h.csv')
      await writeCandlesCsv(series, path)
      expectIdentical(series, (await readCandlesCsv(path)).series)
    })
  })

  it('should write the standard header and gzip when the name ends in .gz', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'SYNTHUSDT-1m.csv.gz')
      const s = generateCandles({ bars: 3, seed: 1 })
      await writeCandlesCsv(s, path)
      const text = gunzipSync(await readFile(path)).toString('utf8')
      expect(text.split('\n')[0]).toBe('open_time,open,high,low,close,volume')
      expect(text.split('\n')[1]).toBe(`1577836800000,30000,${s.high[0]},${s.low[0]},${s.close[0]},${s.volume[0]}`)
      expectIdentical(s, (await readCandlesCsv(path)).series)
    })
  })

  it('should confirm toFixed(2) would also round-trip 2-decimal prices exactly', () => {
    const s = generateCandles({ bars: 100_000, seed: 11 })
    for (const c of ['open', 'high', 'low', 'close'] as const) {
      for (const x of s[c]) if (Number(x.toFixed(2)) !== x || Number(String(x)) !== x) expect.fail(`${c} ${x}`)
    }
  })
})
