/**
 * downloadHistory through real ccxt 4.5 against the local emulator: candles, mark-price candles and
 * funding rates into the SDK's file layout, paging, incremental runs, an interrupted download resumed,
 * gaps in the venue's answer, and bad input.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, readCandlesCsv, readFundingCsv } from '@quantum/core'
import { startEmulator, type Emulator, type EmulatorBar } from '@quantum/emulator'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createHistoryClient } from './client.js'
import { downloadHistory, historyPath, type DownloadInput } from './download-history.js'
import type { HistoryClient } from './history-rows.js'

const T0 = Date.UTC(2026, 0, 1)
const H = 3_600_000
const EIGHT_H = 8 * H

/** Bar `k` of a symbol: prices differ per symbol and hour, so a wrong or shifted candle shows. */
function bar(symbol: string, k: number): EmulatorBar {
  const base = (symbol === 'BTCUSDT' ? 60_000 : 3_000) + 10 * k
  return { openTime: T0 + k * H, open: base, high: base + 8, low: base - 6, close: base + 3, volume: 1 + k }
}

const FUNDING_TIMES = Array.from({ length: 12 }, (_, k) => T0 + k * EIGHT_H)
const FUNDING = {
  BTCUSDT: { time: FUNDING_TIMES, rate: FUNDING_TIMES.map((_, k) => Number((0.0001 * (k - 3)).toFixed(8))) },
  ETHUSDT: { time: FUNDING_TIMES, rate: FUNDING_TIMES.map((_, k) => 0.00005 * k) },
}

let emu: Emulator
let client: HistoryClient
let dir: string
beforeEach(async () => {
  emu = await startEmulator({ clock: 'manual', startTime: T0, interval: '1h', funding: FUNDING })
  client = await createHistoryClient({ transport: emu, throttle: false })
  dir = await mkdtemp(join(tmpdir(), 'quantum-download-'))
})
afterEach(async () => {
  await client.close()
  await emu.close()
  await rm(dir, { recursive: true, force: true })
})

function push(symbol: string, from: number, to: number, skip: (k: number) => boolean = () => false): void {
  for (let k = from; k < to; k++) if (!skip(k)) emu.pushBar(symbol, bar(symbol, k))
}

function input(over: Partial<DownloadInput> = {}): DownloadInput {
  return {
    client,
    dir,
    symbols: ['BTCUSDT'],
    timeframe: '1h',
    from: T0,
    to: T0 + 96 * H,
    now: () => emu.now(),
    pageLimit: 10,
    ...over,
  }
}

const klineRequests = (): number => emu.requests.filter((r) => r.path === '/fapi/v1/klines').length

describe('downloadHistory against the emulator (real ccxt)', () => {
  it('should write candles, mark-price candles and funding rates that read back equal to what the venue has', async () => {
    push('BTCUSDT', 0, 72)
    push('ETHUSDT', 0, 72)
    const report = await downloadHistory(input({ symbols: ['BTCUSDT', 'ETHUSDT'] }))
    expect(report.failed).toBe(0)
    expect(report.files.map((f) => [f.symbol, f.kind, f.status, f.rows])).toEqual([
      ['BTCUSDT', 'candles', 'complete', 72],
      ['BTCUSDT', 'mark', 'complete', 72],
      ['BTCUSDT', 'funding', 'complete', 10],
      ['ETHUSDT', 'candles', 'complete', 72],
      ['ETHUSDT', 'mark', 'complete', 72],
      ['ETHUSDT', 'funding', 'complete', 10],
    ])
    const eth = await readCandlesCsv(join(dir, 'ETHUSDT-1h.csv'))
    expect(eth.series.symbol).toBe('ETHUSDT')
    expect(Array.from(eth.series.close)).toEqual(Array.from({ length: 72 }, (_, k) => bar('ETHUSDT', k).close))
    expect(Array.from(eth.series.volume)).toEqual(Array.from({ length: 72 }, (_, k) => 1 + k))
    const mark = await readCandlesCsv(historyPath(dir, { symbol: 'BTCUSDT', kind: 'mark', timeframe: '1h' }))
    expect(Array.from(mark.series.open.slice(0, 2))).toEqual([60_000, 60_010])
    expect(Array.from(mark.series.volume).every((v) => v === 0)).toBe(true)
    // Funding events due by the venue's now (the last bar's close), at or before it, not the ones still ahead.
    const funding = await readFundingCsv(join(dir, 'funding', 'BTCUSDT-funding-8h.csv'))
    expect(Array.from(funding.time)).toEqual(FUNDING_TIMES.slice(0, 10))
    expect(Array.from(funding.rate)).toEqual(FUNDING.BTCUSDT.rate.slice(0, 10))
  })

  it('should page through the range, and on a second run fetch only what the file lacks', async () => {
    push('BTCUSDT', 0, 35)
    const first = await downloadHistory(input({ kinds: ['candles'] }))
    expect(first.files[0]).toMatchObject({ status: 'complete', rowsBefore: 0, rowsAdded: 35, rows: 35 })
    expect(klineRequests()).toBe(4)
    push('BTCUSDT', 35, 50)
    const second = await downloadHistory(input({ kinds: ['candles'] }))
    expect(second.files[0]).toMatchObject({ status: 'complete', rowsBefore: 35, rowsAdded: 15, rows: 50 })
    expect(klineRequests()).toBe(4 + 2)
    const third = await downloadHistory(input({ kinds: ['candles'], from: T0 + 10 * H }))
    expect(third.files[0]).toMatchObject({ rowsAdded: 0, rows: 50 })
  })

  it('should keep the pages fetched before an interruption, report the file failed, and resume from there', async () => {
    push('BTCUSDT', 0, 60)
    const failing = input({
      kinds: ['candles'],
      savePages: 1,
      onProgress: (p) => {
        if (p.rows === 20) emu.faults.inject({ kind: 'http-503', path: '/fapi/v1/klines', times: 1 })
      },
    })
    const cut = await downloadHistory(failing)
    expect(cut.failed).toBe(1)
    expect(cut.files[0]).toMatchObject({ status: 'failed', rows: 20, error: { name: 'OperationFailed' } })
    expect((await readCandlesCsv(join(dir, 'BTCUSDT-1h.csv'))).series.openTime.length).toBe(20)
    const before = klineRequests()
    const resumed = await downloadHistory(input({ kinds: ['candles'] }))
    expect(resumed.files[0]).toMatchObject({ status: 'complete', rowsBefore: 20, rowsAdded: 40, rows: 60 })
    expect(klineRequests() - before).toBe(5)
    const all = await readCandlesCsv(join(dir, 'BTCUSDT-1h.csv'))
    expect(Array.from(all.series.open)).toEqual(Array.from({ length: 60 }, (_, k) => bar('BTCUSDT', k).open))
  })

  it('should write what the venue answered with holes and report them, not call the file complete', async () => {
    push('BTCUSDT', 0, 48, (k) => k >= 30 && k < 35)
    const report = await downloadHistory(input({ kinds: ['candles'] }))
    expect(report.files[0]).toMatchObject({ status: 'gaps', rows: 43 })
    expect(report.files[0]!.gaps).toEqual([{ from: T0 + 29 * H, to: T0 + 35 * H, missing: 5 }])
  })

  it('should refuse a symbol the venue does not list and a timeframe Binance has no klines of', async () => {
    await expect(downloadHistory(input({ symbols: ['NOPEUSDT'] }))).rejects.toBeInstanceOf(ConfigError)
    await expect(downloadHistory(input({ timeframe: '7m' }))).rejects.toBeInstanceOf(ConfigError)
  })
})
