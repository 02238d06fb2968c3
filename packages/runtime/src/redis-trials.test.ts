/**
 * `optimize --redis` with `quantum-run worker --redis` processes on the local Redis: a worker killed
 * (SIGKILL) mid-trial loses its job to another worker and the study counts every trial once; Redis
 * unreachable mid-run (a proxy in front of it cut and restored) and the study still completes.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { openStateStore } from '@quantum/store'
import { runOptimize } from './optimize-cli.js'
import { redisConnection, prefixOf } from './redis-trials.js'
import { runWalkForward, type WindowReport } from './walk-forward-cli.js'
import { CaptureStream, fixture, tempDir } from '../test/helpers.js'

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js')
const redisUp = await new Promise<boolean>((resolve) => {
  const s = createConnection(6379, '127.0.0.1')
  s.once('connect', () => (s.destroy(), resolve(true)))
  s.once('error', () => resolve(false))
})

interface Spawned {
  readonly child: ChildProcess
  out: string
}
const children: Spawned[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL')
})

async function worker(url: string, slowMs: number): Promise<Spawned> {
  const child = spawn(process.execPath, [cli, 'worker', '--redis', url, '--lock-ms', '1500'], {
    env: { ...process.env, QUANTUM_TEST_SLOW_MS: String(slowMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const s: Spawned = { child, out: '' }
  child.stdout.on('data', (d: Buffer) => (s.out += d.toString()))
  children.push(s)
  await vi.waitFor(() => expect(s.out).toContain('ready'), { timeout: 30_000, interval: 50 })
  return s
}

type Line = { index: number; outcome: { status: string } }

const readLines = async (file: string): Promise<Line[]> =>
  (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line)

async function study(url: string): Promise<{ code: number; trials: Line[]; stored: number[] }> {
  const out = await tempDir()
  const state = join(out, 'state.db')
  const io = { stdout: new CaptureStream(), stderr: new CaptureStream(), cwd: out, env: {} }
  const code = await runOptimize(
    [fixture('redis.config.ts'), '--redis', url, '--workers', '3', '--out', out, '--state', state, '--quiet'],
    io,
  )
  const doc = JSON.parse(await readFile(join(out, 'optimize.json'), 'utf8')) as { study: string }
  const store = await openStateStore(state)
  const stored = (await store.studies.trials(doc.study)).map((t) => t.index)
  await store.close()
  return { code, trials: await readLines(join(out, 'trials.jsonl')), stored }
}

const url = (port = 6379): string => `redis://127.0.0.1:${port}?prefix=qt-test-${randomUUID().slice(0, 8)}`

describe.skipIf(!redisUp)('trials on BullMQ over Redis', () => {
  it("should give a killed worker's trial to another worker and count every trial once", async () => {
    const target = url()
    const a = await worker(target, 1200)
    const b = await worker(target, 1200)
    const running = study(target)
    await vi.waitFor(() => expect(a.out).toMatch(/start \S+/), { timeout: 30_000, interval: 20 })
    const killed = /start (\S+)/.exec(a.out)![1]!
    a.child.kill('SIGKILL')
    const { code, trials, stored } = await running
    expect(code).toBe(0)
    expect(trials.map((t) => t.index).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5])
    expect(stored).toEqual([0, 1, 2, 3, 4, 5])
    expect(trials.filter((t) => t.outcome.status !== 'ok')).toEqual([])
    expect(b.out).toContain(`start ${killed}\n`)
    expect(b.out).toContain(`done ${killed}\n`)
  }, 120_000)

  it("should run walk-forward windows on the Redis workers, a killed worker's trial again elsewhere, each counted once", async () => {
    const target = url()
    const a = await worker(target, 800)
    const b = await worker(target, 800)
    const out = await tempDir()
    const io = { stdout: new CaptureStream(), stderr: new CaptureStream(), cwd: out, env: {} }
    const argv = [fixture('walk-forward.config.ts'), '--redis', target, '--workers', '3', '--windows', '2']
    const running = runWalkForward([...argv, '--trials', '3', '--out', out, '--no-state', '--quiet'], io)
    await vi.waitFor(() => expect(a.out).toMatch(/start \S+/), { timeout: 30_000, interval: 20 })
    const killed = /start (\S+)/.exec(a.out)![1]!
    a.child.kill('SIGKILL')
    expect(await running).toBe(0)
    expect(io.stderr.text).toBe('')
    const doc = JSON.parse(await readFile(join(out, 'walk-forward.json'), 'utf8')) as { windows: WindowReport[] }
    expect(doc.windows.map((w) => [w.trials, w.ok, w.outOfSampleStatus])).toEqual([
      [3, 3, 'ok'],
      [3, 3, 'ok'],
    ])
    for (const k of [0, 1]) {
      const lines = await readLines(join(out, `window-${k}`, 'trials.jsonl'))
      expect(lines.map((t) => t.index).sort()).toEqual([0, 1, 2])
    }
    // The killed worker's job ran again on the other worker: 2 x (3 in-sample + 1 out-of-sample) jobs.
    expect(b.out).toContain(`start ${killed}\n`)
    expect(b.out).toContain(`done ${killed}\n`)
    const done = new Set([...a.out.matchAll(/done (\S+)/g), ...b.out.matchAll(/done (\S+)/g)].map((m) => m[1]))
    expect(done.size).toBe(8)
  }, 120_000)

  it('should go on when Redis comes back after being unreachable mid-run', async () => {
    const sockets = new Set<Socket>()
    const proxy = (): Server =>
      createServer((client) => {
        const upstream = createConnection(6379, '127.0.0.1')
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on('error', () => undefined)
          s.on('close', () => (sockets.delete(s), client.destroy(), upstream.destroy()))
        }
        client.pipe(upstream).pipe(client)
      })
    let server = proxy()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    const target = url(port)
    const w = await worker(target, 400)
    const running = study(target)
    await vi.waitFor(() => expect(w.out).toMatch(/done \S+/), { timeout: 30_000, interval: 20 })
    const closed = new Promise<void>((r) => server.close(() => r()))
    for (const s of sockets) s.destroy()
    await closed
    await new Promise((r) => setTimeout(r, 2500))
    server = proxy()
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
    const { code, trials } = await running
    server.close()
    for (const s of sockets) s.destroy()
    expect(code).toBe(0)
    expect(trials.map((t) => t.index).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5])
    expect(trials.every((t) => t.outcome.status === 'ok')).toBe(true)
  }, 120_000)

  it('should read the key prefix from the URL and refuse a URL that is not redis://', () => {
    expect(prefixOf({ redis: 'redis://h:1?prefix=abc' })).toBe('abc')
    expect(prefixOf({ redis: 'redis://h:1' })).toBe('quantum')
    expect(redisConnection('redis://10.1.2.3:6380/2')).toMatchObject({ host: '10.1.2.3', port: 6380, db: 2 })
    expect(() => redisConnection('http://x')).toThrow('Invalid Redis URL')
  })
})
