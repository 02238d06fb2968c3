import { describe, expect, it } from 'vitest'
import { ConfigError } from '../errors.js'
import { catchDataError, fixturePath } from '../../test/fixtures/data/fixtures.js'
import { parseFundingCsv, readFundingCsv, readFundingCsvSync } from './read-funding-csv.js'

const H8 = 8 * 3_600_000
const GAP_FROM = Date.parse('2024-12-04T00:00:00Z')
const GAP_TO = Date.parse('2024-12-31T00:00:00Z')

describe('readFundingCsv', () => {
  it('should load funding times and rates with the symbol from the file name', async () => {
    const f = await readFundingCsv(fixturePath('BTCUSDT-funding-8h.csv'))
    expect(f.symbol).toBe('BTCUSDT')
    expect(f.time.length).toBe(20)
    expect(f.rate.length).toBe(20)
    expect([f.time[0], f.rate[0]]).toEqual([GAP_FROM - 9 * H8, 0.00015901])
    expect(f.report).toMatchObject({ rows: 20, first: GAP_FROM - 9 * H8, last: GAP_TO + 9 * H8, stepMs: H8 })
  })

  it('should report the December 2024 gap (80 funding events missing)', async () => {
    const f = await readFundingCsv(fixturePath('BTCUSDT-funding-8h.csv'))
    expect(f.report.gaps).toEqual([{ from: GAP_FROM, to: GAP_TO, missing: 80 }])
  })

  it("should throw on gaps with onGap: 'error'", async () => {
    const err = await catchDataError(() => readFundingCsv(fixturePath('BTCUSDT-funding-8h.csv'), { onGap: 'error' }))
    expect(err.source).toMatch(/BTCUSDT-funding-8h\.csv$/)
    expect(err.issues.map((i) => [i.kind, i.line, i.time])).toEqual([['gap', 12, GAP_TO]])
  })

  it('should have a sync variant giving the same result', async () => {
    const path = fixturePath('BTCUSDT-funding-8h.csv')
    expect(readFundingCsvSync(path)).toEqual(await readFundingCsv(path))
  })

  it('should report duplicate times and NaN rates', async () => {
    const err = await catchDataError(() => readFundingCsv(fixturePath('BAD-funding.csv')))
    expect(err.source).toMatch(/BAD-funding\.csv$/)
    expect(err.issues.map((i) => [i.kind, i.line, i.time])).toEqual([
      ['duplicate', 5, 1733068800000],
      ['nan', 7, 1733155200000],
    ])
  })

  it('should reject a candle file (wrong header)', async () => {
    const err = await catchDataError(() => readFundingCsv(fixturePath('BTCUSDT-1h.csv')))
    expect(err.issues[0]).toMatchObject({ kind: 'header', line: 1 })
  })
})

describe('parseFundingCsv', () => {
  it('should accept a shorter spacing (interval change) without reporting it', () => {
    const text = `funding_time,funding_rate\n0,0.0001\n${H8},0.0001\n${2 * H8},-0.0002\n${2 * H8 + H8 / 2},0.0003\n`
    const f = parseFundingCsv(text, 'X-funding.csv')
    expect(f.report.gaps).toEqual([])
    expect([...f.rate]).toEqual([0.0001, 0.0001, -0.0002, 0.0003])
  })

  it('should use the given interval for gaps', () => {
    const text = `funding_time,funding_rate\n0,0\n${H8},0\n${2 * H8},0\n`
    expect(parseFundingCsv(text, 'X.csv', { intervalMs: H8 / 2 }).report.gaps).toEqual([
      { from: 0, to: H8, missing: 1 },
      { from: H8, to: 2 * H8, missing: 1 },
    ])
  })

  it('should throw a ConfigError for a non-positive interval', () => {
    expect(() => parseFundingCsv('funding_time,funding_rate\n0,0\n', 'X.csv', { intervalMs: 0 })).toThrow(ConfigError)
  })
})
