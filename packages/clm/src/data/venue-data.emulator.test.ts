/**
 * The job's data step from the venue: candles fetched incrementally through real ccxt `fetchOHLCV` from
 * the local emulator into the candle store, then a training job on them; a failed download fails the
 * data step with a DataError naming the symbol, and production stays as it was.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHistoryClient, type DownloadReport, type HistoryClient } from '@quantum/ccxt'
import { startEmulator, type Emulator } from '@quantum/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gbdtAdapter } from '../pipeline/adapter.js'
import { momentumCandles } from '../pipeline/momentum.test-helpers.js'
import { Orchestrator } from '../pipeline/orchestrator.js'
import { openFileRegistry } from '../registry/file-registry.js'
import { ModelLifecycle } from '../registry/lifecycle.js'
import { DEFAULT_LABEL } from './labels.js'
import { venueCandles } from './venue-data.js'

const T0 = Date.UTC(2024, 0, 1)
const H = 3_600_000
const BARS = 24 * 200
const SYMBOLS = ['BTCUSDT', 'ETHUSDT']
const series = SYMBOLS.map((s, k) => momentumCandles(s, k + 1, BARS + 48))

let emu: Emulator
let client: HistoryClient
let dir: string
beforeAll(async () => {
  emu = await startEmulator({ clock: 'manual', startTime: T0, interval: '1h' })
  client = await createHistoryClient({ transport: emu, throttle: false })
  dir = await mkdtemp(join(tmpdir(), 'clm-venue-'))
})
afterAll(async () => {
  await client.close()
  await emu.close()
  await rm(dir, { recursive: true, force: true })
})

function push(from: number, to: number): void {
  series.forEach((c, s) => {
    for (let k = from; k < to; k++) {
      const [open, high, low, close, volume] = [c.open[k]!, c.high[k]!, c.low[k]!, c.close[k]!, c.volume[k]!]
      emu.pushBar(SYMBOLS[s]!, { openTime: c.openTime[k]!, open, high, low, close, volume })
    }
  })
}

const klineRequests = (): number => emu.requests.filter((r) => r.path === '/fapi/v1/klines').length

describe('venueCandles (emulator, real ccxt)', () => {
  const reports: DownloadReport[] = []
  const data = () =>
    venueCandles({ client, dir, symbols: SYMBOLS, days: 400, now: () => emu.now(), onReport: (r) => reports.push(r) })

  it('fills the candle store from the venue and trains on it, then fetches only the new bars', async () => {
    push(0, BARS)
    const lifecycle = new ModelLifecycle(await openFileRegistry({ dir: join(dir, 'reg'), create: true }))
    const orchestrator = new Orchestrator({
      lifecycle,
      families: {
        xgboost: {
          adapter: gbdtAdapter(),
          data: data(),
          sources: SYMBOLS.map((s) => `emulator ${s} 1h`),
          label: DEFAULT_LABEL,
          splits: { testDays: 30, validationDays: 30 },
          params: { rounds: 40, maxDepth: 4 },
          timeoutMs: 120_000,
        },
      },
    })
    const report = await orchestrator.run({ family: 'xgboost', reason: 'manual', requestedAt: 0 })
    expect(report.failure).toBeUndefined()
    expect(report.stage).toBe('CANDIDATE')
    expect(reports[0]!.files.map((f) => [f.symbol, f.rowsBefore, f.rowsAdded])).toEqual([
      ['BTCUSDT', 0, BARS],
      ['ETHUSDT', 0, BARS],
    ])
    const train = (await lifecycle.port.get(report.id!)).lineage
    expect(new Date(train.dataFrom).getTime()).toBe(T0 + 64 * H) // after the features' warm-up

    const before = klineRequests()
    push(BARS, BARS + 48)
    const again = await data()()
    expect(reports[1]!.files.map((f) => [f.symbol, f.rowsBefore, f.rowsAdded])).toEqual([
      ['BTCUSDT', BARS, 48],
      ['ETHUSDT', BARS, 48],
    ])
    expect(klineRequests() - before).toBeLessThanOrEqual(2 * 2) // one page of new bars per symbol (+ the end check)
    expect(again.map((s) => s.close.length)).toEqual([BARS + 48, BARS + 48])
    // the venue keeps 8 decimals
    expect(Array.from(again[1]!.close.slice(-3))).toEqual(Array.from(series[1]!.close.slice(-3), (x) => +x.toFixed(8)))
  })

  it('fails the data step with a DataError naming the symbol when the venue fails, production untouched', async () => {
    emu.faults.inject({ kind: 'http-503', path: '/fapi/v1/klines', times: 50 })
    const lifecycle = new ModelLifecycle(await openFileRegistry({ dir: join(dir, 'reg2'), create: true }))
    push(BARS + 48, BARS + 48) // nothing new
    emu.advance(2 * H)
    const orchestrator = new Orchestrator({
      lifecycle,
      families: {
        xgboost: { adapter: gbdtAdapter(), data: data(), sources: ['emulator'], label: DEFAULT_LABEL },
      },
    })
    const report = await orchestrator.run({ family: 'xgboost', reason: 'manual', requestedAt: 0 })
    emu.faults.clear()
    expect(report.failure?.step).toBe('data')
    expect(report.failure?.error).toMatch(/DataError.*BTCUSDT candles: download failed/s)
    expect(await lifecycle.port.list()).toEqual([])
  })
})
