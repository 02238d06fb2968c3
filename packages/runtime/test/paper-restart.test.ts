/**
 * `quantum-run <config> --mode paper --state <db>` stopped and started again, as a VPS service is: a
 * SIGTERM mid-run exits 0 with the state flushed, the same command then resumes after the stored bar
 * and ends with the trades and wallet of an uninterrupted run (to the cent); a second signal during the
 * graceful stop exits at once and leaves a store that reopens, passes its integrity check and resumes.
 * The CLI runs from source in a child process. No timing is asserted: the stop is sent once the store
 * shows fills, while the replay (paced at 20 bars per second) is still far from its end.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openStateStore } from '@quantum/store'
import Database from 'libsql'
import { describe, expect, it } from 'vitest'
import { fixture, tempDir } from './helpers.js'

const here = dirname(fileURLToPath(import.meta.url))
const CLI = resolve(here, '../src/cli.ts')
const TSX = import.meta.resolve('tsx')
const CONFIG = fixture('paper-resume.config.ts')
/** 300 hourly BTC candles (2024-10-01 onwards). */
const CANDLES = resolve(here, '../../../examples/data/BTCUSDT-1h.csv')

interface Child {
  readonly exited: Promise<number | null>
  readonly pid: number
  readonly stderr: () => string
  kill(signal: NodeJS.Signals): void
}

/** Starts `quantum-run <config> --mode paper --data <csv> --state state.db --out <out> ...extra` in `cwd`. */
function quantumRun(cwd: string, out: string, extra: readonly string[] = []): Child {
  const args = [CONFIG, '--mode', 'paper', '--data', 'BTCUSDT-1h.csv', '--out', out, '--no-typecheck', '--no-progress']
  const child = spawn(
    process.execPath,
    ['--conditions=@quantum/source', '--import', TSX, CLI, ...args, '--log-level', 'info', ...extra],
    {
      cwd,
      env: { ...process.env, NO_COLOR: '1', QUANTUM_STATE_DIR: join(cwd, 'qs') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let text = ''
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()))
  child.stdout.resume()
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)))
  return { exited, pid: child.pid!, stderr: () => text, kill: (signal) => child.kill(signal) }
}

/**
 * Waits until the store holds at least `count` fills (the run is trading), polling it read-only (a
 * reader never blocks the run's writes in WAL mode).
 */
async function untilFills(db: string, run: Child, count: number): Promise<void> {
  let done = false
  void run.exited.then(() => (done = true))
  for (;;) {
    if (done) throw new Error(`the run exited before ${count} fills: ${run.stderr().slice(-2000)}`)
    if (existsSync(db)) {
      const reader = new Database(db, { readonly: true })
      try {
        const row = reader.prepare('select count(*) as n from fills').get() as { n: number } | undefined
        if ((row?.n ?? 0) >= count) return
      } catch {
        // not migrated yet
      } finally {
        reader.close()
      }
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

interface Folder {
  readonly trades: string[][]
  readonly wallet: number
}

/** The trades (side, entry and exit time, net PnL to the cent) and end balance of a run folder. */
async function folder(dir: string): Promise<Folder> {
  const csv = (await readFile(join(dir, 'trades.csv'), 'utf8')).trim().split('\n')
  const header = csv[0]!.split(',')
  const col = (name: string): number => header.indexOf(name)
  const trades = csv.slice(1).map((line) => {
    const f = line.split(',')
    return [f[col('side')]!, f[col('entry_time_ms')]!, f[col('exit_time_ms')]!, Number(f[col('net_pnl')]).toFixed(2)]
  })
  const summary = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as { ledger: { endBalance: number } }
  return { trades, wallet: Math.round(summary.ledger.endBalance * 100) / 100 }
}

/** A folder with the first 300 candles of the examples' BTC data. */
async function workDir(): Promise<string> {
  const cwd = await tempDir('quantum-paper-restart-')
  const lines = (await readFile(CANDLES, 'utf8')).split('\n').slice(0, 301)
  await writeFile(join(cwd, 'BTCUSDT-1h.csv'), `${lines.join('\n')}\n`)
  return cwd
}

describe('quantum-run --mode paper --state: stopped with SIGTERM and started again', () => {
  it('should exit 0 on SIGTERM with the run stored as stopped, then resume after the stored bar and end with the trades and wallet of an uninterrupted run', async () => {
    const cwd = await workDir()
    const whole = quantumRun(cwd, 'whole')
    expect(await whole.exited).toBe(0)
    const reference = await folder(join(cwd, 'whole'))
    expect(reference.trades.length).toBeGreaterThan(4)

    const db = join(cwd, 'state.db')
    const first = quantumRun(cwd, 'first', ['--state', db, '--speed', '20'])
    await untilFills(db, first, 3)
    first.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    expect(first.stderr()).toContain('stopping: no new entries')
    // State flushed: the run is stopped (to be resumed), its account stored at a bar before the last one.
    const store = await openStateStore(db, { createIfMissing: false })
    const [run] = await store.listRuns({ limit: 1 })
    const stored = { status: run?.status, fills: (await store.fills(run!.id)).length }
    await store.close()
    expect(stored.status).toBe('stopped')
    expect(stored.fills).toBeGreaterThanOrEqual(3)
    const cut = await folder(join(cwd, 'first'))
    expect(cut.trades.length).toBeLessThan(reference.trades.length)

    const second = quantumRun(cwd, 'second', ['--state', db])
    expect(await second.exited).toBe(0)
    expect(second.stderr()).toContain('resumed the stored paper run')
    const resumed = await folder(join(cwd, 'second'))
    expect(resumed.trades).toEqual(reference.trades)
    expect(resumed.wallet).toBe(reference.wallet)
    const after = await openStateStore(db, { createIfMissing: false })
    try {
      const runs = await after.listRuns({ limit: 10 })
      expect(runs.map((r) => [r.id, r.status])).toEqual([[run!.id, 'completed']]) // one run, resumed
      expect((await after.trades(run!.id)).length).toBe(reference.trades.length)
    } finally {
      await after.close()
    }
  }, 180_000)

  it('should exit 130 at once on a second signal during the graceful stop, leaving a store that reopens, passes its integrity check and resumes to the uninterrupted result', async () => {
    const cwd = await workDir()
    const whole = quantumRun(cwd, 'whole')
    const db = join(cwd, 'state.db')
    const first = quantumRun(cwd, 'first', ['--state', db, '--speed', '20'])
    expect(await whole.exited).toBe(0)
    const reference = await folder(join(cwd, 'whole'))
    await untilFills(db, first, 1)
    // Both signals are queued before the process runs its stop: the second one lands during it.
    first.kill('SIGTERM')
    first.kill('SIGINT')
    const code = await first.exited
    expect(first.stderr()).toMatch(/SIG(INT|TERM) again: exiting now/)
    expect(code).toBe(130)
    // The store reopens (schema and integrity checked) with the run to resume and its fills.
    const store = await openStateStore(db, { createIfMissing: false })
    const [run] = await store.listRuns({ limit: 1 })
    const fills = (await store.fills(run!.id)).length
    await store.close()
    expect(['running', 'stopped']).toContain(run?.status)
    expect(fills).toBeGreaterThanOrEqual(1)

    const second = quantumRun(cwd, 'second', ['--state', db])
    expect(await second.exited).toBe(0)
    expect(second.stderr()).toContain('resumed the stored paper run')
    const resumed = await folder(join(cwd, 'second'))
    expect(resumed.trades).toEqual(reference.trades)
    expect(resumed.wallet).toBe(reference.wallet)
  }, 180_000)
})
