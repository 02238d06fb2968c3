import { describe, expect, it } from 'vitest'
import { DataError } from '../errors.js'
import { parseCandlesCsv } from './read-candles-csv.js'

const H = 3_600_000
const T0 = Date.UTC(2024, 0, 1)
const HEADER = 'open_time,open,high,low,close,volume'

/** 30 sane hourly rows around 60,000; `edit(i, row)` may replace row i (0-based) by another text. */
function csv(edit: (i: number, time: number, row: string) => string = (_i, _t, row) => row): string {
  const lines = [HEADER]
  for (let i = 0; i < 30; i++) {
    const p = 60_000 + i * 10
    const time = T0 + i * H
    lines.push(edit(i, time, `${time},${p},${p + 50},${p - 50},${p + 5},12.5`))
  }
  return `${lines.join('\n')}\n`
}

function refused(text: string, options: Parameters<typeof parseCandlesCsv>[2] = {}): DataError {
  try {
    parseCandlesCsv(text, 'BTCUSDT-1h.csv', { timeframe: '1h', ...options })
  } catch (error) {
    expect(error).toBeInstanceOf(DataError)
    return error as DataError
  }
  throw new Error('the file was accepted')
}

describe('candle data sanity (absurd rows are typed errors naming file and line)', () => {
  it('should accept sane rows', () => {
    expect(parseCandlesCsv(csv(), 'BTCUSDT-1h.csv').report.rows).toBe(30)
  })

  it('should refuse a high of 1e308 on line 12', () => {
    const error = refused(csv((i, t, row) => (i === 10 ? `${t},60100,1e308,60050,60105,12.5` : row)))
    expect(error.message).toContain('BTCUSDT-1h.csv')
    expect(error.issues.map((x) => [x.kind, x.line])).toEqual([['magnitude', 12]])
  })

  it('should refuse prices of 1e300 and 1e-7 among neighbours of 60,000', () => {
    const huge = refused(csv((i, t, row) => (i === 5 ? `${t},1e300,1e300,1e300,1e300,1` : row)))
    expect(huge.issues.map((x) => [x.kind, x.line])).toEqual([['magnitude', 7]])
    const tiny = refused(csv((i, t, row) => (i === 20 ? `${t},1e-7,1e-7,1e-7,1e-7,1` : row)))
    expect(tiny.issues.map((x) => [x.kind, x.line])).toEqual([['spike', 22]])
    expect(tiny.issues[0]?.message).toMatch(/away from the previous close 60195/)
  })

  it('should refuse a 20x spike by default, and keep it in report.spikes with onSpike: report', () => {
    const text = csv((i, t, row) => (i === 15 ? `${t},60150,1200000,60100,60155,12.5` : row))
    expect(refused(text).issues.map((x) => [x.kind, x.line])).toEqual([['spike', 17]])
    const kept = parseCandlesCsv(text, 'BTCUSDT-1h.csv', { onSpike: 'report' })
    expect(kept.report.spikes?.map((x) => x.line)).toEqual([17]) // only the bad row, not the one after it
    expect(parseCandlesCsv(text, 'BTCUSDT-1h.csv', { spikeFactor: 25 }).report.spikes).toBeUndefined()
  })

  it('should refuse timestamps in seconds (1970 dates) and x1000 (year 56731), saying which unit they look like', () => {
    const seconds = refused(csv((_i, t, row) => row.replace(String(t), String(t / 1000))))
    expect(seconds.issues[0]).toMatchObject({ kind: 'time-range', line: 2 })
    expect(seconds.issues[0]?.message).toMatch(/looks like seconds \(x1000 gives 2024-01-01T00:00:00.000Z\)/)
    const micro = refused(csv((_i, t, row) => row.replace(String(t), String(t * 1000))))
    expect(micro.issues[0]).toMatchObject({ kind: 'time-range', line: 2 })
    expect(micro.issues[0]?.message).toMatch(/looks like microseconds/)
  })

  it('should refuse an absurd volume', () => {
    const error = refused(csv((i, t, row) => (i === 3 ? row.replace(/,12\.5$/, ',1e300') : row)))
    expect(error.issues.map((x) => [x.kind, x.line])).toEqual([['magnitude', 5]])
  })
})
