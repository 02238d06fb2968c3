/**
 * downloadHistory with a scripted client: a malformed answer fails the file without writing it, an
 * existing file that does not read back is left alone, and a bad range is refused.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundledExchangeInfo, DataError } from '@quantum/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { downloadHistory, type DownloadInput } from './download-history.js'
import type { HistoryClient } from './history-rows.js'

const BTC_INFO = (bundledExchangeInfo() as { symbols: { symbol: string }[] }).symbols.find(
  (s) => s.symbol === 'BTCUSDT',
)
const T0 = Date.UTC(2026, 0, 1)
const H = 3_600_000

function client(rows: unknown[]): HistoryClient {
  return {
    loadMarkets: () => Promise.resolve({ 'BTC/USDT:USDT': { id: 'BTCUSDT', symbol: 'BTC/USDT:USDT', info: BTC_INFO } }),
    fetchOHLCV: () => Promise.resolve(rows),
    fetchFundingRateHistory: () => Promise.resolve([]),
    close: () => Promise.resolve(undefined),
  }
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quantum-download-unit-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const input = (c: HistoryClient): DownloadInput => ({
  client: c,
  dir,
  symbols: ['BTCUSDT'],
  timeframe: '1h',
  from: T0,
  to: T0 + 10 * H,
  kinds: ['candles'],
  now: () => T0 + 100 * H,
})

describe('downloadHistory (scripted client)', () => {
  it('should fail a file whose answer has a malformed candle and write none of that page', async () => {
    const report = await downloadHistory(input(client([[T0, 100, 99, 98, 100, 1]])))
    expect(report.files[0]).toMatchObject({ status: 'failed', rows: 0, error: { name: 'DataError' } })
    expect(report.files[0]!.error!.message).toContain('high/low do not enclose open/close')
    expect(existsSync(join(dir, 'BTCUSDT-1h.csv'))).toBe(false)
  })

  it('should leave an existing file that does not read back as it is, and report it failed', async () => {
    const path = join(dir, 'BTCUSDT-1h.csv')
    await writeFile(path, 'open_time,open,high,low,close,volume\nnot,a,row\n')
    const report = await downloadHistory(input(client([[T0, 100, 101, 99, 100, 1]])))
    expect(report.files[0]).toMatchObject({ status: 'failed' })
    expect(await readFile(path, 'utf8')).toBe('open_time,open,high,low,close,volume\nnot,a,row\n')
  })

  it('should never write a candle that has not closed by the venue time', async () => {
    const rows = [0, 1, 2].map((k) => [T0 + k * H, 100, 101, 99, 100, 1])
    const report = await downloadHistory({ ...input(client(rows)), now: () => T0 + 2 * H + 5 })
    expect(report.files[0]).toMatchObject({ status: 'complete', rows: 2 })
  })

  it('should refuse an empty range', async () => {
    await expect(downloadHistory({ ...input(client([])), to: T0 })).rejects.toBeInstanceOf(DataError)
  })
})
