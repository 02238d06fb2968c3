import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStateStore } from '@quantum/store'
import { runCli } from '../src/index.js'
import { CaptureStream } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'quantum-runs-'))
const file = join(dir, 'state.db')
const T0 = Date.UTC(2025, 5, 1)

beforeAll(async () => {
  const store = await openStateStore(file)
  const base = { account: 'paper', name: 'reference', configHash: 'abcdef0123456789', mode: 'paper' as const }
  await store.startRun({ ...base, id: 'run-old', status: 'running', startedAt: T0 })
  await store.endRun('run-old', 'completed', T0 + 3_600_000)
  await store.startRun({ ...base, id: 'run-new', status: 'running', startedAt: T0 + 7_200_000 })
  const request = { symbol: 'BTCUSDT', side: 'BUY' as const, type: 'MARKET' as const, quantity: 0.002 }
  await store.journalIntent({ runId: 'run-new', clientOrderId: 'c-1', request, time: T0 + 7_200_000 })
  await store.journalIntent({ runId: 'run-new', clientOrderId: 'c-2', request, time: T0 + 7_260_000 })
  await store.recordAck({
    runId: 'run-new',
    clientOrderId: 'c-1',
    orderId: '9',
    status: 'FILLED',
    time: T0 + 7_200_001,
  })
  const trade = {
    symbol: 'BTCUSDT',
    side: 'LONG' as const,
    entryTime: T0,
    exitTime: T0 + 1,
    entryPrice: 100,
    exitPrice: 110,
  }
  const money = { quantity: 1, grossPnl: 10, fees: 0.25, funding: 0 }
  await store.recordTrade('run-new', { id: 1, ...trade, ...money, netPnl: 9.75, exitReason: 'tp1' })
  await store.recordEquity('run-new', [{ time: T0 + 7_260_000, equity: 10_009.75 }])
  await store.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new CaptureStream()
  const stderr = new CaptureStream()
  const code = await runCli(argv, { stdout, stderr, cwd: dir, env: {} })
  return { code, out: stdout.chunks.join(''), err: stderr.chunks.join('') }
}

describe('quantum-run runs', () => {
  it('lists the runs of the store, newest first', async () => {
    const { code, out } = await cli('runs', 'list', '--state', file)
    expect(code).toBe(0)
    const lines = out.trim().split('\n')
    expect(lines[0]).toMatch(/^run-new {2}running {2}paper {2}paper {2}reference/)
    expect(lines[1]).toMatch(/^run-old {2}completed/)
    const json = JSON.parse((await cli('runs', 'list', '--state', file, '--json')).out) as { id: string }[]
    expect(json.map((r) => r.id)).toEqual(['run-new', 'run-old'])
  })

  it('shows one run: its journal, trades, equity and the intents still waiting for an answer', async () => {
    const { code, out } = await cli('runs', 'show', 'run-new', '--state', file)
    expect(code).toBe(0)
    expect(out).toContain('run run-new (running, paper, account paper)')
    expect(out).toContain('2 intents (1 with no answer), 1 acks, 0 fills')
    expect(out).toContain('trades       1, net PnL 9.75 USDT')
    expect(out).toContain('last 10009.75')
  })

  it('refuses an unknown run and a missing store file (which it does not create), exit code 2', async () => {
    const unknown = await cli('runs', 'show', 'nope', '--state', file)
    expect(unknown.code).toBe(2)
    expect(unknown.err).toContain('No run nope')
    const missing = join(dir, 'absent.db')
    const absent = await cli('runs', 'list', '--state', missing)
    expect(absent.code).toBe(2)
    expect(absent.err).toContain(`No state store at ${missing}`)
    expect(existsSync(missing)).toBe(false)
  })
})
