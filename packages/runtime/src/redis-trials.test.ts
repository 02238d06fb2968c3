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
import { runOptimize } from './optimize-cli.js'
import { redisConnection, prefixOf } from './redis-trials.js'
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

async function study(url: string): Promise<{ code: number; trials: { index: number; outcome: { status: string } }[] }> {
  const out = await tempDir()
  const stdout = new CaptureStream()
  const io = { stdout, stderr: new CaptureStream(), cwd: process.cwd(), env: {} }
  const code = await runOptimize(
    [fixture('redis.config.ts'), '--redis', url, '--workers', '3', '--out', out, '--quiet'],
    io,
  )
  const lines = (await readFile(join(out, 'trials.jsonl'), 'utf8')).trim().split('\n')
  return { code, trials: lines.map((l) => JSON.parse(l) as { index: number; outcome: { status: string } }) }
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
    const { code, trials } = await running
    expect(code).toBe(0)
    expect(trials.map((t) => t.index).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5])
    expect(trials.filter((t) => t.outcome.status !== 'ok')).toEqual([])
    expect(b.out).toContain(`start ${killed}\n`)
    expect(b.out).toContain(`done ${killed}\n`)
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
