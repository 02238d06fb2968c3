import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, type DataIssue } from '../errors.js'
import { catchDataError, fixturePath, withTempDir } from '../../test/fixtures/data/fixtures.js'
import { parseCandlesCsv, readCandlesCsv, readCandlesCsvSync } from './read-candles-csv.js'

const H = 3_600_000
const T0 = 1701388800000 // 2023-12-01T00:00:00Z, first row of the BTCUSDT fixture
const HEADER = 'open_time,open,high,low,close,volume'

const brief = (issues: readonly DataIssue[]): [string, number | undefined, number | undefined][] =>
  issues.map((i) => [i.kind, i.line, i.time])

function rowsText(n: number, bad?: (i: number) => boolean): string {
  const lines = [HEADER]
  for (let i = 0; i < n; i++) lines.push(`${T0 + i * H},10,12,9,11,${bad?.(i) === true ? 'x' : '1'}`)
  return `${lines.join('\n')}\n`
}

describe('readCandlesCsv', () => {
  it('should load the 200-row BTCUSDT sample with inferred symbol and timeframe', async () => {
    const { series, report } = await readCandlesCsv(fixturePath('BTCUSDT-1h.csv'))
    expect(series.symbol).toBe('BTCUSDT')
    expect(series.timeframe).toBe('1h')
    expect(series.openTime.length).toBe(200)
    expect([
      series.openTime[0],
      series.open[0],
      series.high[0],
      series.low[0],
      series.close[0],
      series.volume[0],
    ]).toEqual([T0, 37716.9, 37734.6, 37600, 37665.6, 6134.17])
    expect(report).toEqual({ rows: 200, first: T0, last: T0 + 199 * H, stepMs: H, gaps: [] })
  })

  it('should read the gzipped copy identically', async () => {
    const plain = await readCandlesCsv(fixturePath('BTCUSDT-1h.csv'))
    const gz = await readCandlesCsv(fixturePath('BTCUSDT-1h.csv.gz'))
    expect(gz).toEqual(plain)
  })

  it('should have a sync variant giving the same result', async () => {
    const path = fixturePath('BTCUSDT-1h.csv.gz')
    expect(readCandlesCsvSync(path)).toEqual(await readCandlesCsv(path))
  })

  it('should honour the symbol and timeframe options', async () => {
    const { series } = await readCandlesCsv(fixturePath('BTCUSDT-1h.csv'), { symbol: 'XBT', timeframe: '60m' })
    expect(series.symbol).toBe('XBT')
    expect(series.timeframe).toBe('60m')
  })

  it('should report gaps without failing by default', async () => {
    const { series, report } = await readCandlesCsv(fixturePath('ETHUSDT-1h-gap.csv'))
    expect(series.symbol).toBe('ETHUSDT')
    expect(report.rows).toBe(7)
    expect(report.gaps).toEqual([
      { from: T0 + 2 * H, to: T0 + 4 * H, missing: 1 },
      { from: T0 + 5 * H, to: T0 + 8 * H, missing: 2 },
    ])
  })

  it("should throw on gaps with onGap: 'error'", async () => {
    const err = await catchDataError(() => readCandlesCsv(fixturePath('ETHUSDT-1h-gap.csv'), { onGap: 'error' }))
    expect(err.source).toMatch(/ETHUSDT-1h-gap\.csv$/)
    expect(brief(err.issues)).toEqual([
      ['gap', 5, T0 + 4 * H],
      ['gap', 7, T0 + 8 * H],
    ])
  })

  it('should report rows out of order', async () => {
    const err = await catchDataError(() => readCandlesCsv(fixturePath('BAD-unsorted.csv')))
    expect(err.source).toMatch(/BAD-unsorted\.csv$/)
    expect(brief(err.issues)).toEqual([['unsorted', 7, T0 + 4 * H]])
    expect(err.message).toContain('BAD-unsorted.csv')
  })

  it('should report duplicate timestamps', async () => {
    const err = await catchDataError(() => readCandlesCsv(fixturePath('BAD-duplicate.csv')))
    expect(err.source).toMatch(/BAD-duplicate\.csv$/)
    expect(brief(err.issues)).toEqual([['duplicate', 5, T0 + 2 * H]])
    expect(err.issues[0]?.message).toContain('2023-12-01T02:00:00.000Z')
  })

  it('should report NaN, empty and unparsable values', async () => {
    const err = await catchDataError(() => readCandlesCsv(fixturePath('BAD-nan.csv')))
    expect(err.source).toMatch(/BAD-nan\.csv$/)
    expect(brief(err.issues)).toEqual([
      ['nan', 4, T0 + 2 * H],
      ['nan', 7, T0 + 5 * H],
      ['parse', 8, T0 + 6 * H],
    ])
    expect(err.issues.map((i) => i.message)).toEqual([
      expect.stringContaining('"NaN" in column close'),
      expect.stringContaining('empty value in column high'),
      expect.stringContaining('"abc" in column open'),
    ])
  })

  it('should report a wrong header', async () => {
    const err = await catchDataError(() => readCandlesCsv(fixturePath('BAD-header.csv')))
    expect(err.source).toMatch(/BAD-header\.csv$/)
    expect(brief(err.issues)).toEqual([['header', 1, undefined]])
    expect(err.issues[0]?.message).toContain('found "time,open,high,low,close,volume"')
  })

  it('should report a missing header and still check the data rows', async () => {
    const err = await catchDataError(() => readCandlesCsv(fixturePath('BAD-no-header.csv')))
    expect(err.source).toMatch(/BAD-no-header\.csv$/)
    expect(brief(err.issues)).toEqual([['header', 1, undefined]])
    expect(err.issues[0]?.message).toContain('missing header')
  })

  it('should report OHLC inconsistencies', async () => {
    const err = await catchDataError(() => readCandlesCsv(fixturePath('BAD-ohlc.csv')))
    expect(err.source).toMatch(/BAD-ohlc\.csv$/)
    expect(brief(err.issues)).toEqual([
      ['ohlc', 3, T0 + H],
      ['ohlc', 6, T0 + 4 * H],
      ['ohlc', 8, T0 + 6 * H],
    ])
    expect(err.issues[0]?.message).toContain('low 38665.5 > min(open 37665.5, close 37927.3)')
    expect(err.issues[1]?.message).toContain('high 37030.1 < max(open 38030.1, close 38170.5)')
    expect(err.issues[2]?.message).toContain('low 0 <= 0')
  })

  it('should report rows with too few or too many columns', async () => {
    const err = await catchDataError(() => readCandlesCsv(fixturePath('BAD-columns.csv')))
    expect(err.source).toMatch(/BAD-columns\.csv$/)
    expect(brief(err.issues)).toEqual([
      ['parse', 3, T0 + H],
      ['parse', 5, T0 + 3 * H],
    ])
    expect(err.issues[0]?.message).toContain('expected 6 columns, found 4')
    expect(err.issues[1]?.message).toContain('too many columns')
  })

  it('should report a file that cannot be read', async () => {
    const err = await catchDataError(() => readCandlesCsv(fixturePath('NOPE-1h.csv')))
    expect(err.source).toMatch(/NOPE-1h\.csv$/)
    expect(err.issues[0]?.message).toMatch(/^cannot read file: .*ENOENT/)
  })

  it('should report a corrupt gzip file', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'BTCUSDT-1h.csv.gz')
      await writeFile(path, readFileSync(fixturePath('BTCUSDT-1h.csv.gz')).subarray(0, 100))
      const err = await catchDataError(() => readCandlesCsv(path))
      expect(err.issues[0]?.message).toMatch(/^cannot decompress gzip/)
    })
  })
})

