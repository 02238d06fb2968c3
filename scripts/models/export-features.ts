/**
 * Exports the standard features and labels of candle CSVs for the Python trainer, so that training
 * (Python) and inference (TS) use the very same feature code.
 *
 *   node --conditions=@quantum/source --import tsx scripts/models/export-features.ts \
 *     [--data /work/shared/data] [--out /tmp/qt-features] [--symbols BTCUSDT,ETHUSDT,BNBUSDT] [--timeframe 1h]
 *
 * Per symbol it writes `<SYMBOL>.features.npy` (float32 [n, 10], NaN during warm-up),
 * `<SYMBOL>.labels.npy` (int8 [n]: 0 SELL, 1 HOLD, 2 BUY, -1 unknown) and `<SYMBOL>.time.npy`
 * (float64 [n], bar open time in epoch ms), plus `manifest.json`.
 *
 * Label of bar i (decided at its close): r = close[i + 4] / close[i] - 1; BUY if r > +0.6 %,
 * SELL if r < -0.6 %, else HOLD; -1 when bar i + 4 is missing or lies after the data cut-off.
 * Bars from 2025-10-01 on are never read (they are not training or validation data).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { loadCandles } from '@quantum/core'
import { STANDARD_FEATURES, computeStandardFeatures } from '@quantum/agents'

/** Forward horizon of the label, in bars. */
export const LABEL_HORIZON = 4
/** Return threshold of the BUY / SELL labels (0.6 %). */
export const LABEL_THRESHOLD = 0.006
/** First bar open time that is never exported (2025-10-01T00:00Z). */
export const DATA_END = Date.UTC(2025, 9, 1)

/** Minimal NPY v1.0 writer (little-endian, C order). */
function npy(dtype: '<f4' | '<f8' | '|i1', shape: number[], data: ArrayBufferView): Buffer {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ')
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': (${dims}), }`
  const total = 10 + header.length + 1
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n'
  const pre = Buffer.alloc(10)
  pre.write('\x93NUMPY', 0, 'latin1')
  pre[6] = 1
  pre[7] = 0
  pre.writeUInt16LE(header.length, 8)
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)])
}

/** Labels of every bar: 0 SELL, 1 HOLD, 2 BUY, -1 when the forward bar is unknown. */
export function forwardLabels(close: Float64Array, openTime: Float64Array, end: number): Int8Array {
  const n = close.length
  const labels = new Int8Array(n).fill(-1)
  for (let i = 0; i + LABEL_HORIZON < n; i++) {
    if (openTime[i + LABEL_HORIZON]! >= end) break
    const r = close[i + LABEL_HORIZON]! / close[i]! - 1
    labels[i] = r > LABEL_THRESHOLD ? 2 : r < -LABEL_THRESHOLD ? 0 : 1
  }
  return labels
}

async function exportSymbol(dataDir: string, outDir: string, symbol: string, timeframe: string): Promise<object> {
  const { series } = await loadCandles(join(dataDir, `${symbol}-${timeframe}.csv`), { cache: false })
  let n = series.openTime.findIndex((t) => t >= DATA_END)
  if (n === -1) n = series.openTime.length
  const cut = <T extends Float64Array>(a: T): Float64Array => a.subarray(0, n)
  const history = {
    symbol,
    timeframe,
    openTime: cut(series.openTime),
    open: cut(series.open),
    high: cut(series.high),
    low: cut(series.low),
    close: cut(series.close),
    volume: cut(series.volume),
  }
  const { matrix, columns } = computeStandardFeatures(history)
  const labels = forwardLabels(history.close, history.openTime, DATA_END)
  await writeFile(join(outDir, `${symbol}.features.npy`), npy('<f4', [n, columns], matrix))
  await writeFile(join(outDir, `${symbol}.labels.npy`), npy('|i1', [n], labels))
  await writeFile(join(outDir, `${symbol}.time.npy`), npy('<f8', [n], Float64Array.from(history.openTime)))
  const counts = [0, 1, 2].map((c) => labels.filter((l) => l === c).length)
  return { symbol, rows: n, first: history.openTime[0], last: history.openTime[n - 1], classCounts: counts }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: '/work/shared/data' },
      out: { type: 'string', default: '/tmp/qt-features' },
      symbols: { type: 'string', default: 'BTCUSDT,ETHUSDT,BNBUSDT' },
      timeframe: { type: 'string', default: '1h' },
    },
  })
  await mkdir(values.out, { recursive: true })
  const symbols = values.symbols.split(',')
  const results = []
  for (const symbol of symbols) results.push(await exportSymbol(values.data, values.out, symbol, values.timeframe))
  const manifest = {
    features: STANDARD_FEATURES,
    classes: ['SELL', 'HOLD', 'BUY'],
    timeframe: values.timeframe,
    label: `forward ${LABEL_HORIZON}-bar return r = close[i+${LABEL_HORIZON}]/close[i]-1: BUY r > +${LABEL_THRESHOLD * 100}%, SELL r < -${LABEL_THRESHOLD * 100}%, else HOLD`,
    dataEnd: new Date(DATA_END).toISOString(),
    symbols: results,
  }
  await writeFile(join(values.out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  console.log(JSON.stringify(manifest, null, 2))
}

await main()
