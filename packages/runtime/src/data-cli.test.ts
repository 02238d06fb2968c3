/**
 * `quantum-run data download` against the local emulator (real ccxt): the files land where a config's
 * data folder reads them, a second run adds nothing, gaps exit 1, bad flags are refused.
 */
import { join } from 'node:path'
import { ConfigError, readCandlesCsv, readFundingCsv } from '@quantum/core'
import { startEmulator, type Emulator } from '@quantum/emulator'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseDataArgs, runData } from './data-cli.js'
import { CaptureStream, tempDir } from '../test/helpers.js'

const T0 = Date.UTC(2025, 0, 1)
const H = 3_600_000

let emu: Emulator
beforeEach(async () => {
  emu = await startEmulator({
    clock: 'manual',
    startTime: T0,
    interval: '1h',
    funding: { BTCUSDT: { time: [T0, T0 + 8 * H, T0 + 16 * H], rate: [0.0001, 0.0002, -0.0001] } },
  })
})
afterEach(async () => {
  await emu.close()
})

async function download(cwd: string, extra: string[] = []): Promise<{ code: number; out: string }> {
  const stdout = new CaptureStream()
  const stderr = new CaptureStream()
  const env = { QUANTUM_BINANCE_REST_URL: emu.restUrl, QUANTUM_BINANCE_WS_URL: emu.wsUrl }
  const argv = [
    'download',
    '--symbols',
    'BTCUSDT',
    '--timeframe',
    '1h',
    '--from',
    '2025-01-01',
    '--to',
    '2025-01-03',
    ...extra,
  ]
  const code = await runData(argv, { stdout, stderr, cwd, env })
  return { code, out: stdout.text }
}

describe('quantum-run data download', () => {
  it('should write the candle, mark and funding files of the data folder and exit 0, then add nothing', async () => {
    for (let k = 0; k < 24; k++)
      emu.pushBar('BTCUSDT', {
        openTime: T0 + k * H,
        open: 100 + k,
        high: 102 + k,
        low: 99 + k,
        close: 101 + k,
        volume: 5,
      })
    const cwd = await tempDir()
    const first = await download(cwd)
    expect(first.code).toBe(0)
    expect(first.out).toContain(`complete ${join(cwd, 'data', 'BTCUSDT-1h.csv')}  24 rows (+24)`)
    expect((await readCandlesCsv(join(cwd, 'data', 'BTCUSDT-1h.csv'))).series.close[23]).toBe(124)
    expect((await readCandlesCsv(join(cwd, 'data', 'mark', 'BTCUSDT-1h-mark.csv'))).series.open[0]).toBe(100)
    expect(Array.from((await readFundingCsv(join(cwd, 'data', 'funding', 'BTCUSDT-funding-8h.csv'))).rate)).toEqual([
      0.0001, 0.0002, -0.0001,
    ])
    const again = await download(cwd, ['--json'])
    const report = JSON.parse(again.out) as { files: { rowsAdded: number }[] }
    expect(report.files.map((f) => f.rowsAdded)).toEqual([0, 0, 0])
  })

  it('should exit 1 and list the hole when the venue answers with a gap', async () => {
    for (let k = 0; k < 24; k++)
      if (k !== 5)
        emu.pushBar('BTCUSDT', { openTime: T0 + k * H, open: 100, high: 101, low: 99, close: 100, volume: 1 })
    const { code, out } = await download(await tempDir(), ['--kinds', 'candles'])
    expect(code).toBe(1)
    expect(out).toContain('gap 2025-01-01T04:00Z → 2025-01-01T06:00Z (1 missing)')
  })

  it('should refuse a missing action, symbols, timeframe or start, and unknown kinds, naming each', () => {
    expect(() => parseDataArgs(['--kinds', 'ticks'])).toThrow(ConfigError)
    try {
      parseDataArgs(['--kinds', 'ticks'])
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.path)).toEqual([
        '<action>',
        '--symbols',
        '--timeframe',
        '--from',
        '--kinds',
      ])
    }
  })
})