describe('parseCandlesCsv', () => {
  it('should accept CRLF line endings, a BOM and trailing blank lines', () => {
    const text = `\uFEFF${rowsText(3).replaceAll('\n', '\r\n')}\r\n\r\n`
    const { series, report } = parseCandlesCsv(text, 'X-1h.csv')
    expect(report.rows).toBe(3)
    expect([...series.close]).toEqual([11, 11, 11])
  })

  it('should accept a last line without newline', () => {
    expect(parseCandlesCsv(rowsText(3).trimEnd(), 'X.csv').report.rows).toBe(3)
  })

  it('should report an empty line between rows', async () => {
    const lines = rowsText(3).split('\n')
    lines.splice(2, 0, '')
    const err = await catchDataError(() => parseCandlesCsv(lines.join('\n'), 'X.csv'))
    expect(brief(err.issues)).toEqual([['parse', 3, undefined]])
  })

  it('should report a file without data rows', async () => {
    const err = await catchDataError(() => parseCandlesCsv(`${HEADER}\n`, 'EMPTY.csv'))
    expect(err.source).toBe('EMPTY.csv')
    expect(err.issues[0]?.message).toBe('no data rows')
    const none = await catchDataError(() => parseCandlesCsv('', 'NONE.csv'))
    expect(none.issues[0]?.kind).toBe('header')
  })

  it('should report infinite values and fractional timestamps', async () => {
    const text = `${HEADER}\n${T0},10,Infinity,9,11,1\n${T0 + H + 0.5},10,12,9,11,1\n`
    const err = await catchDataError(() => parseCandlesCsv(text, 'X.csv'))
    expect(brief(err.issues)).toEqual([
      ['nan', 2, T0],
      ['parse', 3, undefined],
    ])
  })

  it('should list at most 1000 issues and count the rest', async () => {
    const err = await catchDataError(() =>
      parseCandlesCsv(
        rowsText(1500, () => true),
        'MANY.csv',
      ),
    )
    expect(err.issues).toHaveLength(1001)
    expect(err.issues[999]?.line).toBe(1001)
    expect(err.issues[1000]?.message).toBe('… and 500 more issues (list capped at 1000)')
    expect(err.message).toContain('… and 991 more')
  })

  it('should report spacings that are not a multiple of the given timeframe', async () => {
    const err = await catchDataError(() => parseCandlesCsv(rowsText(3), 'X.csv', { timeframe: '2h' }))
    expect(brief(err.issues)).toEqual([
      ['gap', 3, T0 + H],
      ['gap', 4, T0 + 2 * H],
    ])
  })

  it('should need a timeframe to read a single row', async () => {
    const err = await catchDataError(() => parseCandlesCsv(rowsText(1), 'ONE.csv'))
    expect(err.issues[0]?.message).toContain('pass options.timeframe')
    expect(parseCandlesCsv(rowsText(1), 'ONE.csv', { timeframe: '1h' }).report.rows).toBe(1)
  })

  it('should throw a ConfigError for an unknown timeframe', () => {
    expect(() => parseCandlesCsv(rowsText(3), 'X.csv', { timeframe: '1M' })).toThrow(ConfigError)
  })
})
