import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../src/atomic.js'
import type { RunInfo } from '../src/run-info.js'
import { EQUITY_CSV_HEADER, TRADES_CSV_HEADER } from '../src/serialize.js'
import { defaultRunDir, runStamp, writeRunFolder } from '../src/write-run.js'
import { tempDir } from './helpers.js'
import { makeResult } from './make-result.js'

const info: RunInfo = {
  name: 'fixture',
  mode: 'backtest',
  configFile: '/x/quantum.config.ts',
  data: { candles: ['/x/data/BTCUSDT-1h.csv'], funding: [] },
  plugins: [{ name: 'test:agent', kind: 'agent', options: { period: 14, limit: Number.POSITIVE_INFINITY } }],
}

/** Splits CSV text into rows of fields (handles quoted fields with commas and quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  for (const line of text.trimEnd().split('\n')) {
    const fields: string[] = []
    const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g
    let m: RegExpExecArray | null
    while ((m = re.exec(line)) !== null) {
      const raw = m[1] ?? ''
      fields.push(raw.startsWith('"') ? raw.slice(1, -1).replaceAll('""', '"') : raw)
      if (m[2] === '') break
    }
    rows.push(fields)
  }
  return rows
}

describe('writeRunFolder', () => {
  it('should write summary.json, trades.csv, equity.csv and report.html that parse back', async () => {
    const result = makeResult({ bars: 800, trades: 25, exitReason: 'stop, "hard"' })
    const dir = join(await tempDir(), 'run')
    const files = await writeRunFolder(result, { dir, info })
    expect(files).toEqual({
      dir,
      summary: join(dir, 'summary.json'),
      trades: join(dir, 'trades.csv'),
      equity: join(dir, 'equity.csv'),
      report: join(dir, 'report.html'),
    })
    const summary = JSON.parse(await readFile(files.summary, 'utf8')) as Record<string, unknown>
    expect(summary).toMatchObject({
      name: 'fixture-run',
      trades: 25,
      bars: 800,
      sharpe: 1.23,
      profitFactor: 'Infinity',
      barsPerSecond: 'NaN',
      config: { name: 'fixture', mode: 'backtest', data: { candles: ['/x/data/BTCUSDT-1h.csv'] } },
    })
    expect(summary.config).toMatchObject({
      plugins: [{ name: 'test:agent', options: { period: 14, limit: 'Infinity' } }],
    })

    const trades = parseCsv(await readFile(files.trades, 'utf8'))
    expect(trades[0]?.join(',')).toBe(TRADES_CSV_HEADER)
    expect(trades.length - 1).toBe(result.trades.length)
    const first = result.trades[0]
    expect(trades[1]).toEqual([
      '1',
      'BTCUSDT',
      first?.side,
      String(first?.entryTime),
      new Date(first?.entryTime ?? 0).toISOString(),
      String(first?.exitTime),
      new Date(first?.exitTime ?? 0).toISOString(),
      String(first?.entryPrice),
      String(first?.exitPrice),
      '0.1',
      String(first?.grossPnl),
      String(first?.fees),
      String(first?.funding),
      String(first?.netPnl),
      'stop, "hard"',
    ])

    const equity = (await readFile(files.equity, 'utf8')).trimEnd().split('\n')
    expect(equity[0]).toBe(EQUITY_CSV_HEADER)
    expect(equity.length - 1).toBe(result.equity.time.length)
    const [t, iso, e, dd] = (equity[1] ?? '').split(',')
    expect(Number(t)).toBe(result.equity.time[0])
    expect(iso).toBe(new Date(Number(t)).toISOString())
    expect(Number(e)).toBe(result.equity.equity[0])
    expect(Number(dd)).toBe(0)
    expect(equity.slice(1).every((row) => Number(row.split(',')[3]) >= 0)).toBe(true)
    for (const row of equity.slice(1)) {
      const [ms, text] = row.split(',')
      expect(text).toBe(new Date(Number(ms)).toISOString())
    }

    const html = await readFile(files.report ?? '', 'utf8')
    expect(html).toContain('<script type="application/json" id="report-data">')
  })

  it('should not write the report when report is false', async () => {
    const dir = join(await tempDir(), 'run')
    const files = await writeRunFolder(makeResult({ bars: 50, trades: 0 }), { dir, info, report: false })
    expect(files.report).toBeUndefined()
    expect((await readdir(dir)).sort()).toEqual(['equity.csv', 'summary.json', 'trades.csv'])
    expect((await readFile(files.trades, 'utf8')).trimEnd()).toBe(TRADES_CSV_HEADER)
  })
})

describe('writeFileAtomic', () => {
  it('should replace the file content in one step', async () => {
    const path = join(await tempDir(), 'a.txt')
    await writeFileAtomic(path, 'one')
    await writeFileAtomic(path, ['two', '-', 'three'])
    expect(await readFile(path, 'utf8')).toBe('two-three')
  })

  it('should write many chunks in order while the next is made: small, multi-byte and larger than a buffer', async () => {
    const path = join(await tempDir(), 'big.csv')
    const chunks = Array.from({ length: 40 }, (_, k) =>
      k % 7 === 3 ? `${'é€'.repeat(60_000)}|${k}\n` : `${String(k).repeat(10_000 + k * 997)}\n`,
    )
    await writeFileAtomic(path, chunks)
    expect(await readFile(path, 'utf8')).toBe(chunks.join(''))
  })

  it('should write byte chunks from two buffers filled in turn, mixed with text, in order', async () => {
    const path = join(await tempDir(), 'bytes.csv')
    const buffers = [Buffer.alloc(100_000), Buffer.alloc(100_000)]
    const expected: string[] = []
    // Each buffer is refilled as soon as the generator is resumed twice after yielding it.
    function* chunks(): Generator<string | Uint8Array> {
      for (let k = 0; k < 30; k++) {
        if (k % 10 === 9) {
          expected.push(`text ${k}\n`)
          yield `text ${k}\n`
          continue
        }
        const buf = buffers[k % 2]!
        const text = `${String(k % 10).repeat(50_000 + k * 1_000)}\n`
        const n = buf.write(text, 'latin1')
        expected.push(text)
        yield buf.subarray(0, n)
      }
    }
    await writeFileAtomic(path, chunks())
    expect(await readFile(path, 'latin1')).toBe(expected.join(''))
  })

  it('should leave the previous file intact and no temporary file when writing fails half-way', async () => {
    const dir = await tempDir()
    const path = join(dir, 'summary.json')
    await writeFile(path, '{"complete":true}')
    function* chunks(): Generator<string> {
      yield '{"half":'
      throw new Error('crash while writing')
    }
    await expect(writeFileAtomic(path, chunks())).rejects.toThrow('crash while writing')
    expect(await readFile(path, 'utf8')).toBe('{"complete":true}')
    expect(await readdir(dir)).toEqual(['summary.json'])
  })

  it('should not create the target when the first write fails', async () => {
    const dir = await tempDir()
    const chunks: Iterable<string> = {
      [Symbol.iterator]() {
        throw new Error('nothing to write')
      },
    }
    await expect(writeFileAtomic(join(dir, 'x.csv'), chunks)).rejects.toThrow()
    expect(existsSync(join(dir, 'x.csv'))).toBe(false)
    expect(await readdir(dir)).toEqual([])
  })
})

describe('run folder names', () => {
  it('should stamp YYYYMMDD-HHmmss in local time', () => {
    expect(runStamp(new Date(2024, 0, 2, 3, 4, 5))).toBe('20240102-030405')
  })

  it('should build <output.dir>/<name>-<stamp> relative to cwd and avoid existing folders', async () => {
    const cwd = await tempDir()
    const now = new Date(2024, 0, 2, 3, 4, 5)
    const first = defaultRunDir({ outputDir: 'runs', name: 'my strategy/v2', cwd, now })
    expect(first).toBe(join(cwd, 'runs', 'my-strategy-v2-20240102-030405'))
    await mkdir(first, { recursive: true })
    expect(defaultRunDir({ outputDir: 'runs', name: 'my strategy/v2', cwd, now })).toBe(`${first}-2`)
  })
})
